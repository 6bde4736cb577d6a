import Foundation
import Logging
import PostgresClient
import SegflowEngine
import SegflowPipelineFile

/// `segflow validate`: every problem of a pipeline file and, given a database, of the
/// source tables it maps and of its output schema, each placed at a line and column of the file.
public struct PipelineValidator {
    /// What a validation found.
    public struct Report: Sendable {
        public var file: String
        /// Errors and warnings, in file order.
        public var issues: [PipelineIssue]
        /// The configuration, when the file itself has no error.
        public var configuration: PipelineConfiguration?
        /// Sources whose table or query was checked against the database.
        public var checkedSources: [SourceName]

        public var errors: [PipelineIssue] { issues.filter { $0.severity == .error } }
        public var warnings: [PipelineIssue] { issues.filter { $0.severity == .warning } }
        public var isClean: Bool { errors.isEmpty }
    }

    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Validates the file at `path`; with `database`, also the source tables. Throws only
    /// when the database cannot be reached or fails for a reason unrelated to the mappings.
    public func validate(path: String, database: PostgresConfiguration?) throws -> Report {
        guard let yaml = try? String(contentsOfFile: path, encoding: .utf8) else {
            // load(path:) words the reason (missing file, not UTF-8…).
            let issues: [PipelineIssue]
            do {
                _ = try PipelineConfiguration.load(path: path)
                issues = []
            } catch {
                issues = error.issues
            }
            return Report(file: path, issues: issues, configuration: nil, checkedSources: [])
        }
        return try validate(yaml: yaml, file: path, database: database)
    }

    public func validate(yaml: String, file: String, database: PostgresConfiguration?) throws -> Report {
        let read = PipelineConfiguration.read(yaml: yaml, file: file)
        var issues = read.issues
        var checked: [SourceName] = []
        if let database, let mappings = read.sourceMappings {
            let sources = LocatedSource.locate(mappings: mappings, positions: read.positions)
            let connection = try PostgresConnection(database, logger: logger)
            defer { connection.close() }
            issues += try sourceIssues(sources, connection: connection, file: file)
            checked = sources.map(\.source)
            issues += try OutputSchemaCheck(connection: connection, file: file)
                .issues(schema: read.outputSchema, at: read.positions.value("output.schema") ?? .top)
        }
        issues.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        return Report(file: file, issues: issues, configuration: read.configuration, checkedSources: checked)
    }

    /// The source checks of `validate`, for `run` and `backfill` before they record anything:
    /// throws `PipelineValidationError` (exit 2, placed at file:line:column) when a mapped
    /// table or query cannot be read or lacks a column; warnings are logged. Placed where
    /// the file read into `pipeline` gave each mapping (1:1 for a configuration built in code).
    public func checkSources(of pipeline: PipelineConfiguration, database: PostgresConfiguration, lockTimeout: Double? = nil) throws {
        let sources = LocatedSource.locate(mappings: pipeline.sources, positions: pipeline.positions)
        let connection = try PostgresConnection(database, logger: logger)
        defer { connection.close() }
        if let lockTimeout { try connection.setLockTimeout(seconds: lockTimeout) }
        let issues: [PipelineIssue]
        do {
            issues = try LockWaitMonitor.watching([connection.backendPID], what: "check sources", configuration: database,
                                                  logger: logger, interval: LockWaitMonitor.interval(lockTimeout ?? 10)) {
                try sourceIssues(sources, connection: connection, file: pipeline.file)
            }
        } catch {
            throw LockWaitTimeoutError.wrapping(error, waiting: "checking the sources", seconds: lockTimeout ?? 0)
        }
        for warning in issues where warning.severity == .warning {
            logger.warning("source check", metadata: ["stage": "validate", "issue": .string(warning.description)])
        }
        let errors = issues.filter { $0.severity == .error }
        if !errors.isEmpty { throw PipelineValidationError(issues: errors) }
    }

    private func sourceIssues(_ sources: [LocatedSource], connection: PostgresConnection,
                              file: String) throws -> [PipelineIssue] {
        let check = try SourceSchemaCheck(connection: connection, file: file)
        var issues: [PipelineIssue] = []
        for located in sources {
            let found = try check.issues(for: located)
            logger.debug("source checked", metadata: [
                "source": .string(located.source.rawValue), "problems": .stringConvertible(found.count),
            ])
            issues += found
        }
        return issues
    }
}

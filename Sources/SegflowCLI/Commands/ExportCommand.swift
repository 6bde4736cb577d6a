import ArgumentParser
import Foundation
import PostgresClient
import Segflow

/// `segflow export --segment KEY`: a segment's members (or its entries and exits) for e-mail
/// platforms, ad audiences and reverse-ETL tools, streamed from the published snapshot.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the members of a segment (or who entered and left it) as CSV or JSON lines.",
        discussion: """
            Reads the published snapshot of --as-of (default: the latest) and streams the segment's \
            members with COPY straight to --out or standard output, ordered by customer_id. --changes \
            writes only the customers who entered or left the segment since the previous published \
            snapshot (view segment_membership_changes), with a column `change` (entered/left). \
            --columns adds published features (customer_features) and `email`, which is read from the \
            pipeline file's customers source and normalised as the cleaner does. Segment, columns and \
            as_of are checked before any row is read. --out FILE is replaced atomically.

            Exit codes: \(RunExitCode.ok) ok; \(RunExitCode.usage) usage error (an unknown segment or column, \
            an as_of that was never published, a schema that needs `segflow migrate`); \(RunExitCode.temporary) \
            the database could not be reached; \(RunExitCode.failure) anything else (a failed write included).
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: ArgumentHelp("The segment: its key (vip), or segmentation:segment when several segmentations use the key.", valueName: "key"))
    var segment: String

    @Option(help: ArgumentHelp("The published snapshot to read (default: the latest).", valueName: "date"))
    var asOf: PostgresDate?

    @Flag(help: "Only customers who entered or left the segment since the previous published snapshot, with a column `change`.")
    var changes = false

    @Option(help: ArgumentHelp("Columns after customer_id, comma-separated: email and any feature of customer_features.", valueName: "list"))
    var columns: String?

    @Option(help: "Output format.")
    var format: ExportFormat = .csv

    @Option(help: ArgumentHelp("Write to this file (replaced atomically), or - for standard output (default).", valueName: "file"))
    var out: String = "-"

    @Option(help: "Output schema to read (default: the pipeline file's output.schema).")
    var schema: String?

    func validate() throws {
        guard !segment.isEmpty else { throw ValidationError("--segment must not be empty") }
        if let schema, schema.isEmpty { throw ValidationError("--schema must not be empty") }
        do {
            _ = try exportColumns()
        } catch let error as InvalidExportError {
            throw ValidationError(error.description)
        }
        if out != "-" {
            guard !out.isEmpty else { throw ValidationError("--out must not be empty (- is standard output)") }
            let directory = URL(fileURLWithPath: out).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--out: directory '\(directory)' does not exist")
            }
        }
    }

    func exportColumns() throws -> [ExportColumn] {
        try columns.map(ExportColumn.parseList) ?? []
    }

    func run() throws {
        let logger = logging.makeLogger(label: "segflow.export", defaultLevel: .warning)
        let pipeline = try pipelineOptions.load()
        let request = SegmentExporter.Request(
            segment: segment, asOf: asOf, changes: changes, columns: try exportColumns(), format: format,
            schema: schema ?? pipeline.output.schema,
            customersSource: pipeline.sources[.customers] ?? .defaultTable(for: .customers)
        )
        let summary: SegmentExporter.Summary
        do {
            let database = try PostgresConnection(connection.configuration, logger: logger)
            defer { database.close() }
            let destination = try ExportDestination(out == "-" ? .standardOutput : .file(out))
            summary = try SegmentExporter(connection: database, logger: logger).export(request, to: destination)
        } catch {
            throw CommandFailure.exit(for: error)
        }
        if out != "-" {
            let what = changes ? "changes" + (summary.previousAsOf.map { " since \($0)" } ?? " (first snapshot: every member entered)") : "members"
            FileHandle.standardError.write(Data("segflow: \(summary.rows) \(what) of \(summary.segment) at \(summary.asOf) written to \(out)\n".utf8))
        }
    }
}

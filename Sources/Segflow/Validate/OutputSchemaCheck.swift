import Foundation
import PostgresClient
import SegflowPipelineFile
import SegflowPublish
import Yams

/// Whether `run` could publish into the pipeline's output schema: an error when a newer
/// segflow migrated it or an applied migration differs, a warning when it still needs
/// `segflow migrate`. Placed at `output.schema` (or the top of the file).
struct OutputSchemaCheck {
    let connection: PostgresConnection
    let file: String

    func issues(schema: String, yaml: String) throws -> [PipelineIssue] {
        let (line, column) = Self.position(yaml: yaml)
        func issue(_ message: String, code: String, severity: PipelineIssue.Severity) -> [PipelineIssue] {
            [PipelineIssue(file: file, line: line, column: column, message: message, severity: severity, code: code)]
        }
        do {
            try SchemaMigrator.checkCompatible(connection: connection, schema: schema)
            return []
        } catch let error as SchemaOutdatedError {
            return issue("\(error)", code: "schema_outdated", severity: .warning)
        } catch let error as SchemaTooNewError {
            return issue("\(error)", code: "schema_too_new", severity: .error)
        } catch let error as MigrationChecksumError {
            return issue("\(error)", code: "schema_mismatch", severity: .error)
        } catch let error as UnknownMigrationError {
            return issue("\(error)", code: "schema_mismatch", severity: .error)
        }
    }

    /// The output schema named in the file if it reads as an identifier, else the default.
    static func schemaName(yaml: String) -> String {
        guard let value = outputSchemaNode(yaml: yaml)?.scalar?.string, PipelineFileReader.isIdentifier(value) else {
            return OutputConfiguration().schema
        }
        return value
    }

    private static func position(yaml: String) -> (Int, Int) {
        let mark = outputSchemaNode(yaml: yaml)?.mark
        return (mark?.line ?? 1, mark?.column ?? 1)
    }

    private static func outputSchemaNode(yaml: String) -> Node? {
        guard let root = (try? Yams.compose(yaml: yaml)) ?? nil else { return nil }
        let output = root.mapping?.first { $0.key.scalar?.string == "output" }?.value
        return output?.mapping?.first { $0.key.scalar?.string == "schema" }?.value
    }
}

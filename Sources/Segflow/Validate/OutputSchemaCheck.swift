import PostgresClient
import SegflowPipelineFile
import SegflowPublish

/// Whether `run` could publish into the pipeline's output schema: an error when a newer
/// segflow migrated it or an applied migration differs, a warning when it still needs
/// `segflow migrate`. Placed at `output.schema` (or the top of the file).
struct OutputSchemaCheck {
    let connection: PostgresConnection
    let file: String

    /// `position`: where the file names the schema (the reader recorded it).
    func issues(schema: String, at position: PipelinePositions.Position) throws -> [PipelineIssue] {
        func issue(_ message: String, code: String, severity: PipelineIssue.Severity) -> [PipelineIssue] {
            [PipelineIssue(file: file, line: position.line, column: position.column, message: message, severity: severity,
                           code: code)]
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
}

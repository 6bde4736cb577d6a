import Foundation
import SegflowSQL
import Yams

extension PipelineConfiguration {
    /// How messages and the ledger name the default pipeline built into the binary.
    public static let builtInFile = "builtin:pipelines/default.yml"

    /// `pipelines/default.yml` as it was when this binary was built (nil if it was not embedded).
    public static var builtInYAML: String? { SegflowSQL.defaultPipeline }

    /// Reads and validates a pipeline file. `path` is used as given in every message.
    public static func load(path: String) throws(PipelineValidationError) -> PipelineConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PipelineValidationError(issues: [
                PipelineIssue(file: path, line: 0, column: 0, message: "cannot read the file: \(error.localizedDescription)", code: "unreadable_file"),
            ])
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses and validates pipeline YAML; `file` names it in messages.
    public static func parse(yaml: String, file: String = "<pipeline>") throws(PipelineValidationError) -> PipelineConfiguration {
        let read = read(yaml: yaml, file: file)
        guard let configuration = read.configuration else { throw PipelineValidationError(issues: read.issues) }
        return configuration
    }

    /// Reads pipeline YAML once, keeping every problem and the position of every setting.
    package static func read(yaml: String, file: String) -> PipelineFile {
        // libyaml stops at a repeated key; each one found in a block mapping is reported and
        // blanked out (lines kept, so positions hold) and the file read again, so that the
        // other problems are still reported.
        var text = yaml
        var duplicates: [PipelineIssue] = []
        var composed: Node?
        func failed(_ issues: [PipelineIssue]) -> PipelineFile {
            PipelineFile(configuration: nil, issues: issues, positions: .init(), sourceMappings: nil,
                         outputSchema: OutputConfiguration().schema)
        }
        while true {
            do {
                composed = try Yams.compose(yaml: text)
                break
            } catch {
                if duplicates.count < 100, case .duplicatedKeysInMapping(let keys, let context)? = error as? YamlError,
                   let key = keys.first, let found = DuplicateKeyScan.next(key: key, after: context.mark, in: text) {
                    duplicates.append(PipelineIssue(
                        file: file, line: found.line, column: found.column,
                        message: "duplicate key '\(key)' in the same mapping (first at line \(context.mark.line), column \(context.mark.column))",
                        code: "duplicate_key"))
                    text = found.blanked
                    continue
                }
                return failed(duplicates + [issue(for: error, file: file)])
            }
        }
        guard let root = composed else {
            return failed(duplicates + [
                PipelineIssue(file: file, line: 1, column: 1, message: "the pipeline file is empty", code: "empty_file"),
            ])
        }
        var reader = PipelineFileReader(file: file, yaml: text)
        let configuration = reader.read(root)
        let issues = (duplicates + reader.issues).sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        return PipelineFile(
            configuration: issues.isEmpty ? configuration : nil,
            issues: issues,
            positions: reader.positions,
            sourceMappings: duplicates.isEmpty && root.mapping != nil ? reader.sources : nil,
            outputSchema: reader.output.schema
        )
    }

    /// A YAML syntax error as an issue at libyaml's position.
    private static func issue(for error: Error, file: String) -> PipelineIssue {
        guard let yamlError = error as? YamlError else {
            return PipelineIssue(file: file, line: 1, column: 1, message: "invalid YAML: \(error)", code: "yaml_syntax")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) " } ?? ""
            return PipelineIssue(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)\(problem)",
                                 code: "yaml_syntax")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return PipelineIssue(file: file, line: context.mark.line, column: context.mark.column,
                                 message: "duplicate key \(keys) in the same mapping", code: "duplicate_key")
        default:
            return PipelineIssue(file: file, line: 1, column: 1, message: "invalid YAML: \(yamlError)", code: "yaml_syntax")
        }
    }
}

import Foundation
import SegflowEngine
import SegflowRules

/// A column `segflow export --columns` may add after `customer_id`: the customer's e-mail
/// address, read from the pipeline's customers source, or a published feature of
/// `customer_features` (every `FeatureKey`, by its column name).
public enum ExportColumn: Sendable, Hashable, CustomStringConvertible {
    /// `email`: normalised as the cleaner does (`lower(trim(email))`, null when invalid), from
    /// the row of the customer the cleaner keeps. Not published anywhere: read from the source.
    case email
    case feature(FeatureKey)

    /// The name on the command line and in the output's header.
    public var name: String {
        switch self {
        case .email: "email"
        case .feature(let key): key.name
        }
    }

    public var description: String { name }

    /// Every name `--columns` accepts, source columns first.
    public static var knownNames: [String] { ["email"] + FeatureKey.allCases.map(\.name) }

    /// Parses `email,country,…`: every name must be known ("did you mean" otherwise), none
    /// twice, and `customer_id` is not among them (always the first column).
    public static func parseList(_ list: String) throws -> [ExportColumn] {
        var columns: [ExportColumn] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw InvalidExportError("--columns: empty column name in '\(list)'") }
            let column: ExportColumn
            if name == "email" {
                column = .email
            } else if let key = FeatureKey(rawValue: name) {
                column = .feature(key)
            } else if name == "customer_id" || name == "change" {
                throw InvalidExportError("--columns: '\(name)' is always written; list only e-mail and feature columns")
            } else {
                throw InvalidExportError("--columns: unknown column '\(name)'\(NameSuggester.hint(for: name, among: knownNames))"
                    + " (email or a feature of customer_features; see docs/semantics.md)")
            }
            guard !columns.contains(column) else { throw InvalidExportError("--columns: '\(name)' listed twice") }
            columns.append(column)
        }
        return columns
    }
}

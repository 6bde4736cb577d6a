import PostgresClient
import Foundation

extension Expression: CustomStringConvertible {
    /// A canonical, fully parenthesised rendering: independent of the original spacing,
    /// comments and keyword case, so it can be hashed for the run ledger.
    public var description: String {
        switch self {
        case .number(let value, _):
            return Self.render(value)
        case .text(let value, _):
            return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .boolean(let value, _):
            return value ? "true" : "false"
        case .null:
            return "null"
        case .date(let days, _):
            return "date '\(PostgresDate(daysSince1970: Int32(days)))'"
        case .identifier(let name, _):
            return name
        case .call(let name, let arguments, _):
            return "\(name)(\(arguments.map(\.description).joined(separator: ", ")))"
        case .unary(.minus, let operand, _):
            return "(-\(operand))"
        case .unary(.not, let operand, _):
            return "(not \(operand))"
        case .binary(let op, let left, let right, _):
            return "(\(left) \(op.rawValue) \(right))"
        case .isNull(let operand, let negated, _):
            return "(\(operand) is \(negated ? "not " : "")null)"
        case .inList(let operand, let items, let negated, _):
            let list = items.map(\.description).joined(separator: ", ")
            return "(\(operand) \(negated ? "not " : "")in (\(list)))"
        case .between(let operand, let low, let high, let negated, _):
            return "(\(operand) \(negated ? "not " : "")between \(low) and \(high))"
        }
    }

    /// Whole numbers without a fraction; others in Swift's shortest round-trip form.
    package static func render(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }
}

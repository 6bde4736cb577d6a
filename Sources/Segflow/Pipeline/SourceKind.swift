/// The input relations segflow reads.
public enum SourceKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case customers, sessions, orders
    case orderItems = "order_items"
    case products, chats
    case fxRates = "fx_rates"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        guard let a = allCases.firstIndex(of: lhs), let b = allCases.firstIndex(of: rhs) else { return false }
        return a < b
    }
}

/// A numeric value as an integer count of `10^-scale` units, or the news that it has none
/// (NaN, ±Infinity, beyond `Int64`); see `BinaryCopyRow.scaledNumeric(_:scale:)`.
public enum ScaledNumeric: Hashable, Sendable {
    case exact(Int64)
    case unrepresentable

    /// The exact value; nil when unrepresentable.
    public var value: Int64? {
        if case .exact(let value) = self { return value }
        return nil
    }
}

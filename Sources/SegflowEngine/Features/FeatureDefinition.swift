/// One feature as declared in `FeatureKey`: name, kind and description.
///
/// Definitions (all "as of" the end of the as-of day in the pipeline's timezone):
/// - A *purchase* is an order with status `completed`. Cancelled, refunded and pending
///   orders are not purchases: they add nothing to frequency or monetary.
/// - An order's *net revenue* is `round((subtotal - discount_total) * fx_rate, 2)` in the
///   base currency: merchandise after discounts, without shipping and tax. The fx rate is
///   the newest `fx_rates` row on or before the order's local day.
/// - A *day* is a calendar day in the pipeline's timezone; day differences are whole days.
public struct FeatureDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Whole number (int4 in the output).
        case integer
        /// Real number (float8 in the output).
        case real
        /// An amount in the base currency, exact to the cent (numeric(14,2) in the output).
        case money
        /// A calendar day (date in the output); in expressions, days since 1970-01-01.
        case date
        case text
        case boolean

        /// The type of the feature's column in `customer_features`, as `create table` writes it.
        public var columnType: String {
            switch self {
            case .integer: "int4"
            case .real: "float8"
            case .money: "numeric(14,2)"
            case .date: "date"
            case .text: "text"
            case .boolean: "bool"
            }
        }
    }

    /// Where a feature's values come from (`FeatureKey.origin`).
    public enum Origin: String, Sendable, Hashable {
        /// Computed by `FeatureBuilder` from the cleaned and joined sources (and by the reference SQL).
        case builder
        /// Predicted per snapshot by the customer-base models (docs/semantics.md, "Model features").
        case model
    }

    public let key: FeatureKey
    public let kind: Kind
    /// What the feature means, for people: the column comment and the docs.
    public let description: String

    public var name: String { key.rawValue }
    public var origin: Origin { key.origin }

    init(key: FeatureKey, kind: Kind, description: String) {
        self.key = key
        self.kind = kind
        self.description = description
    }
}

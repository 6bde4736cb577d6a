/// The columns of the `fx_rates` source, in the order the extract stage selects them
/// (sql/source/ defines them); a cleaner reads a field by its column, not a position.
public enum FxRateColumn: Int, SourceColumn {
    case day
    case currency
    case rateToBase

    public var declaration: (name: String, type: String) {
        switch self {
        case .day: ("day", "date")
        case .currency: ("currency", "text")
        case .rateToBase: ("rate_to_base", "numeric")
        }
    }
}

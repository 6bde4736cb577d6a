/// The columns of the `products` source, in the order the extract stage selects them
/// (sql/source/ defines them); a cleaner reads a field by its column, not a position.
public enum ProductColumn: Int, SourceColumn {
    case productID
    case sku
    case name
    case category
    case productLine
    case listPrice
    case launchedAt
    case replenishDays

    public var declaration: (name: String, type: String) {
        switch self {
        case .productID: ("product_id", "int8")
        case .sku: ("sku", "text")
        case .name: ("name", "text")
        case .category: ("category", "text")
        case .productLine: ("product_line", "text")
        case .listPrice: ("list_price", "numeric")
        case .launchedAt: ("launched_at", "timestamptz")
        case .replenishDays: ("replenish_days", "int4")
        }
    }
}

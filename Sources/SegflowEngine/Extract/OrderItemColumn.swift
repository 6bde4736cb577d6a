/// The columns of the `order_items` source, in the order the extract stage selects them
/// (sql/source/ defines them); a cleaner reads a field by its column, not a position.
public enum OrderItemColumn: Int, SourceColumn {
    case orderID
    case lineNo
    case productID
    case quantity
    case unitPrice
    case listPrice
    case discount

    public var declaration: (name: String, type: String) {
        switch self {
        case .orderID: ("order_id", "int8")
        case .lineNo: ("line_no", "int4")
        case .productID: ("product_id", "int8")
        case .quantity: ("quantity", "int4")
        case .unitPrice: ("unit_price", "numeric")
        case .listPrice: ("list_price", "numeric")
        case .discount: ("discount", "numeric")
        }
    }
}

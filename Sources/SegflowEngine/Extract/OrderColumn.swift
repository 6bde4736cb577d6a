/// The columns of the `orders` source, in the order the extract stage selects them
/// (sql/source/ defines them); a cleaner reads a field by its column, not a position.
public enum OrderColumn: Int, SourceColumn {
    case orderID
    case customerID
    case sessionID
    case placedAt
    case status
    case currency
    case subtotal
    case discountTotal
    case shippingTotal
    case taxTotal
    case total
    case couponCode
    case updatedAt

    public var declaration: (name: String, type: String) {
        switch self {
        case .orderID: ("order_id", "int8")
        case .customerID: ("customer_id", "int8")
        case .sessionID: ("session_id", "int8")
        case .placedAt: ("placed_at", "timestamptz")
        case .status: ("status", "text")
        case .currency: ("currency", "text")
        case .subtotal: ("subtotal", "numeric")
        case .discountTotal: ("discount_total", "numeric")
        case .shippingTotal: ("shipping_total", "numeric")
        case .taxTotal: ("tax_total", "numeric")
        case .total: ("total", "numeric")
        case .couponCode: ("coupon_code", "text")
        case .updatedAt: ("updated_at", "timestamptz")
        }
    }
}

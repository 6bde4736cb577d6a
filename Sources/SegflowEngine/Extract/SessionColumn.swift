/// The columns of the `sessions` source, in the order the extract stage selects them
/// (sql/source/ defines them); a cleaner reads a field by its column, not a position.
public enum SessionColumn: Int, SourceColumn {
    case sessionID
    case visitorID
    case customerID
    case startedAt
    case endedAt
    case channel
    case pageViews
    case productViews
    case categoryViews
    case cartAdds
    case cartProductID

    public var declaration: (name: String, type: String) {
        switch self {
        case .sessionID: ("session_id", "int8")
        case .visitorID: ("visitor_id", "text")
        case .customerID: ("customer_id", "int8")
        case .startedAt: ("started_at", "timestamptz")
        case .endedAt: ("ended_at", "timestamptz")
        case .channel: ("channel", "text")
        case .pageViews: ("page_views", "int4")
        case .productViews: ("product_views", "int4")
        case .categoryViews: ("category_views", "int4")
        case .cartAdds: ("cart_adds", "int4")
        case .cartProductID: ("cart_product_id", "int8")
        }
    }
}

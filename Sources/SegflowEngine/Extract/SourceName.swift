/// The sources segflow reads, with the canonical columns each must yield.
public enum SourceName: String, CaseIterable, Sendable, Hashable, Comparable {
    case customers
    case products
    case sessions
    case orders
    case orderItems = "order_items"
    case chats
    case fxRates = "fx_rates"

    /// Columns in the order the extract stage selects them (sql/source/ defines them).
    public var columns: [String] {
        switch self {
        case .customers:
            ["customer_id", "email", "created_at", "country", "city", "birth_date", "gender",
             "newsletter_opt_in", "acquisition_channel", "updated_at"]
        case .products:
            ["product_id", "sku", "name", "category", "product_line", "list_price", "launched_at", "replenish_days"]
        case .sessions:
            ["session_id", "visitor_id", "customer_id", "started_at", "ended_at", "channel",
             "page_views", "product_views", "category_views", "cart_adds", "cart_product_id"]
        case .orders:
            ["order_id", "customer_id", "session_id", "placed_at", "status", "currency", "subtotal",
             "discount_total", "shipping_total", "tax_total", "total", "coupon_code", "updated_at"]
        case .orderItems:
            ["order_id", "line_no", "product_id", "quantity", "unit_price", "list_price", "discount"]
        case .chats:
            ["chat_id", "customer_id", "visitor_id", "started_at", "ended_at", "customer_messages",
             "questions", "sentiment", "csat", "escalated", "agent_messages"]
        case .fxRates:
            ["day", "currency", "rate_to_base"]
        }
    }

    /// The timestamp that places a row in time: rows at or after a snapshot's cut-off are
    /// not read. Nil for sources read whole.
    public var eventTimeColumn: String? {
        switch self {
        case .customers: "created_at"
        case .sessions, .chats: "started_at"
        case .orders: "placed_at"
        case .products, .orderItems, .fxRates: nil
        }
    }

    /// Columns whose values may be text in a user's mapping; cast so that binary COPY
    /// always delivers the canonical type.
    public var columnTypes: [String] {
        switch self {
        case .customers:
            ["int8", "text", "timestamptz", "text", "text", "date", "text", "bool", "text", "timestamptz"]
        case .products:
            ["int8", "text", "text", "text", "text", "numeric", "timestamptz", "int4"]
        case .sessions:
            ["int8", "text", "int8", "timestamptz", "timestamptz", "text", "int4", "int4", "int4", "int4", "int8"]
        case .orders:
            ["int8", "int8", "int8", "timestamptz", "text", "text", "numeric", "numeric", "numeric", "numeric", "numeric", "text", "timestamptz"]
        case .orderItems:
            ["int8", "int4", "int8", "int4", "numeric", "numeric", "numeric"]
        case .chats:
            ["int8", "int8", "text", "timestamptz", "timestamptz", "int4", "int4", "float8", "int4", "bool", "int4"]
        case .fxRates:
            ["date", "text", "numeric"]
        }
    }

    public static func < (lhs: SourceName, rhs: SourceName) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

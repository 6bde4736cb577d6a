/// The sources segflow reads, with the canonical columns each must yield.
public enum SourceName: String, CaseIterable, Sendable, Hashable, Comparable {
    case customers
    case products
    case sessions
    case orders
    case orderItems = "order_items"
    case chats
    case fxRates = "fx_rates"

    /// Columns in the order the extract stage selects them (declared by the source's
    /// `SourceColumn` type, e.g. `OrderColumn`; sql/source/ defines them).
    public var columns: [String] { columnType.names }

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

    /// The type each column is cast to, so that binary COPY always delivers the canonical
    /// type whatever a user's mapping selects (in `columns` order).
    public var columnTypes: [String] { columnType.types }

    /// The typed columns of the source.
    var columnType: any SourceColumn.Type {
        switch self {
        case .customers: CustomerColumn.self
        case .products: ProductColumn.self
        case .sessions: SessionColumn.self
        case .orders: OrderColumn.self
        case .orderItems: OrderItemColumn.self
        case .chats: ChatColumn.self
        case .fxRates: FxRateColumn.self
        }
    }

    public static func < (lhs: SourceName, rhs: SourceName) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

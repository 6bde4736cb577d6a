/// Every feature segflow publishes, declared once: the case is the typed key, and
/// `declaration` gives its kind and description. Everything else derives from here: the
/// column of `customer_features` with its type and comment (the migrator adds and comments
/// columns, see `FeatureColumnSync`), the rule language's type table, the feature table in
/// docs/semantics.md (a test compares them). How a feature is computed: `FeatureBuilder`
/// (and `sql/reference/`), by the definitions of docs/semantics.md.
///
/// The order of the cases is the column order of `customer_features`, which BI users rely
/// on: add a new feature as the last case.
public enum FeatureKey: String, CaseIterable, Sendable, Hashable, Comparable {
    // Recency, frequency, monetary
    case recencyDays = "recency_days"
    case frequency
    case monetary
    case aov
    case firstOrderDate = "first_order_date"
    case lastOrderDate = "last_order_date"
    case tenureDays = "tenure_days"
    case orders30d = "orders_30d"
    case orders90d = "orders_90d"
    case orders365d = "orders_365d"
    case monetary30d = "monetary_30d"
    case monetary90d = "monetary_90d"
    case monetary365d = "monetary_365d"
    case cancelledOrders = "cancelled_orders"
    case refundedOrders = "refunded_orders"
    // Discounts
    case discountedOrderShare = "discounted_order_share"
    case avgDiscountRate = "avg_discount_rate"
    case fullPriceOrderShare = "full_price_order_share"
    // Web sessions
    case sessionsTotal = "sessions_total"
    case sessions30d = "sessions_30d"
    case sessions90d = "sessions_90d"
    case daysSinceLastVisit = "days_since_last_visit"
    case sessionsWithoutOrder = "sessions_without_order"
    case productViews90d = "product_views_90d"
    case cartAdds90d = "cart_adds_90d"
    case cartAbandonments90d = "cart_abandonments_90d"
    case lastAbandonedCategory = "last_abandoned_category"
    case preferredChannel = "preferred_channel"
    // Support chats
    case chats
    case chats90d = "chats_90d"
    case customerMessages = "customer_messages"
    case questionsPerChat = "questions_per_chat"
    case messagesPerChat = "messages_per_chat"
    case avgCsat = "avg_csat"
    case minCsat = "min_csat"
    case avgSentiment = "avg_sentiment"
    case escalations
    case escalationRate = "escalation_rate"
    // Products
    case topProductLine = "top_product_line"
    case topProductLineShare = "top_product_line_share"
    case distinctCategories = "distinct_categories"
    case newLaunchItemShare = "new_launch_item_share"
    case replenishableItemShare = "replenishable_item_share"
    // Timing
    case medianDaysBetweenOrders = "median_days_between_orders"
    case nextExpectedOrderDate = "next_expected_order_date"
    case daysUntilNextOrder = "days_until_next_order"
    // Profile
    case country
    case city
    case newsletterOptIn = "newsletter_opt_in"
    case acquisitionChannel = "acquisition_channel"
    case ageBand = "age_band"
    // RFM
    case rScore = "r_score"
    case fScore = "f_score"
    case mScore = "m_score"
    case rfmScore = "rfm_score"
    // BTYD summary, as lifetimes' summary_data_from_transaction_data (freq 'D')
    case btydFrequency = "btyd_frequency"
    case btydRecency = "btyd_recency"
    case btydT = "btyd_t"
    case btydMonetaryValue = "btyd_monetary_value"
    // Added later, so at the end: column positions are published
    case orders7d = "orders_7d"
    // Predicted by the customer-base models (origin .model; docs/semantics.md, "Model features")
    case pAlive = "p_alive"
    case churnRisk = "churn_risk"
    case expectedPurchases30d = "expected_purchases_30d"
    case expectedPurchases90d = "expected_purchases_90d"
    case expectedPurchases365d = "expected_purchases_365d"
    case expectedAvgOrderValue = "expected_avg_order_value"
    case predictedClv365d = "predicted_clv_365d"
    case predictedNextOrderDate = "predicted_next_order_date"

    /// Kind and description: the column's type and its comment.
    var declaration: (kind: FeatureDefinition.Kind, description: String) {
        switch self {
        // Recency, frequency, monetary
        case .recencyDays: (.integer, "Days from the last purchase to the as-of day; null without purchases.")
        case .frequency: (.integer, "Number of purchases (completed orders).")
        case .monetary: (.money, "Net revenue of all purchases in the base currency.")
        case .aov: (.money, "Average order value: monetary / frequency, rounded to the cent; null without purchases.")
        case .firstOrderDate: (.date, "Local day of the first purchase.")
        case .lastOrderDate: (.date, "Local day of the last purchase.")
        case .tenureDays: (.integer, "Days from the customer's sign-up day to the as-of day.")
        case .orders30d: (.integer, "Purchases in the 30 days ending on the as-of day.")
        case .orders90d: (.integer, "Purchases in the 90 days ending on the as-of day.")
        case .orders365d: (.integer, "Purchases in the 365 days ending on the as-of day.")
        case .monetary30d: (.money, "Net revenue of purchases in the trailing 30 days.")
        case .monetary90d: (.money, "Net revenue of purchases in the trailing 90 days.")
        case .monetary365d: (.money, "Net revenue of purchases in the trailing 365 days.")
        case .cancelledOrders: (.integer, "Orders cancelled (any time up to the as-of day).")
        case .refundedOrders: (.integer, "Orders refunded (any time up to the as-of day).")
        // Discounts
        case .discountedOrderShare: (.real, "Share of purchases with an order discount, a line discount or a coupon; null without purchases.")
        case .avgDiscountRate: (.real, "Mean of discount_total / subtotal over purchases; null without purchases.")
        case .fullPriceOrderShare: (.real, "Share of purchases with no discount of any kind; null without purchases.")
        // Web sessions
        case .sessionsTotal: (.integer, "Sessions of the customer (stitched anonymous ones included).")
        case .sessions30d: (.integer, "Sessions in the trailing 30 days.")
        case .sessions90d: (.integer, "Sessions in the trailing 90 days.")
        case .daysSinceLastVisit: (.integer, "Days from the last session to the as-of day; null without sessions.")
        case .sessionsWithoutOrder: (.integer, "Sessions to which no order is attributed.")
        case .productViews90d: (.integer, "Product views in sessions of the trailing 90 days.")
        case .cartAdds90d: (.integer, "Cart additions in sessions of the trailing 90 days.")
        case .cartAbandonments90d: (.integer, "Sessions of the trailing 90 days with cart additions and no order by the customer within 24 hours (clipped at the cut-off).")
        case .lastAbandonedCategory: (.text, "Category of the most recent abandoned cart; null if none.")
        case .preferredChannel: (.text, "Channel of most sessions (ties: alphabetical); null without sessions.")
        // Support chats
        case .chats: (.integer, "Support chats of the customer.")
        case .chats90d: (.integer, "Support chats in the trailing 90 days.")
        case .customerMessages: (.integer, "Messages the customer wrote in chats.")
        case .questionsPerChat: (.real, "Questions per chat; null without chats.")
        case .messagesPerChat: (.real, "Customer messages per chat; null without chats.")
        case .avgCsat: (.real, "Mean CSAT (1-5) of rated chats; null if none rated.")
        case .minCsat: (.integer, "Lowest CSAT given; null if none rated.")
        case .avgSentiment: (.real, "Mean chat sentiment (-1..1); null without chats.")
        case .escalations: (.integer, "Chats escalated to a supervisor.")
        case .escalationRate: (.real, "escalations / chats; null without chats.")
        // Products
        case .topProductLine: (.text, "Product line with the most net revenue (ties: alphabetical); null without purchases.")
        case .topProductLineShare: (.real, "Share of net line revenue in the top product line; null without purchases.")
        case .distinctCategories: (.integer, "Distinct product categories purchased.")
        case .newLaunchItemShare: (.real, "Share of purchased units bought within 30 days of the product's launch; null without purchases.")
        case .replenishableItemShare: (.real, "Share of purchased units of products with a replenishment cycle; null without purchases.")
        // Timing
        case .medianDaysBetweenOrders: (.real, "Median gap in days between consecutive purchase days; null with fewer than two purchase days.")
        case .nextExpectedOrderDate: (.date, "Last purchase day plus the median gap; null with fewer than two purchase days.")
        case .daysUntilNextOrder: (.integer, "next_expected_order_date minus the as-of day (negative: overdue).")
        // Profile
        case .country: (.text, "ISO 3166-1 alpha-2 country of the customer.")
        case .city: (.text, "City of the customer.")
        case .newsletterOptIn: (.boolean, "Subscribed to the newsletter.")
        case .acquisitionChannel: (.text, "Channel through which the customer signed up.")
        case .ageBand: (.text, "Age on the as-of day: <25, 25-34, 35-44, 45-54, 55-64, 65+; null if unknown.")
        // RFM
        case .rScore: (.integer, "Recency score 1-5 among buyers (5 = most recent); null without purchases.")
        case .fScore: (.integer, "Frequency score 1-5 among buyers; null without purchases.")
        case .mScore: (.integer, "Monetary score 1-5 among buyers; null without purchases.")
        case .rfmScore: (.text, "The three scores as one code, e.g. '545'; null without purchases.")
        // BTYD summary, as lifetimes' summary_data_from_transaction_data (freq 'D')
        case .btydFrequency: (.integer, "Repeat purchase days: distinct purchase days minus one; null without purchases.")
        case .btydRecency: (.integer, "Days from the first to the last purchase day; null without purchases.")
        case .btydT: (.integer, "Days from the first purchase day to the as-of day; null without purchases.")
        case .btydMonetaryValue: (.real, "Mean net revenue of the repeat purchase days (first day excluded); 0 when btyd_frequency is 0.")
        case .orders7d: (.integer, "Purchases in the 7 days ending on the as-of day.")
        // Predicted by the customer-base models
        case .pAlive: (.real, "Probability that the customer has not dropped out by the as-of day (purchase model); null without purchases or a converged purchase fit.")
        case .churnRisk: (.real, "1 - p_alive: probability that the customer has dropped out; null when p_alive is.")
        case .expectedPurchases30d: (.real, "Expected purchase days in the 30 days after the as-of day (purchase model); null when p_alive is.")
        case .expectedPurchases90d: (.real, "Expected purchase days in the 90 days after the as-of day (purchase model); null when p_alive is.")
        case .expectedPurchases365d: (.real, "Expected purchase days in the 365 days after the as-of day (purchase model); null when p_alive is.")
        case .expectedAvgOrderValue: (.real, "Expected net revenue per purchase day (Gamma-Gamma); the population mean for buyers without a repeat purchase day; null without purchases or a converged spend fit.")
        case .predictedClv365d: (.real, "Expected margin of the purchases in the models.clv.horizon_months months (12: 365 days) after the as-of day, discounted monthly; null when p_alive or expected_avg_order_value is.")
        case .predictedNextOrderDate: (.date, "As-of day plus the median wait to the next purchase if the customer is alive, rounded up to whole days; null when p_alive is.")
        }
    }

    /// The feature's column name in `customer_features` and in rules.
    public var name: String { rawValue }

    public var definition: FeatureDefinition {
        let (kind, description) = declaration
        return FeatureDefinition(key: self, kind: kind, description: description)
    }

    public var kind: FeatureDefinition.Kind { declaration.kind }

    /// Who fills the feature's column: `FeatureBuilder` from the sources, or the model stage
    /// (Sources/Segflow/Models) from the fitted customer-base models. The builder leaves model
    /// features null; the reference SQL computes only builder features.
    public var origin: FeatureDefinition.Origin {
        switch self {
        case .pAlive, .churnRisk, .expectedPurchases30d, .expectedPurchases90d, .expectedPurchases365d,
             .expectedAvgOrderValue, .predictedClv365d, .predictedNextOrderDate:
            .model
        default:
            .builder
        }
    }

    /// The feature's position among the columns (its case ordinal, as the catalog follows
    /// `allCases`). Read per customer and feature, so an array index, not a lookup.
    var index: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    /// The key of a feature name, as rules and pipeline files write it.
    public init?(name: String) {
        self.init(rawValue: name)
    }

    /// The key at a column position (0..<allCases.count).
    package init(index: Int) {
        self = Self.ordered[index]
    }

    private static let ordered = allCases

    /// Column order.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.index < rhs.index }
}

/// The per-customer features segflow computes for one as-of snapshot.
///
/// This table is the contract shared by the feature engine (Swift), the reference
/// implementation (`sql/reference/`), the output table `customer_features`, the
/// expression language (which names features by `name`) and the docs.
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
        /// Whole number (int4/int8 in the output).
        case integer
        /// Real number (float8 in the output).
        case real
        /// An amount in the base currency, exact to the cent (numeric(14,2) in the output).
        case money
        /// A calendar day (date in the output); in expressions, days since 1970-01-01.
        case date
        case text
        case boolean
    }

    public var name: String
    public var kind: Kind
    public var description: String

    public init(_ name: String, _ kind: Kind, _ description: String) {
        self.name = name
        self.kind = kind
        self.description = description
    }
}

public enum FeatureCatalog {
    public static let all: [FeatureDefinition] = [
        // Recency, frequency, monetary
        .init("recency_days", .integer, "Days from the last purchase to the as-of day; null without purchases."),
        .init("frequency", .integer, "Number of purchases (completed orders)."),
        .init("monetary", .money, "Net revenue of all purchases in the base currency."),
        .init("aov", .money, "Average order value: monetary / frequency, rounded to the cent; null without purchases."),
        .init("first_order_date", .date, "Local day of the first purchase."),
        .init("last_order_date", .date, "Local day of the last purchase."),
        .init("tenure_days", .integer, "Days from the customer's sign-up day to the as-of day."),
        .init("orders_30d", .integer, "Purchases in the 30 days ending on the as-of day."),
        .init("orders_90d", .integer, "Purchases in the 90 days ending on the as-of day."),
        .init("orders_365d", .integer, "Purchases in the 365 days ending on the as-of day."),
        .init("monetary_30d", .money, "Net revenue of purchases in the trailing 30 days."),
        .init("monetary_90d", .money, "Net revenue of purchases in the trailing 90 days."),
        .init("monetary_365d", .money, "Net revenue of purchases in the trailing 365 days."),
        .init("cancelled_orders", .integer, "Orders cancelled (any time up to the as-of day)."),
        .init("refunded_orders", .integer, "Orders refunded (any time up to the as-of day)."),
        // Discounts
        .init("discounted_order_share", .real, "Share of purchases with an order discount, a line discount or a coupon; null without purchases."),
        .init("avg_discount_rate", .real, "Mean of discount_total / subtotal over purchases; null without purchases."),
        .init("full_price_order_share", .real, "Share of purchases with no discount of any kind; null without purchases."),
        // Web sessions
        .init("sessions_total", .integer, "Sessions of the customer (stitched anonymous ones included)."),
        .init("sessions_30d", .integer, "Sessions in the trailing 30 days."),
        .init("sessions_90d", .integer, "Sessions in the trailing 90 days."),
        .init("days_since_last_visit", .integer, "Days from the last session to the as-of day; null without sessions."),
        .init("sessions_without_order", .integer, "Sessions to which no order is attributed."),
        .init("product_views_90d", .integer, "Product views in sessions of the trailing 90 days."),
        .init("cart_adds_90d", .integer, "Cart additions in sessions of the trailing 90 days."),
        .init("cart_abandonments_90d", .integer, "Sessions of the trailing 90 days with cart additions and no order by the customer within 24 hours (clipped at the cut-off)."),
        .init("last_abandoned_category", .text, "Category of the most recent abandoned cart; null if none."),
        .init("preferred_channel", .text, "Channel of most sessions (ties: alphabetical); null without sessions."),
        // Support chats
        .init("chats", .integer, "Support chats of the customer."),
        .init("chats_90d", .integer, "Support chats in the trailing 90 days."),
        .init("customer_messages", .integer, "Messages the customer wrote in chats."),
        .init("questions_per_chat", .real, "Questions per chat; null without chats."),
        .init("messages_per_chat", .real, "Customer messages per chat; null without chats."),
        .init("avg_csat", .real, "Mean CSAT (1-5) of rated chats; null if none rated."),
        .init("min_csat", .integer, "Lowest CSAT given; null if none rated."),
        .init("avg_sentiment", .real, "Mean chat sentiment (-1..1); null without chats."),
        .init("escalations", .integer, "Chats escalated to a supervisor."),
        .init("escalation_rate", .real, "escalations / chats; null without chats."),
        // Products
        .init("top_product_line", .text, "Product line with the most net revenue (ties: alphabetical); null without purchases."),
        .init("top_product_line_share", .real, "Share of net line revenue in the top product line; null without purchases."),
        .init("distinct_categories", .integer, "Distinct product categories purchased."),
        .init("new_launch_item_share", .real, "Share of purchased units bought within 30 days of the product's launch; null without purchases."),
        .init("replenishable_item_share", .real, "Share of purchased units of products with a replenishment cycle; null without purchases."),
        // Timing
        .init("median_days_between_orders", .real, "Median gap in days between consecutive purchase days; null with fewer than two purchase days."),
        .init("next_expected_order_date", .date, "Last purchase day plus the median gap; null with fewer than two purchase days."),
        .init("days_until_next_order", .integer, "next_expected_order_date minus the as-of day (negative: overdue)."),
        // Profile
        .init("country", .text, "ISO 3166-1 alpha-2 country of the customer."),
        .init("city", .text, "City of the customer."),
        .init("newsletter_opt_in", .boolean, "Subscribed to the newsletter."),
        .init("acquisition_channel", .text, "Channel through which the customer signed up."),
        .init("age_band", .text, "Age on the as-of day: <25, 25-34, 35-44, 45-54, 55-64, 65+; null if unknown."),
        // RFM
        .init("r_score", .integer, "Recency score 1-5 among buyers (5 = most recent); null without purchases."),
        .init("f_score", .integer, "Frequency score 1-5 among buyers; null without purchases."),
        .init("m_score", .integer, "Monetary score 1-5 among buyers; null without purchases."),
        .init("rfm_score", .text, "The three scores as one code, e.g. '545'; null without purchases."),
        // BTYD summary, as lifetimes' summary_data_from_transaction_data (freq 'D')
        .init("btyd_frequency", .integer, "Repeat purchase days: distinct purchase days minus one; null without purchases."),
        .init("btyd_recency", .integer, "Days from the first to the last purchase day; null without purchases."),
        .init("btyd_t", .integer, "Days from the first purchase day to the as-of day; null without purchases."),
        .init("btyd_monetary_value", .real, "Mean net revenue of the repeat purchase days (first day excluded); 0 when btyd_frequency is 0."),
    ]

    /// Features by name.
    public static let byName: [String: FeatureDefinition] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, $0) }
    )

    /// RFM scores are assigned by rank among buyers so that ties share a score:
    /// `score = min(5, 1 + (5 * (rank - 1)) / buyers)` with integer division, where `rank`
    /// is SQL's `rank()` ordered ascending by frequency or monetary, and descending by
    /// recency_days (the most recent buyers score 5).
    public static let rfmScoreRule = "min(5, 1 + (5 * (rank - 1)) / buyers)"
}

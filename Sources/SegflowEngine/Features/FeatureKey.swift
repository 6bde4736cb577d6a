/// Catalog features by a Swift name, for the feature builder's writes.
enum FeatureKey: String, CaseIterable {
    case recencyDays = "recency_days", frequency, monetary, aov
    case firstOrderDate = "first_order_date", lastOrderDate = "last_order_date", tenureDays = "tenure_days"
    case orders30d = "orders_30d", orders90d = "orders_90d", orders365d = "orders_365d"
    case monetary30d = "monetary_30d", monetary90d = "monetary_90d", monetary365d = "monetary_365d"
    case cancelledOrders = "cancelled_orders", refundedOrders = "refunded_orders"
    case discountedOrderShare = "discounted_order_share", avgDiscountRate = "avg_discount_rate"
    case fullPriceOrderShare = "full_price_order_share"
    case sessionsTotal = "sessions_total", sessions30d = "sessions_30d", sessions90d = "sessions_90d"
    case daysSinceLastVisit = "days_since_last_visit", sessionsWithoutOrder = "sessions_without_order"
    case productViews90d = "product_views_90d", cartAdds90d = "cart_adds_90d"
    case cartAbandonments90d = "cart_abandonments_90d", lastAbandonedCategory = "last_abandoned_category"
    case preferredChannel = "preferred_channel"
    case chats, chats90d = "chats_90d", customerMessages = "customer_messages"
    case questionsPerChat = "questions_per_chat", messagesPerChat = "messages_per_chat"
    case avgCsat = "avg_csat", minCsat = "min_csat", avgSentiment = "avg_sentiment"
    case escalations, escalationRate = "escalation_rate"
    case topProductLine = "top_product_line", topProductLineShare = "top_product_line_share"
    case distinctCategories = "distinct_categories", newLaunchItemShare = "new_launch_item_share"
    case replenishableItemShare = "replenishable_item_share"
    case medianDaysBetweenOrders = "median_days_between_orders", nextExpectedOrderDate = "next_expected_order_date"
    case daysUntilNextOrder = "days_until_next_order"
    case country, city, newsletterOptIn = "newsletter_opt_in", acquisitionChannel = "acquisition_channel"
    case ageBand = "age_band"
    case rScore = "r_score", fScore = "f_score", mScore = "m_score", rfmScore = "rfm_score"
    case btydFrequency = "btyd_frequency", btydRecency = "btyd_recency", btydT = "btyd_t"
    case btydMonetaryValue = "btyd_monetary_value"

    /// The catalog index; every case names a catalog feature (a test checks both ways).
    /// Read per customer and feature, so it is an array read, not a String-keyed lookup.
    var index: Int { Self.catalogIndices[ordinal] }

    /// The case's position in `allCases` (a payload-free enum is stored as its ordinal).
    private var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    private static let catalogIndices: [Int] = allCases.enumerated().map { position, key in
        precondition(key.ordinal == position, "FeatureKey is stored as its case ordinal")
        guard let index = FeatureCatalog.indexByName[key.rawValue] else { preconditionFailure("\(key.rawValue) is not in FeatureCatalog") }
        return index
    }
}

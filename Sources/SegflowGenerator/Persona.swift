/// The behaviour the generator plants in a customer; written to `shop_truth.customer_personas`.
///
/// Each persona leaves signals in the data that the features of `FeatureCatalog` pick up
/// (see `docs/source-schema.md` for the mapping and suggested rules).
public enum Persona: String, CaseIterable, Sendable, Hashable, Codable {
    /// Ordinary buyers: 2–9 purchases, ordinary basket, last purchase within a year.
    case regular
    /// Large baskets (median ≈ €420) and many purchases.
    case highSpender = "high_spender"
    /// Long tenure, many full-price purchases, recent activity.
    case loyal
    /// Nearly every purchase carries a coupon or sale price.
    case couponSeeker = "coupon_seeker"
    /// Exactly one purchase.
    case oneTime = "one_time"
    /// Buys the same consumables at the product's replenishment interval.
    case replenishment
    /// Buys products within days of their launch.
    case trendFollower = "trend_follower"
    /// Buyer whose recent sessions add to the cart and end without an order.
    case cartAbandoner = "cart_abandoner"
    /// Browses, chats and adds to the cart, never buys.
    case undecidedProspect = "undecided_prospect"
    /// Visited in the last 30 days, never bought, never added to the cart.
    case curiousProspect = "curious_prospect"
    /// Several purchases, but nothing (no purchase, no visit) for more than a year.
    case dormant
    /// Subscribed to the newsletter; no purchases and (almost) no visits.
    case newsletterLead = "newsletter_lead"
    /// The store's own test accounts (`is_internal`, email domain `shop-staff.example`).
    case testAccount = "test_account"

    /// Whether the persona places purchases.
    public var buys: Bool {
        switch self {
        case .undecidedProspect, .curiousProspect, .newsletterLead: false
        default: true
        }
    }
}

/// How a customer writes in support chats (the four client types of the segmentation seeds).
public enum ChatStyle: String, CaseIterable, Sendable, Hashable, Codable {
    /// Asks many detailed questions; neutral tone.
    case analytical
    /// Writes many messages, friendly and positive.
    case socializing
    /// Demanding and negative, escalates.
    case dominating
    /// Friendly and positive in the chat, but rates it badly: holds a grudge.
    case relatable
}

/// The share of each persona among generated customers.
public struct PersonaMix: Sendable, Hashable {
    public var shares: [Persona: Double]

    public init(_ shares: [Persona: Double]) {
        self.shares = shares
    }

    public static let standard = PersonaMix([
        .regular: 0.399,
        .highSpender: 0.04,
        .loyal: 0.08,
        .couponSeeker: 0.07,
        .oneTime: 0.10,
        .replenishment: 0.05,
        .trendFollower: 0.04,
        .cartAbandoner: 0.04,
        .undecidedProspect: 0.04,
        .curiousProspect: 0.05,
        .dormant: 0.05,
        .newsletterLead: 0.04,
        .testAccount: 0.001,
    ])

    /// Shares normalised to sum to one, in `Persona.allCases` order.
    public var normalized: [(Persona, Double)] {
        let total = Persona.allCases.reduce(0) { $0 + max(0, shares[$1] ?? 0) }
        return Persona.allCases.map { ($0, total > 0 ? max(0, shares[$0] ?? 0) / total : 0) }
    }

    public func share(of persona: Persona) -> Double {
        normalized.first { $0.0 == persona }?.1 ?? 0
    }
}

public let defaultChatStyleShares: [ChatStyle: Double] = [
    .analytical: 0.30,
    .socializing: 0.25,
    .dominating: 0.20,
    .relatable: 0.25,
]

import Foundation
import PostgresClient

/// Simulates the customers of one block (and the block's anonymous visitors) with the
/// block's own random stream, and encodes their rows. Blocks are independent: any worker
/// can run any block and the rows come out the same.
struct BlockGenerator {
    enum SessionKind: UInt8 { case browse, order, abandoned }

    struct PlannedSession {
        var start: Int64
        var duration: Int64
        var kind: SessionKind
        var order: Int32 = -1
        var visitor: Int32 = 0
        var logged = false
        var signup = false
        var id: Int64 = 0
        var pageViews: Int32 = 0
        var productViews: Int32 = 0
        var categoryViews: Int32 = 0
        var cartAdds: Int32 = 0
        var cartProduct: Int32 = -1
        var checkout = false
        var landing: String = "/"
        var channel: Int = 0
    }

    struct PlannedOrder {
        var day: Int
        var status: OrderStatus
        var session: Int32 = -1
        var placed: Int64 = 0
        var id: Int64 = 0
        var lineStart = 0
        var lineCount = 0
        var currency = 0
        var shippingCountry = 0
        var subtotal: Int64 = 0
        var discountTotal: Int64 = 0
        var shipping: Int64 = 0
        var tax: Int64 = 0
        var coupon: String?
    }

    struct PlannedLine {
        var product: Int32
        var quantity: Int32
        var unit: Int64
        var list: Int64
        var discount: Int64
    }

    /// What the simulation knows about the current customer.
    struct Customer {
        var id: Int64 = 0
        var persona: Persona = .regular
        var country = 0
        var favorites: [Int] = []
        var basketMedian = 55.0
        var discountChance = 0.1
        var linesLambda = 1.4
        var preferredChannel = 0
        var optIn = false
        var replenishPrimary: Int32 = -1
        var replenishSecondary: Int32 = -1
        var couponFullPriceBudget = 0
        var style: ChatStyle?
    }

    let world: GeneratorWorld
    let block: Int
    private var random: RandomSource
    private var writer: BlockWriter
    private var nextSession: Int64
    private var nextOrder: Int64
    private var nextChat: Int64
    private var personaCounts: [Int]

    private var customer = Customer()
    private var purchases: [Int] = []
    private var orders: [PlannedOrder] = []
    private var lines: [PlannedLine] = []
    private var sessions: [PlannedSession] = []
    private var visitors: [UUID] = []
    private var visitorDevices: [Int] = []
    private var visitorLogged: [Bool] = []

    init(world: GeneratorWorld, block: Int) {
        self.world = world
        self.block = block
        let configuration = world.configuration
        random = RandomSource(seed: configuration.seed, stream: 0xB10C, substream: UInt64(block))
        let base = Int64(block) * GeneratorWorld.idStride + 1
        nextSession = base
        nextOrder = base
        nextChat = base
        writer = BlockWriter(
            seed: configuration.seed, block: block, rate: configuration.dirtyRate, idBase: base,
            endExclusive: world.timeline.endExclusiveMicros, expectedCustomers: world.customerRange(block: block).count
        )
        personaCounts = Array(repeating: 0, count: Persona.allCases.count)
    }

    private var timeline: Timeline { world.timeline }
    private var catalog: Catalog { world.catalog }
    private var last: Int { world.timeline.lastDay }

    /// Runs the block and hands back its encoded rows.
    mutating func run() -> BlockOutput {
        let range = world.customerRange(block: block)
        for index in range {
            simulateCustomer(index: index)
        }
        // Visitors who never sign up: about 0.85 per customer.
        let anonymous = (range.count * 85 + 50) / 100
        for _ in 0..<anonymous {
            simulateAnonymousVisitor()
        }
        return BlockOutput(block: block, encoders: writer.encoders, personaCounts: personaCounts, defectCounts: writer.defectCounts)
    }

    // MARK: - One customer

    private mutating func simulateCustomer(index: Int) {
        let persona = world.personas[world.personaTable.sample(&random)]
        personaCounts[Persona.allCases.firstIndex(of: persona) ?? 0] += 1
        customer = Customer()
        customer.id = Int64(index + 1)
        customer.persona = persona
        customer.country = Geography.countryTable.sample(&random)
        setTraits()

        purchases.removeAll(keepingCapacity: true)
        orders.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        sessions.removeAll(keepingCapacity: true)

        planPurchases()
        planOrders()
        for o in orders.indices { buildOrderContent(o) }
        planSessions()
        let signup = chooseSignup()
        sessions.sort { ($0.start, $0.kind.rawValue) < ($1.start, $1.kind.rawValue) }
        let createdAt = signupInstant(signupStart: signup)
        assignVisitorsAndLogins(signupStart: signup, createdAt: createdAt)
        emitSessionsAndOrders()
        emitChats(createdAt: createdAt)
        emitCustomer(createdAt: createdAt)
        writer.persona(customer: customer.id, persona: persona, style: customer.style)
    }

    private mutating func setTraits() {
        let persona = customer.persona
        let favoriteCount = 1 + (random.chance(0.45) ? 1 : 0) + (random.chance(0.2) ? 1 : 0)
        customer.favorites = []
        while customer.favorites.count < favoriteCount {
            let c = catalog.categoryTable.sample(&random)
            if !customer.favorites.contains(c) { customer.favorites.append(c) }
        }
        let multiplier = random.logNormal(median: 1, sigma: 0.25)
        switch persona {
        case .regular: customer.basketMedian = 55; customer.discountChance = 0.09; customer.linesLambda = 1.45
        case .highSpender: customer.basketMedian = 480; customer.discountChance = 0.05; customer.linesLambda = 2.2
        case .loyal: customer.basketMedian = 70; customer.discountChance = 0.06; customer.linesLambda = 1.5
        case .couponSeeker: customer.basketMedian = 45; customer.discountChance = 1; customer.linesLambda = 1.6
        case .oneTime: customer.basketMedian = 50; customer.discountChance = 0.2; customer.linesLambda = 1.3
        case .replenishment: customer.basketMedian = 40; customer.discountChance = 0.05; customer.linesLambda = 0.4
        case .trendFollower: customer.basketMedian = 75; customer.discountChance = 0.05; customer.linesLambda = 1.3
        case .cartAbandoner: customer.basketMedian = 55; customer.discountChance = 0.1; customer.linesLambda = 1.4
        case .dormant: customer.basketMedian = 55; customer.discountChance = 0.1; customer.linesLambda = 1.4
        case .testAccount: customer.basketMedian = 30; customer.discountChance = 0.5; customer.linesLambda = 0.8
        case .undecidedProspect, .curiousProspect, .newsletterLead: customer.basketMedian = 50
        }
        customer.basketMedian *= multiplier
        let optInChance: Double = switch persona {
        case .newsletterLead: 1
        case .couponSeeker: 0.7
        case .curiousProspect: 0.15
        default: 0.35
        }
        customer.optIn = random.chance(optInChance)
        // Acquisition channel: mostly the overall mix, tilted by persona.
        var acquisition = Channel.overall.sample(&random)
        switch persona {
        case .couponSeeker where random.chance(0.5): acquisition = Channel.affiliate.rawValue
        case .trendFollower where random.chance(0.5): acquisition = Channel.social.rawValue
        case .newsletterLead where random.chance(0.5): acquisition = Channel.email.rawValue
        case .testAccount: acquisition = Channel.direct.rawValue
        default: break
        }
        if acquisition == Channel.email.rawValue && !customer.optIn { acquisition = Channel.direct.rawValue }
        customer.preferredChannel = acquisition
        customer.style = nil
    }

    // MARK: Purchases

    /// Purchase days: `first` and `last` plus `count - 2` days in between, sorted.
    private mutating func spread(count: Int, first: Int, last: Int, saleBias: Double = 0) {
        purchases.append(first)
        if count >= 2 { purchases.append(max(first, last)) }
        if count > 2 {
            for _ in 2..<count {
                if saleBias > 0 && random.chance(saleBias) {
                    purchases.append(timeline.sampleSaleDay(first, max(first, last), &random))
                } else {
                    purchases.append(timeline.sampleDay(first, max(first, last), &random))
                }
            }
        }
        purchases.sort()
    }

    private mutating func planPurchases() {
        let end = last
        switch customer.persona {
        case .regular:
            let first = timeline.sampleDay(0, end - 1, &random)
            let lastPurchase = timeline.sampleDay(max(first, end - 330), end, &random)
            spread(count: 2 + random.poisson(1.6), first: first, last: lastPurchase)
        case .highSpender:
            let first = timeline.sampleDay(0, end / 2, &random)
            spread(count: 7 + random.poisson(5), first: first, last: timeline.sampleDay(end - 80, end, &random))
        case .loyal:
            let first = timeline.sampleDay(0, end * 45 / 100, &random)
            spread(count: 10 + random.poisson(3), first: first, last: timeline.sampleDay(end - 40, end, &random))
        case .couponSeeker:
            let first = timeline.sampleDay(0, end * 8 / 10, &random)
            let count = 3 + random.poisson(3)
            spread(count: count, first: first, last: timeline.sampleDay(max(first, end - 300), end, &random), saleBias: 0.6)
            customer.couponFullPriceBudget = count * 12 / 100
        case .oneTime:
            spread(count: 1, first: timeline.sampleDay(0, end, &random), last: 0)
        case .replenishment:
            planReplenishment()
        case .trendFollower:
            let first = timeline.sampleDay(30, end * 7 / 10, &random)
            spread(count: 3 + random.poisson(3), first: first, last: timeline.sampleDay(max(first, end - 300), end - 1, &random))
        case .cartAbandoner:
            let first = timeline.sampleDay(0, end - 250, &random)
            spread(count: 2 + random.poisson(1.5), first: first, last: timeline.sampleDay(max(first, end - 500), end - 100, &random))
        case .dormant:
            let first = timeline.sampleDay(0, end - 800, &random)
            spread(count: 3 + random.poisson(2), first: first, last: timeline.sampleDay(max(first + 20, end - 800), end - 400, &random))
        case .testAccount:
            let first = timeline.sampleDay(0, end, &random)
            spread(count: 1 + random.poisson(3), first: first, last: timeline.sampleDay(first, end, &random))
        case .undecidedProspect, .curiousProspect, .newsletterLead:
            break
        }
    }

    /// Orders every `replenish_days` (± a few percent) of a consumable, from sign-up to the end.
    private mutating func planReplenishment() {
        let first = timeline.sampleDay(last / 4, last * 6 / 10, &random)
        let categories = Catalog.replenishableCategories
        var category = customer.favorites.first { categories.contains($0) } ?? random.pick(categories)
        var primary = catalog.pickReplenishable(category: category, day: first, margin: 30, &random)
        if primary == nil {
            category = random.pick(categories)
            primary = catalog.pickReplenishable(category: category, day: first, margin: 30, &random)
        }
        guard let primary else {
            spread(count: 4, first: first, last: last)
            return
        }
        customer.replenishPrimary = primary
        customer.replenishSecondary = catalog.pickReplenishable(category: category, day: first, margin: 30, &random) ?? primary
        let cycle = Double(catalog.products[Int(primary)].replenishDays)
        var day = Double(first)
        while Int(day) <= last {
            purchases.append(Int(day))
            day += cycle + cycle * random.clampedNormal(mean: 0, sd: 0.05, min: -0.12, max: 0.12)
        }
    }

    /// Purchases become completed orders; about 9 % extra orders end cancelled, refunded or
    /// (in the last days) pending, always between the first and the last purchase.
    private mutating func planOrders() {
        guard let first = purchases.first, let lastPurchase = purchases.last else { return }
        for day in purchases {
            orders.append(PlannedOrder(day: day, status: .completed))
        }
        let extraChance = customer.persona == .testAccount ? 0.4 : 0.07
        for _ in 0..<purchases.count where random.chance(extraChance) {
            let day = timeline.sampleDay(first, lastPurchase, &random)
            let status: OrderStatus = day >= last - 2 ? .pending : (random.chance(0.55) ? .cancelled : .refunded)
            orders.append(PlannedOrder(day: day, status: status))
        }
        switch customer.persona {
        case .regular, .loyal, .highSpender, .couponSeeker, .trendFollower, .replenishment:
            if lastPurchase >= last - 60 && random.chance(0.03) {
                orders.append(PlannedOrder(day: timeline.sampleDay(last - 2, last, &random), status: .pending))
            }
        default:
            break
        }
        orders.sort { $0.day < $1.day }
    }

    // MARK: Order content

    private mutating func quantity(priceCents: Int64) -> Int32 {
        let u = random.uniform()
        if priceCents < 1_500 { return u < 0.6 ? 1 : (u < 0.9 ? 2 : 3) }
        return u < 0.84 ? 1 : (u < 0.96 ? 2 : 3)
    }

    private mutating func lineCategory() -> Int {
        random.chance(0.75) ? customer.favorites[random.int(below: customer.favorites.count)] : catalog.categoryTable.sample(&random)
    }

    private mutating func buildOrderContent(_ o: Int) {
        var order = orders[o]
        let day = order.day
        order.shippingCountry = random.chance(0.96) ? customer.country : Geography.countryTable.sample(&random)
        order.currency = Geography.countries[order.shippingCountry].currency
        order.lineStart = lines.count

        var picks: [(Int32, Int32)] = []
        picks.reserveCapacity(6)
        let avoidConsumables = customer.persona != .replenishment
        if customer.persona == .replenishment && customer.replenishPrimary >= 0 {
            picks.append((customer.replenishPrimary, random.chance(0.7) ? 1 : 2))
            if random.chance(0.35) && customer.replenishSecondary != customer.replenishPrimary {
                picks.append((customer.replenishSecondary, 1))
            }
            if random.chance(0.08) {
                let target = Int64(random.logNormal(median: 30, sigma: 0.5) * 100)
                let product = catalog.pick(category: lineCategory(), targetCents: target, day: day, avoidConsumables: true, &random)
                picks.append((product, 1))
            }
        } else {
            let count = min(8, 1 + random.poisson(customer.linesLambda))
            let value = random.logNormal(median: customer.basketMedian, sigma: 0.45) * 100
            for _ in 0..<count {
                var product: Int32?
                let target = Int64(value / Double(count) * random.logNormal(median: 1, sigma: 0.3))
                if customer.persona == .trendFollower && random.chance(0.9) {
                    product = catalog.pickNewLaunch(day: day, targetCents: target, &random)
                }
                if product == nil {
                    product = catalog.pick(category: lineCategory(), targetCents: target, day: day, avoidConsumables: avoidConsumables, &random)
                }
                let chosen = product!
                picks.append((chosen, quantity(priceCents: catalog.products[Int(chosen)].priceCents)))
            }
        }

        // Discounts: a coupon on the order, or sale prices on some lines.
        var discounted: Bool
        if customer.persona == .couponSeeker {
            if customer.couponFullPriceBudget > 0 && order.status == .completed && random.chance(0.12) {
                customer.couponFullPriceBudget -= 1
                discounted = false
            } else {
                discounted = true
            }
        } else {
            discounted = random.chance(customer.discountChance)
        }
        let isFirst = o == 0
        var couponPercent: Int64 = 0
        var salePercents = Array(repeating: Int64(0), count: picks.count)
        if discounted {
            let coupon = customer.persona == .testAccount || random.chance(0.65)
            if coupon {
                let (code, percent) = couponCode(day: day, first: isFirst)
                order.coupon = code
                couponPercent = percent
            } else {
                for index in picks.indices where index == 0 || random.chance(0.5) {
                    salePercents[index] = [10, 15, 20, 25, 30, 40][random.int(below: 6)]
                }
            }
        }

        var subtotal: Int64 = 0
        for (index, pick) in picks.enumerated() {
            let list = world.rates.fromEuro(catalog.products[Int(pick.0)].priceCents, currency: order.currency, day: day)
            let unit = salePercents[index] > 0 ? (list * (100 - salePercents[index]) + 50) / 100 : list
            let quantity = pick.1
            lines.append(PlannedLine(product: pick.0, quantity: quantity, unit: unit, list: list, discount: (list - unit) * Int64(quantity)))
            subtotal += unit * Int64(quantity)
        }
        order.lineCount = picks.count
        order.subtotal = subtotal
        order.discountTotal = (subtotal * couponPercent + 50) / 100
        let net = subtotal - order.discountTotal
        let currency = Geography.currencies[order.currency]
        order.shipping = net >= currency.freeShippingCents ? 0 : currency.shippingFeeCents
        order.tax = ((net + order.shipping) * Geography.countries[order.shippingCountry].taxBasisPoints + 5_000) / 10_000
        orders[o] = order
    }

    private mutating func couponCode(day: Int, first: Bool) -> (String, Int64) {
        if customer.persona == .testAccount { return Coupons.staff }
        if first && random.chance(0.5) { return Coupons.welcome }
        if customer.optIn && random.chance(0.25) { return Coupons.newsletter }
        let (_, month, dayOfMonth) = timeline.date(day).components
        if month == 11 && dayOfMonth >= 20 { return Coupons.blackFriday }
        if month == 12 && dayOfMonth <= 23 { return Coupons.christmas }
        if (month == 6 && dayOfMonth >= 20) || (month == 7 && dayOfMonth <= 10) { return Coupons.summer }
        return random.pick(Coupons.generic)
    }

    // MARK: Sessions

    private mutating func landingPage() -> String {
        var u = random.uniform()
        switch customer.persona {
        case .couponSeeker where u < 0.35: return "/sale"
        case .trendFollower where u < 0.4: return "/new"
        default: break
        }
        u = random.uniform()
        let category = customer.favorites[random.int(below: customer.favorites.count)]
        if u < 0.30 { return "/" }
        if u < 0.55 { return catalog.categoryLandingPages[category] }
        if u < 0.80 {
            let list = catalog.byCategory[category]
            return catalog.products[Int(list[random.int(below: list.count)])].landingPage
        }
        if u < 0.87 { return "/sale" }
        if u < 0.94 { return "/new" }
        return Self.blogPages[random.int(below: Self.blogPages.count)]
    }

    static let blogPages = ["/blog/gift-guide", "/blog/how-to-brew", "/blog/care-tips", "/blog/new-season", "/blog/sustainability"]

    private mutating func sessionChannel() -> Int {
        var channel = random.chance(0.55) ? customer.preferredChannel : Channel.overall.sample(&random)
        if channel == Channel.email.rawValue && !customer.optIn { channel = Channel.direct.rawValue }
        return channel
    }

    /// A session starting on `day`; counters follow its kind.
    private mutating func makeSession(day: Int, kind: SessionKind, order: Int32 = -1) -> PlannedSession {
        let start = timeline.instant(day: day, utcOffsetHours: Geography.countries[customer.country].utcOffsetHours, &random)
        var session = PlannedSession(start: start, duration: 0, kind: kind, order: order)
        var pageViews: Int32
        switch kind {
        case .browse:
            pageViews = Int32(min(60, 1 + random.poisson(random.logNormal(median: 4, sigma: 0.6))))
        case .order:
            let lineCount = Int32(orders[Int(order)].lineCount)
            pageViews = Int32(min(120, 4 + Int(lineCount) * 2 + random.poisson(random.logNormal(median: 7, sigma: 0.5))))
            session.cartAdds = lineCount + Int32(random.poisson(0.4))
            let lastLine = lines[orders[Int(order)].lineStart + Int(lineCount) - 1]
            session.cartProduct = lastLine.product
            session.checkout = true
            session.productViews = lineCount
        case .abandoned:
            pageViews = Int32(min(80, 3 + random.poisson(6)))
            session.cartAdds = 1 + Int32(random.poisson(0.8))
            let target = Int64(random.logNormal(median: customer.basketMedian, sigma: 0.5) * 100)
            session.cartProduct = catalog.pick(category: lineCategory(), targetCents: target, day: day, avoidConsumables: false, &random)
            session.checkout = random.chance(0.3)
        }
        session.pageViews = pageViews
        let rest = Double(pageViews - session.productViews)
        session.productViews += Int32((rest * random.uniform(0.2, 0.6)).rounded(.down))
        session.categoryViews = Int32((Double(pageViews - session.productViews) * random.uniform(0.2, 0.6)).rounded(.down))
        let seconds = Double(pageViews) * random.logNormal(median: 35, sigma: 0.5) + 15 + Double(pageViews) * 6
        session.duration = Int64(seconds * 1_000_000)
        session.landing = landingPage()
        session.channel = sessionChannel()
        return session
    }

    private mutating func addBrowse(count: Int, from low: Int, to high: Int, abandonChance: Double) {
        guard count > 0 else { return }
        for _ in 0..<count {
            let day = timeline.sampleDay(low, high, &random)
            sessions.append(makeSession(day: day, kind: random.chance(abandonChance) ? .abandoned : .browse))
        }
    }

    private mutating func planSessions() {
        for o in orders.indices {
            sessions.append(makeSession(day: orders[o].day, kind: .order, order: Int32(o)))
        }
        let n = Double(purchases.count)
        let firstDay = orders.first?.day ?? 0
        let lastOrderDay = orders.last?.day ?? 0
        let buyerWindow = max(0, firstDay - 30)
        switch customer.persona {
        case .regular:
            addBrowse(count: random.poisson(2.0 * n + 3), from: buyerWindow, to: last, abandonChance: 0.03)
        case .highSpender:
            addBrowse(count: random.poisson(1.5 * n + 4), from: buyerWindow, to: last, abandonChance: 0.03)
        case .loyal:
            addBrowse(count: random.poisson(2.0 * n + 4), from: buyerWindow, to: last, abandonChance: 0.02)
        case .couponSeeker:
            addBrowse(count: random.poisson(2.0 * n + 3), from: buyerWindow, to: last, abandonChance: 0.03)
        case .oneTime:
            addBrowse(count: random.poisson(3), from: buyerWindow, to: last, abandonChance: 0.03)
        case .replenishment:
            addBrowse(count: random.poisson(0.6 * n + 3), from: buyerWindow, to: last, abandonChance: 0.02)
        case .trendFollower:
            addBrowse(count: random.poisson(2.5 * n + 5), from: buyerWindow, to: last, abandonChance: 0.03)
        case .cartAbandoner:
            addBrowse(count: random.poisson(2.0 * n + 3), from: buyerWindow, to: lastOrderDay + 60, abandonChance: 0.03)
            let abandoned = random.int(4, 9)
            addBrowse(count: abandoned, from: last - 85, to: last, abandonChance: 1)
        case .dormant:
            addBrowse(count: random.poisson(2.0 * n + 2), from: buyerWindow, to: lastOrderDay + 30, abandonChance: 0.03)
        case .testAccount:
            addBrowse(count: random.poisson(5), from: buyerWindow, to: last, abandonChance: 0.1)
        case .undecidedProspect:
            let carts = random.int(3, 6)
            addBrowse(count: carts, from: last - 85, to: last, abandonChance: 1)
            addBrowse(count: random.int(3, 9), from: last - 110, to: last, abandonChance: 0)
        case .curiousProspect:
            let firstVisit = timeline.sampleDay(0, last, &random)
            sessions.append(makeSession(day: firstVisit, kind: .browse))
            addBrowse(count: random.poisson(1.5), from: firstVisit, to: last, abandonChance: 0)
            sessions.append(makeSession(day: timeline.sampleDay(last - 27, last, &random), kind: .browse))
        case .newsletterLead:
            let signup = timeline.sampleDay(0, last - 60, &random)
            let count = random.chance(0.4) ? 0 : (random.chance(0.67) ? 1 : 2)
            if count > 0 {
                sessions.append(makeSession(day: signup, kind: .browse))
                addBrowse(count: count - 1, from: max(0, signup - 20), to: min(last - 45, signup + 120), abandonChance: 0)
            } else {
                // Signed up through a form elsewhere: remember the day in a session-less way.
                newsletterSignupDay = signup
            }
        }
    }

    private var newsletterSignupDay = 0

    /// Marks the session the customer signed up in and returns its start (nil: no session).
    private mutating func chooseSignup() -> Int64? {
        guard !sessions.isEmpty else { return nil }
        if customer.persona.buys, !orders.isEmpty {
            // Usually at the first checkout; sometimes days earlier while browsing.
            let firstOrder = sessions.indices.filter { sessions[$0].kind == .order }.min { sessions[$0].start < sessions[$1].start }!
            if random.chance(0.25) {
                let day = max(0, orders[0].day - random.int(1, 60))
                var early = makeSession(day: day, kind: .browse)
                if early.start < sessions[firstOrder].start {
                    early.signup = true
                    sessions.append(early)
                    return early.start
                }
            }
            sessions[firstOrder].signup = true
            return sessions[firstOrder].start
        }
        // Prospects and leads: in their first visit, or (prospects) in a later one.
        var chosen = sessions.indices.min { sessions[$0].start < sessions[$1].start }!
        if customer.persona != .newsletterLead && random.chance(0.3) {
            chosen = random.int(below: sessions.count)
        }
        sessions[chosen].signup = true
        return sessions[chosen].start
    }

    private mutating func signupInstant(signupStart: Int64?) -> Int64 {
        if let signupStart {
            // A little into the signup session, before any order placed in it.
            // Seconds into the signup session: before any order placed in it or in a session
            // that starts a little later (orders come at least half a session in).
            let session = sessions.first { $0.signup }!
            let length = min(session.duration, timeline.endExclusiveMicros - 60_000_000 - session.start)
            return signupStart + min(Int64(random.int(1, 20)) * 1_000_000, max(0, length) / 2)
        }
        return timeline.instant(day: newsletterSignupDay, utcOffsetHours: Geography.countries[customer.country].utcOffsetHours, &random)
    }

    /// Spreads the sessions over 1–3 devices (visitor ids); sessions before sign-up are
    /// anonymous, and a visitor logs in at its first order or, now and then, while browsing.
    private mutating func assignVisitorsAndLogins(signupStart: Int64?, createdAt: Int64) {
        let visitorCount: Int
        if customer.persona.buys {
            visitorCount = 1 + (random.chance(0.35) ? 1 : 0) + (random.chance(0.1) ? 1 : 0)
        } else {
            visitorCount = 1
        }
        visitors.removeAll(keepingCapacity: true)
        visitorDevices.removeAll(keepingCapacity: true)
        visitorLogged.removeAll(keepingCapacity: true)
        for v in 0..<visitorCount {
            visitors.append(random.uuid())
            var device = Device.table.sample(&random)
            if v > 0 && device == visitorDevices[0] { device = (device + 1) % Device.names.count }
            visitorDevices.append(device)
            visitorLogged.append(false)
        }
        guard let signupStart else { return }
        for index in sessions.indices {
            var session = sessions[index]
            session.visitor = session.signup || visitorCount == 1 || random.chance(0.65) ? 0 : Int32(1 + random.int(below: visitorCount - 1))
            let v = Int(session.visitor)
            if session.signup || (session.kind == .order && session.start >= signupStart) {
                session.logged = true
            } else if session.start < createdAt {
                session.logged = false
            } else if visitorLogged[v] || random.chance(0.4) {
                session.logged = true
            }
            if session.logged { visitorLogged[v] = true }
            sessions[index] = session
        }
        // A device that never logged in after sign-up logs in on its last visit.
        for v in 1..<max(1, visitorCount) where !visitorLogged[v] {
            if let lastIndex = sessions.indices.last(where: { sessions[$0].visitor == Int32(v) && sessions[$0].start >= createdAt }) {
                sessions[lastIndex].logged = true
                visitorLogged[v] = true
            }
        }
    }

    private mutating func emitSessionsAndOrders() {
        let country = Geography.countries[customer.country].code
        let end = timeline.endExclusiveMicros - 60_000_000
        for index in sessions.indices {
            sessions[index].id = nextSession
            nextSession += 1
            let session = sessions[index]
            let ended = min(session.start + session.duration, end)
            if session.order >= 0 {
                let o = Int(session.order)
                orders[o].session = Int32(index)
                orders[o].placed = session.start + Int64(Double(ended - session.start) * random.uniform(0.5, 0.95))
            }
            writer.session(SessionRow(
                id: session.id, visitor: visitors[Int(session.visitor)], customer: session.logged ? customer.id : nil,
                startedAt: session.start, endedAt: ended, channel: Channel.names[session.channel],
                device: Device.names[visitorDevices[Int(session.visitor)]], landingPage: session.landing,
                pageViews: session.pageViews, productViews: session.productViews, categoryViews: session.categoryViews,
                cartAdds: session.cartAdds, cartProduct: session.cartProduct >= 0 ? catalog.products[Int(session.cartProduct)].id : nil,
                checkoutStarted: session.checkout, country: random.chance(0.97) ? country : Geography.countries[Geography.countryTable.sample(&random)].code
            ))
        }
        for o in orders.indices {
            orders[o].id = nextOrder
            nextOrder += 1
            let order = orders[o]
            let minute: Int64 = 60_000_000
            let hour = 60 * minute
            let updatedOffset: Int64 = switch order.status {
            case .completed: Int64(random.int(24, 144)) * hour + Int64(random.int(0, 59)) * minute
            case .cancelled: Int64(random.int(5, 1_200)) * minute
            case .refunded: Int64(random.int(7 * 24, 30 * 24)) * hour
            case .pending: Int64(random.int(10, 120)) * 1_000_000
            }
            let updated = max(order.placed + 1_000_000, min(order.placed + updatedOffset, end))
            let net = order.subtotal - order.discountTotal
            writer.order(OrderRow(
                id: order.id, customer: customer.id, session: sessions[Int(order.session)].id, placedAt: order.placed,
                status: OrderStatus.names[order.status.rawValue], currency: Geography.currencies[order.currency].code,
                subtotal: order.subtotal, discountTotal: order.discountTotal, shippingTotal: order.shipping, taxTotal: order.tax,
                total: net + order.shipping + order.tax, couponCode: order.coupon,
                shippingCountry: Geography.countries[order.shippingCountry].code, updatedAt: updated
            ))
            for l in 0..<order.lineCount {
                let line = lines[order.lineStart + l]
                writer.item(ItemRow(
                    order: order.id, line: Int32(l + 1), product: catalog.products[Int(line.product)].id, quantity: line.quantity,
                    unitPrice: line.unit, listPrice: line.list, discount: line.discount
                ))
            }
        }
    }

    // MARK: Chats

    private mutating func emitChats(createdAt: Int64) {
        let n = Double(purchases.count)
        let lambda: Double = switch customer.persona {
        case .regular: 0.16 * n + 0.1
        case .highSpender: 0.12 * n
        case .loyal: 0.1 * n
        case .couponSeeker: 0.2 * n
        case .oneTime: 0.4
        case .replenishment: 0.05 * n
        case .trendFollower: 0.15 * n
        case .cartAbandoner: 0.2 * n + 0.3
        case .dormant: 0.15 * n
        case .testAccount: 0.5
        case .undecidedProspect: 0
        case .curiousProspect, .newsletterLead: 0
        }
        let count = customer.persona == .undecidedProspect ? 1 + random.poisson(1) : random.poisson(lambda * 1.25)
        guard count > 0 else { return }
        let style = world.chatStyles[world.chatStyleTable.sample(&random)]
        customer.style = style
        let end = timeline.endExclusiveMicros - 60_000_000
        for _ in 0..<count {
            var customerID: Int64? = customer.id
            var visitor: UUID? = nil
            var sessionID: Int64? = nil
            var start: Int64
            var channel: String
            var topic: String
            let afterOrder = !orders.isEmpty && random.chance(0.55)
            if afterOrder {
                let order = orders[random.int(below: orders.count)]
                start = min(order.placed + Int64(random.int(2 * 3600, 6 * 86_400)) * 1_000_000, end - 3_600_000_000)
                let c = ChatChannel.table.sample(&random)
                channel = ChatChannel.names[c]
                if c == 0 { visitor = visitors[0] }
                topic = ChatTopic.names[ChatTopic.buyerTable.sample(&random)]
            } else if !sessions.isEmpty {
                let session = sessions[random.int(below: sessions.count)]
                start = session.start + Int64(Double(session.duration) * random.uniform(0.1, 0.8))
                channel = "web"
                visitor = visitors[Int(session.visitor)]
                sessionID = session.id
                if !session.logged { customerID = nil }
                topic = ChatTopic.names[ChatTopic.prospectTable.sample(&random)]
            } else {
                start = max(createdAt, timeline.instant(day: last, utcOffsetHours: 0, &random))
                channel = "email"
                topic = ChatTopic.names[ChatTopic.prospectTable.sample(&random)]
            }
            if start < createdAt { customerID = nil }
            if style == .dominating && random.chance(0.3) { topic = "complaint" }
            emitChat(style: style, customer: customerID, visitor: visitor, session: sessionID, start: min(start, end - 60_000_000),
                     channel: channel, topic: topic, end: end)
        }
    }

    private mutating func emitChat(style: ChatStyle, customer: Int64?, visitor: UUID?, session: Int64?, start: Int64,
                                   channel: String, topic: String, end: Int64) {
        var questions: Int
        var messages: Int
        var sentiment: Double
        var csat: Int16?
        var escalated: Bool
        var resolved: Bool
        switch style {
        case .analytical:
            questions = 3 + random.poisson(2.5)
            messages = min(13, questions + 1 + random.poisson(3))
            sentiment = random.clampedNormal(mean: 0.15, sd: 0.12, min: 0, max: 0.6)
            csat = random.chance(0.6) ? Int16([3, 4, 4, 5, 5, 5][random.int(below: 6)]) : nil
            escalated = random.chance(0.03)
            resolved = random.chance(0.92)
        case .socializing:
            questions = min(2, random.poisson(0.8))
            messages = 14 + random.poisson(10)
            sentiment = random.clampedNormal(mean: 0.65, sd: 0.12, min: 0.3, max: 1)
            csat = random.chance(0.6) ? Int16(random.chance(0.7) ? 5 : 4) : nil
            escalated = random.chance(0.01)
            resolved = random.chance(0.95)
        case .dominating:
            questions = min(2, random.poisson(1.0))
            messages = min(13, 6 + random.poisson(5))
            sentiment = random.clampedNormal(mean: -0.55, sd: 0.18, min: -1, max: -0.15)
            csat = random.chance(0.7) ? Int16([1, 1, 1, 2, 2, 3][random.int(below: 6)]) : nil
            escalated = random.chance(0.65)
            resolved = random.chance(0.55)
        case .relatable:
            questions = min(2, random.poisson(0.8))
            messages = min(13, 5 + random.poisson(4))
            sentiment = random.clampedNormal(mean: 0.55, sd: 0.12, min: 0.25, max: 1)
            csat = random.chance(0.9) ? Int16(random.chance(0.6) ? 1 : 2) : nil
            escalated = random.chance(0.02)
            resolved = random.chance(0.8)
        }
        let agent = max(1, Int((Double(messages) * random.uniform(0.7, 1.3)).rounded()))
        let seconds = Double(messages + agent) * random.logNormal(median: 40, sigma: 0.4)
        let id = nextChat
        nextChat += 1
        writer.chat(ChatRow(
            id: id, customer: customer, visitor: visitor, session: session, startedAt: start,
            endedAt: min(start + Int64(seconds * 1_000_000), end), channel: channel, customerMessages: Int32(messages),
            agentMessages: Int32(agent), questions: Int32(questions), sentiment: (sentiment * 1000).rounded() / 1000, csat: csat,
            topic: topic, escalated: escalated, resolved: resolved
        ))
    }

    // MARK: Profile

    private mutating func emitCustomer(createdAt: Int64) {
        let country = Geography.countries[customer.country]
        let group = country.names.rawValue
        let first = random.pick(Geography.firstNames[group])
        let lastName = random.pick(Geography.lastNames[group])
        let email: String
        if customer.persona == .testAccount {
            email = "qa.\(first).\(customer.id)@\(Geography.staffDomain)"
        } else {
            let domain = Geography.emailDomains[Geography.emailDomainTable.sample(&random)]
            email = random.chance(0.5) ? "\(first).\(lastName).\(customer.id)@\(domain)" : "\(first.prefix(1))\(lastName)\(customer.id)@\(domain)"
        }
        var birthDate: Int32?
        if random.chance(0.7) {
            let age = min(85.0, max(18.0, random.logNormal(median: 36, sigma: 0.3)))
            birthDate = timeline.endDay.daysSince2000 - Int32(age * 365.25)
        }
        let gender: String? = random.chance(0.25) ? nil : (random.chance(0.04) ? "diverse" : (random.chance(0.5) ? "female" : "male"))
        let end = timeline.endExclusiveMicros - 60_000_000
        var updated = createdAt + Int64(random.int(60, 900)) * 1_000_000
        if random.chance(0.35) {
            let day = timeline.sampleDay(timeline.dayIndex(createdAt), last, &random)
            updated = max(updated, timeline.instant(day: day, utcOffsetHours: country.utcOffsetHours, &random))
        }
        writer.customer(CustomerRow(
            id: customer.id, email: email, createdAt: createdAt, country: country.code,
            city: country.cities[country.cityTable.sample(&random)], birthDate: birthDate, gender: gender, optIn: customer.optIn,
            acquisitionChannel: Channel.names[customer.preferredChannel], isInternal: customer.persona == .testAccount,
            updatedAt: max(createdAt, min(updated, end))
        ))
    }

    // MARK: - Anonymous visitors

    private mutating func simulateAnonymousVisitor() {
        let visitor = random.uuid()
        let device = Device.names[Device.table.sample(&random)]
        let country = Geography.countries[Geography.countryTable.sample(&random)]
        let channel = Channel.names[Channel.overall.sample(&random)]
        let first = timeline.sampleDay(0, last, &random)
        let count = 1 + random.poisson(2)
        let end = timeline.endExclusiveMicros - 60_000_000
        var chatSession: (Int64, Int64, Int64)?
        for k in 0..<count {
            let day = k == 0 ? first : timeline.sampleDay(first, min(last, first + 60), &random)
            let start = timeline.instant(day: day, utcOffsetHours: country.utcOffsetHours, &random)
            let pageViews = Int32(min(60, 1 + random.poisson(random.logNormal(median: 3, sigma: 0.6))))
            let seconds = Double(pageViews) * random.logNormal(median: 30, sigma: 0.5) + 10 + Double(pageViews) * 6
            let ended = min(start + Int64(seconds * 1_000_000), end)
            let abandoned = random.chance(0.06)
            var cartProduct: Int64?
            if abandoned {
                let category = catalog.categoryTable.sample(&random)
                let list = catalog.byCategory[category]
                cartProduct = catalog.products[Int(list[random.int(below: list.count)])].id
            }
            let productViews = Int32((Double(pageViews) * random.uniform(0.2, 0.6)).rounded(.down))
            let id = nextSession
            nextSession += 1
            writer.session(SessionRow(
                id: id, visitor: visitor, customer: nil, startedAt: start, endedAt: ended, channel: channel, device: device,
                landingPage: random.chance(0.5) ? "/" : catalog.categoryLandingPages[random.int(below: catalog.categoryLandingPages.count)],
                pageViews: pageViews, productViews: productViews,
                categoryViews: Int32((Double(pageViews - productViews) * random.uniform(0.2, 0.6)).rounded(.down)),
                cartAdds: abandoned ? 1 + Int32(random.poisson(0.5)) : 0, cartProduct: cartProduct, checkoutStarted: false,
                country: country.code
            ))
            if chatSession == nil { chatSession = (id, start, ended) }
        }
        if let (session, start, ended) = chatSession, random.chance(0.05) {
            let style = world.chatStyles[world.chatStyleTable.sample(&random)]
            let chatStart = start + Int64(Double(ended - start) * random.uniform(0.1, 0.8))
            emitChat(style: style, customer: nil, visitor: visitor, session: session, start: chatStart, channel: "web",
                     topic: ChatTopic.names[ChatTopic.prospectTable.sample(&random)], end: end)
        }
    }
}

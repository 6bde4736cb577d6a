import Foundation
import PostgresClient

/// One product of the generated catalogue. Prices are in EUR cents.
struct Product: Sendable {
    let id: Int64
    let sku: String
    let name: String
    let category: Int
    let line: Int
    let priceCents: Int64
    /// Launch day as a day index of the span (negative: before the span).
    let launchDay: Int32
    /// Replenishment cycle in days; 0 when the product is not a consumable.
    let replenishDays: Int32
    /// The landing page of the product (`/p/<sku>`).
    let landingPage: String
}

struct ProductLine: Sendable {
    let name: String
    let code: String
    /// Replenishment cycles the line's consumables use; empty for durable goods.
    let cycles: [Int32]
    let nouns: [String]
    let priceFactor: Double
}

struct Category: Sendable {
    let name: String
    let code: String
    let slug: String
    let medianPrice: Double
    let sigma: Double
    let popularity: Double
    let lines: [ProductLine]
}

/// The store's catalogue: about 8 categories × 5 product lines × 50 products, with launches
/// spread before and over the span. Generated from the seed alone, shared by all blocks.
struct Catalog: Sendable {
    static let categories: [Category] = [
        Category(name: "Electronics", code: "EL", slug: "electronics", medianPrice: 85, sigma: 0.9, popularity: 14, lines: [
            ProductLine(name: "Audio", code: "AUD", cycles: [], nouns: ["Wireless Earbuds", "Bluetooth Speaker", "Headphones", "Soundbar"], priceFactor: 1.2),
            ProductLine(name: "Smart Home", code: "SMH", cycles: [], nouns: ["Smart Plug", "Video Doorbell", "Smart Bulb Set", "Thermostat"], priceFactor: 0.9),
            ProductLine(name: "Mobile Accessories", code: "MOB", cycles: [], nouns: ["Phone Case", "Charging Cable", "Power Bank", "Screen Protector"], priceFactor: 0.35),
            ProductLine(name: "Computing", code: "CMP", cycles: [], nouns: ["Mechanical Keyboard", "Wireless Mouse", "USB-C Hub", "Monitor Arm", "Laptop Stand"], priceFactor: 1.4),
            ProductLine(name: "Cameras", code: "CAM", cycles: [], nouns: ["Action Camera", "Tripod", "Camera Bag", "Lens Kit"], priceFactor: 1.8),
        ]),
        Category(name: "Home & Kitchen", code: "HK", slug: "home-kitchen", medianPrice: 34, sigma: 0.8, popularity: 16, lines: [
            ProductLine(name: "Cookware", code: "CKW", cycles: [], nouns: ["Frying Pan", "Dutch Oven", "Saucepan Set", "Chef's Knife"], priceFactor: 1.5),
            ProductLine(name: "Tableware", code: "TBW", cycles: [], nouns: ["Dinner Plate Set", "Wine Glasses", "Coffee Mugs", "Cutlery Set"], priceFactor: 1.0),
            ProductLine(name: "Small Appliances", code: "APL", cycles: [], nouns: ["Blender", "Kettle", "Toaster", "Hand Mixer", "Air Fryer"], priceFactor: 2.0),
            ProductLine(name: "Home Decor", code: "DEC", cycles: [], nouns: ["Scented Candle", "Cushion Cover", "Vase", "Picture Frame", "Throw Blanket"], priceFactor: 0.8),
            ProductLine(name: "Cleaning", code: "CLN", cycles: [60, 90], nouns: ["Dish Soap Refill", "All-Purpose Cleaner", "Laundry Pods", "Microfibre Cloths"], priceFactor: 0.4),
        ]),
        Category(name: "Fashion", code: "FA", slug: "fashion", medianPrice: 45, sigma: 0.7, popularity: 18, lines: [
            ProductLine(name: "Womenswear", code: "WMN", cycles: [], nouns: ["Linen Dress", "Knit Sweater", "Denim Jacket", "Blouse"], priceFactor: 1.1),
            ProductLine(name: "Menswear", code: "MEN", cycles: [], nouns: ["Oxford Shirt", "Chinos", "Hoodie", "Wool Coat"], priceFactor: 1.1),
            ProductLine(name: "Shoes", code: "SHO", cycles: [], nouns: ["Leather Sneakers", "Ankle Boots", "Loafers", "Sandals"], priceFactor: 1.6),
            ProductLine(name: "Bags", code: "BAG", cycles: [], nouns: ["Tote Bag", "Backpack", "Crossbody Bag", "Weekender"], priceFactor: 1.3),
            ProductLine(name: "Accessories", code: "ACC", cycles: [], nouns: ["Scarf", "Leather Belt", "Beanie", "Sunglasses", "Socks 3-Pack"], priceFactor: 0.5),
        ]),
        Category(name: "Beauty & Care", code: "BC", slug: "beauty-care", medianPrice: 19, sigma: 0.7, popularity: 13, lines: [
            ProductLine(name: "Skincare", code: "SKN", cycles: [60, 90], nouns: ["Face Serum", "Day Cream", "Cleansing Gel", "Sunscreen SPF 50"], priceFactor: 1.3),
            ProductLine(name: "Haircare", code: "HAI", cycles: [45, 60], nouns: ["Shampoo", "Conditioner", "Hair Mask", "Styling Cream"], priceFactor: 0.8),
            ProductLine(name: "Fragrance", code: "FRG", cycles: [], nouns: ["Eau de Parfum", "Eau de Toilette", "Body Mist", "Gift Set"], priceFactor: 2.5),
            ProductLine(name: "Makeup", code: "MKP", cycles: [], nouns: ["Lipstick", "Mascara", "Foundation", "Eyeshadow Palette"], priceFactor: 1.0),
            ProductLine(name: "Oral Care", code: "ORL", cycles: [30, 60], nouns: ["Toothpaste", "Brush Heads", "Mouthwash", "Floss Picks"], priceFactor: 0.5),
        ]),
        Category(name: "Sports & Outdoors", code: "SO", slug: "sports-outdoors", medianPrice: 49, sigma: 0.8, popularity: 10, lines: [
            ProductLine(name: "Running", code: "RUN", cycles: [], nouns: ["Running Shoes", "Running Jacket", "Sports Watch", "Hydration Vest"], priceFactor: 1.6),
            ProductLine(name: "Cycling", code: "CYC", cycles: [], nouns: ["Bike Helmet", "Bike Lights", "Cycling Gloves", "Saddle Bag"], priceFactor: 1.2),
            ProductLine(name: "Yoga", code: "YOG", cycles: [], nouns: ["Yoga Mat", "Yoga Blocks", "Leggings", "Meditation Cushion"], priceFactor: 0.8),
            ProductLine(name: "Camping", code: "CPG", cycles: [], nouns: ["Tent", "Sleeping Bag", "Camping Stove", "Headlamp"], priceFactor: 1.7),
            ProductLine(name: "Nutrition", code: "NUT", cycles: [30, 45], nouns: ["Whey Protein", "Energy Bars 12-Pack", "Electrolyte Tabs", "Creatine"], priceFactor: 0.6),
        ]),
        Category(name: "Pet Supplies", code: "PS", slug: "pet-supplies", medianPrice: 22, sigma: 0.7, popularity: 9, lines: [
            ProductLine(name: "Dog Food", code: "DOG", cycles: [30, 45], nouns: ["Dry Dog Food 12 kg", "Wet Dog Food 24-Pack", "Dog Treats", "Puppy Food"], priceFactor: 1.4),
            ProductLine(name: "Cat Food", code: "CAT", cycles: [30, 45], nouns: ["Dry Cat Food 4 kg", "Wet Cat Food 12-Pack", "Cat Treats", "Kitten Food"], priceFactor: 1.0),
            ProductLine(name: "Pet Care", code: "PCR", cycles: [60, 90], nouns: ["Flea Treatment", "Cat Litter", "Pet Shampoo", "Poop Bags"], priceFactor: 0.8),
            ProductLine(name: "Toys & Play", code: "PTY", cycles: [], nouns: ["Chew Toy", "Cat Tree", "Ball Launcher", "Puzzle Feeder"], priceFactor: 0.9),
            ProductLine(name: "Beds & Furniture", code: "BED", cycles: [], nouns: ["Dog Bed", "Cat Cave", "Pet Gate", "Travel Crate"], priceFactor: 2.2),
        ]),
        Category(name: "Coffee & Tea", code: "CT", slug: "coffee-tea", medianPrice: 14, sigma: 0.6, popularity: 9, lines: [
            ProductLine(name: "Espresso", code: "ESP", cycles: [30], nouns: ["Espresso Beans 1 kg", "Dark Roast 500 g", "Decaf Espresso 500 g"], priceFactor: 1.3),
            ProductLine(name: "Filter Coffee", code: "FIL", cycles: [30, 45], nouns: ["Filter Roast 500 g", "Single Origin 250 g", "Ground Coffee 500 g"], priceFactor: 1.0),
            ProductLine(name: "Loose Tea", code: "TEA", cycles: [45, 60], nouns: ["Green Tea 100 g", "Earl Grey 100 g", "Rooibos 100 g", "Chai Blend 100 g"], priceFactor: 0.8),
            ProductLine(name: "Capsules", code: "CAP", cycles: [30], nouns: ["Lungo Capsules 50", "Ristretto Capsules 50", "Decaf Capsules 50"], priceFactor: 1.1),
            ProductLine(name: "Brewing Gear", code: "GER", cycles: [], nouns: ["Pour-Over Kettle", "Hand Grinder", "French Press", "Milk Frother"], priceFactor: 3.0),
        ]),
        Category(name: "Toys & Games", code: "TG", slug: "toys-games", medianPrice: 29, sigma: 0.7, popularity: 10, lines: [
            ProductLine(name: "Board Games", code: "BRD", cycles: [], nouns: ["Strategy Game", "Family Game", "Card Game", "Party Game"], priceFactor: 1.0),
            ProductLine(name: "Puzzles", code: "PZL", cycles: [], nouns: ["1000-Piece Puzzle", "3D Puzzle", "Kids Puzzle", "Brain Teaser Set"], priceFactor: 0.7),
            ProductLine(name: "Building Sets", code: "BLD", cycles: [], nouns: ["Castle Set", "Space Station Set", "Race Car Set", "City Set"], priceFactor: 1.8),
            ProductLine(name: "Outdoor Play", code: "OUT", cycles: [], nouns: ["Kite", "Water Blaster", "Garden Game", "Scooter"], priceFactor: 1.2),
            ProductLine(name: "Baby & Toddler", code: "BBY", cycles: [], nouns: ["Stacking Rings", "Soft Blocks", "Activity Cube", "Plush Bunny"], priceFactor: 0.8),
        ]),
    ]

    static let adjectives = ["Classic", "Essential", "Premium", "Pro", "Eco", "Mini", "Signature", "Urban", "Nordic", "Everyday", "Deluxe", "Studio", "Organic", "Compact", "Heritage"]
    static let productsPerLine = 50

    let products: [Product]
    /// Product indices per category, ascending by price, with the prices alongside.
    let byCategory: [[Int32]]
    let pricesByCategory: [[Int64]]
    /// Product indices launched inside the span, ascending by launch day, and those days.
    let launches: [Int32]
    let launchDays: [Int32]
    /// Replenishable product indices per category.
    let replenishableByCategory: [[Int32]]
    let categoryTable: WeightedTable
    let categoryLandingPages: [String]

    init(seed: UInt64, timeline: Timeline) {
        var random = RandomSource(seed: seed, stream: 0xCA7A_1065)
        var products: [Product] = []
        let dayCount = timeline.dayCount
        for (c, category) in Self.categories.enumerated() {
            for (l, line) in category.lines.enumerated() {
                for n in 0..<Self.productsPerLine {
                    let id = Int64(products.count + 1)
                    let euros = random.logNormal(median: category.medianPrice * line.priceFactor, sigma: category.sigma * 0.8)
                    let priceCents = max(199, Int64(max(2, euros).rounded()) * 100 - 1)
                    // 55 % of the range predates the span; the rest launches evenly over it.
                    let launchDay: Int32 = random.chance(0.55)
                        ? Int32(-random.int(1, 1_500))
                        : Int32(random.int(0, dayCount - 10))
                    // In consumable lines about two thirds are refills (with a cycle), the rest gift sets and accessories.
                    let replenish: Int32 = !line.cycles.isEmpty && random.chance(0.65) ? random.pick(line.cycles) : 0
                    let noun = line.nouns[n % line.nouns.count]
                    let adjective = Self.adjectives[random.int(below: Self.adjectives.count)]
                    let sku = "\(category.code)-\(line.code)-\(String(id + 10_000))"
                    products.append(Product(
                        id: id, sku: sku, name: "\(adjective) \(noun)", category: c, line: l, priceCents: priceCents,
                        launchDay: launchDay, replenishDays: replenish, landingPage: "/p/\(sku.lowercased())"
                    ))
                }
            }
        }
        self.products = products
        var byCategory: [[Int32]] = Array(repeating: [], count: Self.categories.count)
        var replenishable: [[Int32]] = Array(repeating: [], count: Self.categories.count)
        for (index, product) in products.enumerated() {
            byCategory[product.category].append(Int32(index))
            if product.replenishDays > 0 { replenishable[product.category].append(Int32(index)) }
        }
        for c in byCategory.indices {
            byCategory[c].sort { (products[Int($0)].priceCents, $0) < (products[Int($1)].priceCents, $1) }
        }
        self.byCategory = byCategory
        pricesByCategory = byCategory.map { $0.map { products[Int($0)].priceCents } }
        replenishableByCategory = replenishable
        let launched = products.indices.filter { products[$0].launchDay >= 0 }
            .sorted { (products[$0].launchDay, $0) < (products[$1].launchDay, $1) }
        launches = launched.map { Int32($0) }
        launchDays = launched.map { products[$0].launchDay }
        categoryTable = WeightedTable(Self.categories.map(\.popularity))
        categoryLandingPages = Self.categories.map { "/c/\($0.slug)" }
    }

    /// A product of `category` priced near `targetCents`, already launched before `day`.
    /// With `avoidConsumables`, refills are mostly passed over (ordinary shoppers buy them now and then).
    func pick(category: Int, targetCents: Int64, day: Int, avoidConsumables: Bool, _ random: inout RandomSource) -> Int32 {
        let list = byCategory[category]
        let prices = pricesByCategory[category]
        let center = min(lowerBound(prices, targetCents), list.count - 1)
        var spread = 3
        for _ in 0..<8 {
            let index = min(max(center + random.int(-spread, spread), 0), list.count - 1)
            let product = products[Int(list[index])]
            spread *= 2
            if Int(product.launchDay) >= day { continue }
            if avoidConsumables && product.replenishDays > 0 && random.chance(0.6) { continue }
            return list[index]
        }
        // Fall back to anything of the category that existed before the span.
        while true {
            let candidate = list[random.int(below: list.count)]
            if products[Int(candidate)].launchDay < 0 { return candidate }
        }
    }

    /// A product launched 1...27 days before `day` (so bought within 30 days of its launch),
    /// priced near `targetCents` (the closest of a few candidates); nil if nothing launched then.
    func pickNewLaunch(day: Int, targetCents: Int64, _ random: inout RandomSource) -> Int32? {
        let first = lowerBound(launchDays, Int32(day - 27))
        let end = lowerBound(launchDays, Int32(day))
        guard end > first else { return nil }
        var best = launches[first + random.int(below: end - first)]
        var bestDistance = abs(log(Double(products[Int(best)].priceCents) / Double(max(1, targetCents))))
        for _ in 0..<4 {
            let candidate = launches[first + random.int(below: end - first)]
            let distance = abs(log(Double(products[Int(candidate)].priceCents) / Double(max(1, targetCents))))
            if distance < bestDistance {
                best = candidate
                bestDistance = distance
            }
        }
        return best
    }

    /// A consumable of `category` launched at least `margin` days before `day`.
    func pickReplenishable(category: Int, day: Int, margin: Int, _ random: inout RandomSource) -> Int32? {
        let list = replenishableByCategory[category]
        guard !list.isEmpty else { return nil }
        for _ in 0..<16 {
            let candidate = list[random.int(below: list.count)]
            if Int(products[Int(candidate)].launchDay) <= day - margin { return candidate }
        }
        return list.first { Int(products[Int($0)].launchDay) <= day - margin }
    }

    /// Categories that have consumables.
    static let replenishableCategories: [Int] = categories.indices.filter { c in
        categories[c].lines.contains { !$0.cycles.isEmpty }
    }
}

import Foundation
import PostgresClient

/// The encoded rows of one block, per streamed table, plus what the report needs.
struct BlockOutput: Sendable {
    var block: Int
    /// In `SourceTable.streamed` order.
    var encoders: [BinaryCopyEncoder]
    var personaCounts: [Int]
    /// `defectCounts[table.index][kind.index]`
    var defectCounts: [[Int]]
}

/// Ids of rows the defects add, and keys that match nothing: far outside the generated ranges.
enum DefectIDs {
    /// Extra sessions, orders and chats of a block take ids from here on (inside the block's range).
    static let extraOffset: Int64 = 9_000_000
    static let unknownCustomerBase: Int64 = 1_000_000_000_000
    static let unknownOrderBase: Int64 = 2_000_000_000_000
    static let unknownProductBase: Int64 = 900_000
    /// Far-future timestamps start ten years after the end of the data.
    static let futureYears: Int64 = 10
}

/// Encodes the rows of one block and, with a dirty rate, plants defects in them on the way
/// (with a random stream of its own, so the clean rows are the same at any rate).
struct BlockWriter {
    var customers: BinaryCopyEncoder
    var sessions: BinaryCopyEncoder
    var orders: BinaryCopyEncoder
    var items: BinaryCopyEncoder
    var chats: BinaryCopyEncoder
    var personas: BinaryCopyEncoder
    var defects: BinaryCopyEncoder
    var defectCounts: [[Int]]

    private var random: RandomSource
    private let rate: Double
    private var nextExtraID: Int64
    private let endExclusive: Int64
    private let microsPerYear: Int64 = 365 * 86_400_000_000

    init(seed: UInt64, block: Int, rate: Double, idBase: Int64, endExclusive: Int64, expectedCustomers: Int) {
        random = RandomSource(seed: seed, stream: 0xDEFEC7, substream: UInt64(block))
        self.rate = rate
        nextExtraID = idBase + DefectIDs.extraOffset
        self.endExclusive = endExclusive
        let n = max(expectedCustomers, 16)
        customers = BinaryCopyEncoder(capacity: n * 150)
        sessions = BinaryCopyEncoder(capacity: n * 22 * 190)
        orders = BinaryCopyEncoder(capacity: n * 6 * 200)
        items = BinaryCopyEncoder(capacity: n * 13 * 90)
        chats = BinaryCopyEncoder(capacity: n * 140)
        personas = BinaryCopyEncoder(capacity: n * 40)
        defects = BinaryCopyEncoder(capacity: rate > 0 ? Int(Double(n) * 40 * rate * 50) + 1024 : 64)
        defectCounts = Array(repeating: Array(repeating: 0, count: DefectKind.allCases.count), count: SourceTable.allCases.count)
    }

    var encoders: [BinaryCopyEncoder] {
        [customers, sessions, orders, items, chats, personas, defects]
    }

    // MARK: - Helpers

    @inline(__always)
    private mutating func hit() -> Bool {
        rate > 0 && random.uniform() < rate
    }

    private mutating func choose(_ table: SourceTable) -> DefectKind {
        let kinds = DefectKind.kinds(for: table)
        return kinds[random.int(below: kinds.count)]
    }

    private mutating func record(_ table: SourceTable, _ key: String, _ kind: DefectKind) {
        defects.beginRow(fieldCount: 3)
        defects.write(table.rawValue)
        defects.write(key)
        defects.write(kind.rawValue)
        defectCounts[table.index][kind.index] += 1
    }

    private mutating func extraID() -> Int64 {
        defer { nextExtraID += 1 }
        return nextExtraID
    }

    private mutating func futureInstant() -> Int64 {
        endExclusive + DefectIDs.futureYears * microsPerYear + Int64(random.int(below: 365 * 86_400)) * 1_000_000
    }

    private mutating func unknownCustomer() -> Int64 {
        DefectIDs.unknownCustomerBase + Int64(random.int(below: 1 << 30))
    }

    /// A newer instant than `instant`, still inside the data span.
    private mutating func later(than instant: Int64) -> Int64 {
        let room = max(1_000_000, endExclusive - 1_800_000_000 - instant)
        return instant + 1_000_000 + Int64(random.uniform() * Double(room - 1_000_000))
    }

    /// An older instant than `instant` but not before `floor`.
    private mutating func earlier(than instant: Int64, floor: Int64) -> Int64 {
        let room = max(2, instant - floor)
        return instant - 1 - Int64(random.uniform() * Double(room - 1))
    }

    static func badCountry(_ code: String, _ random: inout RandomSource) -> String {
        switch random.int(below: 4) {
        case 0: return Geography.countries.first { $0.code == code }?.englishName ?? "Germany"
        case 1: return " \(code.lowercased()) "
        case 2: return "xx"
        default: return Geography.countries.first { $0.code == code }?.alpha3 ?? "DEU"
        }
    }

    static func malformedEmail(_ email: String, _ random: inout RandomSource) -> String {
        guard let at = email.firstIndex(of: "@") else { return email + "@" }
        let local = email[..<at]
        let domain = email[email.index(after: at)...]
        switch random.int(below: 5) {
        case 0: return "\(local) at \(domain)"
        case 1: return "\(local)@@\(domain)"
        case 2: return "\(local)@\(domain.split(separator: ".").first ?? "mail")"
        case 3: return "@\(domain)"
        default: return "\(local.prefix(3)) \(local.dropFirst(3))@\(domain)"
        }
    }

    static func padded(_ text: String, _ random: inout RandomSource) -> String {
        switch random.int(below: 4) {
        case 0: return " \(text) "
        case 1: return "\(text.uppercased()) "
        case 2: return "  \(text.prefix(1).uppercased())\(text.dropFirst())"
        default: return "\(text.uppercased())"
        }
    }

    // MARK: - Rows

    mutating func customer(_ row: CustomerRow) {
        guard hit() else { return row.encode(into: &customers) }
        let kind = choose(.customers)
        var row = row
        switch kind {
        case .duplicateOlder:
            var stale = row
            stale.updatedAt = earlier(than: row.updatedAt, floor: row.createdAt)
            stale.optIn.toggle()
            stale.city = Self.padded(row.city, &random).trimmingCharacters(in: .whitespaces).lowercased()
            stale.encode(into: &customers)
        case .duplicateNewer:
            var fresh = row
            fresh.updatedAt = later(than: row.updatedAt)
            fresh.encode(into: &customers)
        case .malformedEmail:
            row.email = Self.malformedEmail(row.email, &random)
        case .badCountry:
            row.country = Self.badCountry(row.country, &random)
        case .paddedText:
            switch random.int(below: 3) {
            case 0: row.city = " \(row.city) "
            case 1: row.acquisitionChannel = Self.padded(row.acquisitionChannel, &random)
            default: row.email = " \(row.email.prefix(1).uppercased())\(row.email.dropFirst()) "
            }
        case .futureTimestamp:
            row.updatedAt = futureInstant()
        case .invalidBirthDate:
            if random.chance(0.5) {
                // Days 1–28 exist in every month, so the date is always valid.
                row.birthDate = (PostgresDate(year: 1890 + random.int(0, 9), month: 1 + random.int(0, 11), day: 1 + random.int(0, 27))
                    ?? PostgresDate(daysSince2000: -36_500)).daysSince2000
            } else {
                row.birthDate = Int32((endExclusive / 86_400_000_000) + Int64(random.int(30, 2_000)))
            }
        default:
            break
        }
        row.encode(into: &customers)
        record(.customers, String(row.id), kind)
    }

    mutating func session(_ row: SessionRow) {
        guard hit() else { return row.encode(into: &sessions) }
        let kind = choose(.sessions)
        var row = row
        switch kind {
        case .duplicate:
            row.encode(into: &sessions)
        case .botSession:
            row.encode(into: &sessions)
            let start = row.startedAt
            let seconds = Int64(random.int(4, 50))
            row = SessionRow(
                id: extraID(), visitor: random.uuid(), customer: nil, startedAt: start, endedAt: start + seconds * 1_000_000,
                channel: random.chance(0.5) ? "direct" : "referral", device: "desktop", landingPage: row.landingPage,
                pageViews: Int32(random.int(600, 9_000)), productViews: Int32(random.int(300, 5_000)), categoryViews: Int32(random.int(50, 500)),
                cartAdds: 0, cartProduct: nil, checkoutStarted: false, country: row.country
            )
        case .futureTimestamp:
            row.encode(into: &sessions)
            let duration = row.endedAt - row.startedAt
            row.id = extraID()
            row.startedAt = futureInstant()
            row.endedAt = row.startedAt + duration
        case .orphanCustomer:
            row.encode(into: &sessions)
            row.id = extraID()
            row.visitor = random.uuid()
            row.customer = unknownCustomer()
        case .badCountry:
            row.country = Self.badCountry(row.country, &random)
        case .paddedText:
            if random.chance(0.5), let channel = Channel.names.firstIndex(of: row.channel) {
                row.channel = Channel.paddedNames[channel]
            } else if let device = Device.names.firstIndex(of: row.device) {
                row.device = Device.paddedNames[device]
            } else {
                row.channel = " \(row.channel) "
            }
        case .negativeAmount:
            row.encode(into: &sessions)
            row.id = extraID()
            if random.chance(0.5) { row.pageViews = -Int32(random.int(1, 20)) } else { row.cartAdds = -Int32(random.int(1, 3)) }
        default:
            break
        }
        row.encode(into: &sessions)
        record(.sessions, String(row.id), kind)
    }

    mutating func order(_ row: OrderRow) {
        guard hit() else { return row.encode(into: &orders) }
        let kind = choose(.orders)
        var row = row
        switch kind {
        case .duplicateOlder:
            var stale = row
            stale.updatedAt = earlier(than: row.updatedAt, floor: row.placedAt)
            stale.status = "pending"
            stale.encode(into: &orders)
        case .duplicateNewer:
            var fresh = row
            fresh.updatedAt = later(than: row.updatedAt)
            fresh.encode(into: &orders)
        case .orphanCustomer:
            row.encode(into: &orders)
            row.id = extraID()
            row.customer = unknownCustomer()
            row.session = nil
        case .negativeAmount:
            row.encode(into: &orders)
            row.id = extraID()
            row.session = nil
            row.subtotal = -row.subtotal
            row.discountTotal = 0
            row.taxTotal = -row.taxTotal
            row.total = row.subtotal + row.shippingTotal + row.taxTotal
            row.status = "completed"
            row.couponCode = nil
        case .absurdAmount:
            row.encode(into: &orders)
            row.id = extraID()
            row.session = nil
            row.subtotal = Int64(random.int(2_500_000, 95_000_000)) * 100
            row.discountTotal = 0
            row.shippingTotal = 0
            row.taxTotal = row.subtotal / 5
            row.total = row.subtotal + row.taxTotal
            row.status = "completed"
            row.couponCode = nil
        case .futureTimestamp:
            row.encode(into: &orders)
            row.id = extraID()
            row.session = nil
            row.placedAt = futureInstant()
            row.updatedAt = row.placedAt + 60_000_000
            row.status = random.chance(0.5) ? "pending" : "completed"
        case .unknownCurrency:
            row.encode(into: &orders)
            row.id = extraID()
            row.session = nil
            row.currency = "XXX"
            row.status = "completed"
        case .paddedText:
            row.status = Self.padded(row.status, &random)
        case .badCountry:
            row.shippingCountry = Self.badCountry(row.shippingCountry, &random)
        default:
            break
        }
        row.encode(into: &orders)
        record(.orders, String(row.id), kind)
    }

    mutating func item(_ row: ItemRow) {
        guard hit() else { return row.encode(into: &items) }
        let kind = choose(.orderItems)
        var row = row
        row.encode(into: &items)
        switch kind {
        case .duplicate:
            break
        case .orphanOrder:
            row.order = DefectIDs.unknownOrderBase + Int64(random.int(below: 1 << 30))
            row.line = 1
        case .orphanProduct:
            row.line += 100
            row.product = DefectIDs.unknownProductBase + Int64(random.int(below: 99_999))
        case .negativeAmount:
            row.line += 200
            row.quantity = -Int32(random.int(1, 3))
        default:
            break
        }
        row.encode(into: &items)
        record(.orderItems, "\(row.order)/\(row.line)", kind)
    }

    mutating func chat(_ row: ChatRow) {
        guard hit() else { return row.encode(into: &chats) }
        let kind = choose(.chats)
        var row = row
        row.encode(into: &chats)
        switch kind {
        case .duplicate:
            break
        case .orphanCustomer:
            row.id = extraID()
            row.customer = unknownCustomer()
            row.visitor = nil
            row.session = nil
        case .futureTimestamp:
            let duration = row.endedAt - row.startedAt
            row.id = extraID()
            row.startedAt = futureInstant()
            row.endedAt = row.startedAt + duration
        case .invalidValue:
            row.id = extraID()
            if random.chance(0.5) {
                row.csat = [0, 6, 7, 9, 10][random.int(below: 5)]
            } else {
                row.sentiment = (random.chance(0.5) ? 1 : -1) * random.uniform(1.5, 4)
            }
        default:
            break
        }
        row.encode(into: &chats)
        record(.chats, String(row.id), kind)
    }

    mutating func persona(customer: Int64, persona: Persona, style: ChatStyle?) {
        personas.beginRow(fieldCount: 3)
        personas.write(customer)
        personas.write(persona.rawValue)
        personas.write(style?.rawValue)
    }
}

extension SourceTable {
    var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

extension DefectKind {
    var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

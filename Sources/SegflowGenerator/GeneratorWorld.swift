import Foundation
import PostgresClient

/// Everything the blocks share, built once from the configuration: the span, the catalogue,
/// the exchange rates and the sampling tables. Immutable.
final class GeneratorWorld: Sendable {
    let configuration: GeneratorConfiguration
    let timeline: Timeline
    let catalog: Catalog
    let rates: ExchangeRates
    let personas: [Persona]
    let personaTable: WeightedTable
    let chatStyles: [ChatStyle]
    let chatStyleTable: WeightedTable
    /// Blocks reserve this many ids for each of sessions, orders and chats.
    static let idStride: Int64 = 10_000_000

    init(configuration: GeneratorConfiguration) {
        self.configuration = configuration
        timeline = Timeline(endDay: configuration.endDay, years: configuration.years)
        catalog = Catalog(seed: configuration.seed, timeline: timeline)
        rates = ExchangeRates(seed: configuration.seed, timeline: timeline)
        let mix = configuration.personaMix.normalized
        personas = mix.map(\.0)
        personaTable = WeightedTable(mix.map(\.1))
        chatStyles = ChatStyle.allCases
        chatStyleTable = WeightedTable(ChatStyle.allCases.map { defaultChatStyleShares[$0] ?? 0 })
    }

    /// The customers of one block.
    func customerRange(block: Int) -> Range<Int> {
        let start = block * configuration.blockSize
        return start..<min(start + configuration.blockSize, configuration.customers)
    }

    /// Encodes the catalogue (with product defects at the dirty rate) and returns the rows
    /// of `shop.products` and the defects it planted.
    func encodeProducts() -> (products: BinaryCopyEncoder, defects: BinaryCopyEncoder, counts: [DefectKind: Int]) {
        var encoder = BinaryCopyEncoder(capacity: catalog.products.count * 120)
        var defects = BinaryCopyEncoder(capacity: 4096)
        var counts: [DefectKind: Int] = [:]
        var random = RandomSource(seed: configuration.seed, stream: 0xDEFEC7, substream: 0xCA7A_1065)
        let rate = configuration.dirtyRate
        var extra: Int64 = 0
        func write(_ product: Product, id: Int64, category: String, line: String, price: Int64, into encoder: inout BinaryCopyEncoder) {
            encoder.beginRow(fieldCount: 8)
            encoder.write(id)
            encoder.write(product.sku)
            encoder.write(product.name)
            encoder.write(category)
            encoder.write(line)
            encoder.writeNumeric(scaled: price, scale: 2)
            encoder.write(PostgresTimestamp(date: timeline.date(Int(product.launchDay)), secondsIntoDay: 7 * 3600))
            encoder.write(product.replenishDays > 0 ? Int32?.some(product.replenishDays) : nil)
        }
        func record(_ key: Int64, _ kind: DefectKind) {
            defects.beginRow(fieldCount: 3)
            defects.write(SourceTable.products.rawValue)
            defects.write(String(key))
            defects.write(kind.rawValue)
            counts[kind, default: 0] += 1
        }
        for product in catalog.products {
            var category = Catalog.categories[product.category].name
            var line = Catalog.categories[product.category].lines[product.line].name
            if rate > 0 && random.uniform() < rate {
                let kinds = DefectKind.kinds(for: .products)
                let kind = kinds[random.int(below: kinds.count)]
                switch kind {
                case .duplicate:
                    write(product, id: product.id, category: category, line: line, price: product.priceCents, into: &encoder)
                    record(product.id, kind)
                case .negativeAmount:
                    extra += 1
                    let id = DefectIDs.unknownProductBase - 100_000 + extra
                    write(product, id: id, category: category, line: line, price: -product.priceCents, into: &encoder)
                    record(id, kind)
                default:
                    if random.chance(0.5) { category = BlockWriter.padded(category, &random) } else { line = BlockWriter.padded(line, &random) }
                    record(product.id, kind)
                }
            }
            write(product, id: product.id, category: category, line: line, price: product.priceCents, into: &encoder)
        }
        return (encoder, defects, counts)
    }

    /// Encodes `shop.fx_rates` (with defects at the dirty rate).
    func encodeRates() -> (rates: BinaryCopyEncoder, defects: BinaryCopyEncoder, counts: [DefectKind: Int]) {
        var encoder = BinaryCopyEncoder(capacity: 64 * 1024 * 4)
        var defects = BinaryCopyEncoder(capacity: 4096)
        var counts: [DefectKind: Int] = [:]
        var random = RandomSource(seed: configuration.seed, stream: 0xDEFEC7, substream: 0xF0_7A7E5)
        let rate = configuration.dirtyRate
        func write(day: PostgresDate, currency: String, rate: Int64) {
            encoder.beginRow(fieldCount: 3)
            encoder.write(day)
            encoder.write(currency)
            encoder.writeNumeric(scaled: rate, scale: 8)
        }
        for offset in 0..<rates.rates[0].count {
            let dayIndex = rates.firstDay + offset
            let day = timeline.date(dayIndex)
            for (c, currency) in Geography.currencies.enumerated() {
                var code = currency.code
                let value = rates.rates[c][offset]
                if rate > 0 && random.uniform() < rate {
                    let kinds = DefectKind.kinds(for: .fxRates)
                    let kind = kinds[random.int(below: kinds.count)]
                    switch kind {
                    case .duplicate:
                        write(day: day, currency: code, rate: value - max(1, value * Int64(random.int(5, 20)) / 1000))
                    case .invalidValue:
                        write(day: day, currency: code, rate: random.chance(0.5) ? 0 : -value)
                    default:
                        code = random.chance(0.5) ? " \(code.lowercased())" : "\(code.prefix(1))\(code.dropFirst().lowercased()) "
                    }
                    defects.beginRow(fieldCount: 3)
                    defects.write(SourceTable.fxRates.rawValue)
                    defects.write("\(day)/\(currency.code)")
                    defects.write(kind.rawValue)
                    counts[kind, default: 0] += 1
                }
                write(day: day, currency: code, rate: value)
            }
        }
        return (encoder, defects, counts)
    }
}

import Foundation
import PostgresClient
import SegflowEngine

/// The source tables the generator fills, in load order, with their COPY column lists.
public enum SourceTable: String, CaseIterable, Sendable, Hashable {
    case customers
    case products
    case sessions
    case orders
    case orderItems = "order_items"
    case chats
    case fxRates = "fx_rates"
    case customerPersonas = "customer_personas"
    case injectedDefects = "injected_defects"

    public var schema: String {
        switch self {
        case .customerPersonas, .injectedDefects: "shop_truth"
        default: "shop"
        }
    }

    public var qualifiedName: String { "\(schema).\(rawValue)" }

    public var columns: [String] {
        switch self {
        case .customers:
            ["customer_id", "email", "created_at", "country", "city", "birth_date", "gender", "newsletter_opt_in", "acquisition_channel", "is_internal", "updated_at"]
        case .products:
            ["product_id", "sku", "name", "category", "product_line", "list_price", "launched_at", "replenish_days"]
        case .sessions:
            ["session_id", "visitor_id", "customer_id", "started_at", "ended_at", "channel", "device", "landing_page", "page_views",
             "product_views", "category_views", "cart_adds", "cart_product_id", "checkout_started", "country"]
        case .orders:
            ["order_id", "customer_id", "session_id", "placed_at", "status", "currency", "subtotal", "discount_total", "shipping_total",
             "tax_total", "total", "coupon_code", "shipping_country", "updated_at"]
        case .orderItems:
            ["order_id", "line_no", "product_id", "quantity", "unit_price", "list_price", "discount"]
        case .chats:
            ["chat_id", "customer_id", "visitor_id", "session_id", "started_at", "ended_at", "channel", "customer_messages", "agent_messages",
             "questions", "sentiment", "csat", "topic", "escalated", "resolved"]
        case .fxRates:
            ["day", "currency", "rate_to_base"]
        case .customerPersonas:
            ["customer_id", "persona", "chat_style"]
        case .injectedDefects:
            ["source", "key", "defect"]
        }
    }

    /// `COPY schema.table (columns) FROM STDIN (FORMAT binary, FREEZE)`: FREEZE is allowed
    /// because every load truncates the table in the same transaction first.
    var copyStatement: String {
        "copy \(qualifiedName) (\(columns.joined(separator: ", "))) from stdin (format binary, freeze)"
    }

    /// The tables the block workers stream (the catalogue and fx rates are loaded up front).
    static let streamed: [SourceTable] = [.customers, .sessions, .orders, .orderItems, .chats, .customerPersonas, .injectedDefects]
}

/// The kinds of defects `--dirty` plants; the `defect` column of `shop_truth.injected_defects`.
public enum DefectKind: String, CaseIterable, Sendable, Hashable {
    /// An exact second copy of the row (same key).
    case duplicate
    /// A second row with the same key, an older `updated_at` and stale values.
    case duplicateOlder = "duplicate_older"
    /// A second row with the same key, a newer `updated_at` and the same values.
    case duplicateNewer = "duplicate_newer"
    /// A row whose `customer_id` matches no customer.
    case orphanCustomer = "orphan_customer"
    /// An item whose `order_id` matches no order.
    case orphanOrder = "orphan_order"
    /// An item whose `product_id` matches no product.
    case orphanProduct = "orphan_product"
    /// A negative amount, price, quantity or counter.
    case negativeAmount = "negative_amount"
    /// An order worth millions.
    case absurdAmount = "absurd_amount"
    /// A timestamp years after the end of the data.
    case futureTimestamp = "future_timestamp"
    case malformedEmail = "malformed_email"
    /// A country that is not an upper-case ISO code: `Germany`, ` de `, `xx`, `DEU`.
    case badCountry = "bad_country"
    /// Thousands of page views within seconds.
    case botSession = "bot_session"
    /// Currency `XXX`.
    case unknownCurrency = "unknown_currency"
    /// Padded or mixed-case text (`' Completed '`, `'MOBILE'`); trimming and case-folding repair it.
    case paddedText = "padded_text"
    /// A value outside its domain (CSAT 0 or 7, sentiment beyond ±1, an fx rate of 0).
    case invalidValue = "invalid_value"
    /// A birth date in the future or before 1900.
    case invalidBirthDate = "invalid_birth_date"

    /// What the clean stage records for a row with this defect (docs/semantics.md,
    /// "Clean"); nil for defects it fixes without a record (padding, a country name it
    /// knows) or never sees (future rows are after every cut-off).
    public var quarantine: (reason: QuarantineReason, action: QuarantineRecord.Action)? {
        switch self {
        case .duplicate, .duplicateOlder, .duplicateNewer: (.duplicate, .rejected)
        case .orphanCustomer: (.orphanCustomer, .rejected)
        case .orphanOrder: (.orphanOrder, .rejected)
        case .orphanProduct: (.orphanProduct, .rejected)
        case .negativeAmount: (.negativeAmount, .rejected)
        case .absurdAmount: (.absurdAmount, .rejected)
        case .botSession: (.bot, .rejected)
        case .unknownCurrency: (.unknownCurrency, .rejected)
        case .invalidValue: (.invalidValue, .rejected)
        case .malformedEmail: (.invalidEmail, .repaired)
        case .invalidBirthDate: (.invalidBirthDate, .repaired)
        case .futureTimestamp, .badCountry, .paddedText: nil
        }
    }

    /// The defects each table can receive.
    public static func kinds(for table: SourceTable) -> [DefectKind] {
        switch table {
        case .customers: [.duplicateOlder, .duplicateNewer, .malformedEmail, .badCountry, .paddedText, .futureTimestamp, .invalidBirthDate]
        case .products: [.duplicate, .negativeAmount, .paddedText]
        case .sessions: [.duplicate, .botSession, .futureTimestamp, .orphanCustomer, .badCountry, .paddedText, .negativeAmount]
        case .orders: [.duplicateOlder, .duplicateNewer, .orphanCustomer, .negativeAmount, .absurdAmount, .futureTimestamp, .unknownCurrency, .paddedText, .badCountry]
        case .orderItems: [.duplicate, .orphanOrder, .orphanProduct, .negativeAmount]
        case .chats: [.duplicate, .orphanCustomer, .futureTimestamp, .invalidValue]
        case .fxRates: [.duplicate, .paddedText, .invalidValue]
        case .customerPersonas, .injectedDefects: []
        }
    }
}

struct CustomerRow {
    var id: Int64
    var email: String
    var createdAt: Int64
    var country: String
    var city: String
    var birthDate: Int32?
    var gender: String?
    var optIn: Bool
    var acquisitionChannel: String
    var isInternal: Bool
    var updatedAt: Int64

    func encode(into encoder: inout BinaryCopyEncoder) {
        encoder.beginRow(fieldCount: 11)
        encoder.write(id)
        encoder.write(email)
        encoder.write(PostgresTimestamp(microsecondsSince2000: createdAt))
        encoder.write(country)
        encoder.write(city)
        if let birthDate { encoder.write(PostgresDate(daysSince2000: birthDate)) } else { encoder.writeNull() }
        encoder.write(gender)
        encoder.write(optIn)
        encoder.write(acquisitionChannel)
        encoder.write(isInternal)
        encoder.write(PostgresTimestamp(microsecondsSince2000: updatedAt))
    }
}

struct SessionRow {
    var id: Int64
    var visitor: UUID
    var customer: Int64?
    var startedAt: Int64
    var endedAt: Int64
    var channel: String
    var device: String
    var landingPage: String
    var pageViews: Int32
    var productViews: Int32
    var categoryViews: Int32
    var cartAdds: Int32
    var cartProduct: Int64?
    var checkoutStarted: Bool
    var country: String

    func encode(into encoder: inout BinaryCopyEncoder) {
        encoder.beginRow(fieldCount: 15)
        encoder.write(id)
        encoder.write(visitor)
        encoder.write(customer)
        encoder.write(PostgresTimestamp(microsecondsSince2000: startedAt))
        encoder.write(PostgresTimestamp(microsecondsSince2000: endedAt))
        encoder.write(channel)
        encoder.write(device)
        encoder.write(landingPage)
        encoder.write(pageViews)
        encoder.write(productViews)
        encoder.write(categoryViews)
        encoder.write(cartAdds)
        encoder.write(cartProduct)
        encoder.write(checkoutStarted)
        encoder.write(country)
    }
}

/// Amounts are cents of the order's currency.
struct OrderRow {
    var id: Int64
    var customer: Int64
    var session: Int64?
    var placedAt: Int64
    var status: String
    var currency: String
    var subtotal: Int64
    var discountTotal: Int64
    var shippingTotal: Int64
    var taxTotal: Int64
    var total: Int64
    var couponCode: String?
    var shippingCountry: String
    var updatedAt: Int64

    func encode(into encoder: inout BinaryCopyEncoder) {
        encoder.beginRow(fieldCount: 14)
        encoder.write(id)
        encoder.write(customer)
        encoder.write(session)
        encoder.write(PostgresTimestamp(microsecondsSince2000: placedAt))
        encoder.write(status)
        encoder.write(currency)
        encoder.writeNumeric(scaled: subtotal, scale: 2)
        encoder.writeNumeric(scaled: discountTotal, scale: 2)
        encoder.writeNumeric(scaled: shippingTotal, scale: 2)
        encoder.writeNumeric(scaled: taxTotal, scale: 2)
        encoder.writeNumeric(scaled: total, scale: 2)
        encoder.write(couponCode)
        encoder.write(shippingCountry)
        encoder.write(PostgresTimestamp(microsecondsSince2000: updatedAt))
    }
}

struct ItemRow {
    var order: Int64
    var line: Int32
    var product: Int64
    var quantity: Int32
    var unitPrice: Int64
    var listPrice: Int64
    var discount: Int64

    func encode(into encoder: inout BinaryCopyEncoder) {
        encoder.beginRow(fieldCount: 7)
        encoder.write(order)
        encoder.write(line)
        encoder.write(product)
        encoder.write(quantity)
        encoder.writeNumeric(scaled: unitPrice, scale: 2)
        encoder.writeNumeric(scaled: listPrice, scale: 2)
        encoder.writeNumeric(scaled: discount, scale: 2)
    }
}

struct ChatRow {
    var id: Int64
    var customer: Int64?
    var visitor: UUID?
    var session: Int64?
    var startedAt: Int64
    var endedAt: Int64
    var channel: String
    var customerMessages: Int32
    var agentMessages: Int32
    var questions: Int32
    var sentiment: Double
    var csat: Int16?
    var topic: String
    var escalated: Bool
    var resolved: Bool

    func encode(into encoder: inout BinaryCopyEncoder) {
        encoder.beginRow(fieldCount: 15)
        encoder.write(id)
        encoder.write(customer)
        encoder.write(visitor)
        encoder.write(session)
        encoder.write(PostgresTimestamp(microsecondsSince2000: startedAt))
        encoder.write(PostgresTimestamp(microsecondsSince2000: endedAt))
        encoder.write(channel)
        encoder.write(customerMessages)
        encoder.write(agentMessages)
        encoder.write(questions)
        encoder.write(sentiment)
        encoder.write(csat)
        encoder.write(topic)
        encoder.write(escalated)
        encoder.write(resolved)
    }
}

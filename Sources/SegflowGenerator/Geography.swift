/// Where customers live and what they pay with.
struct Country: Sendable {
    let code: String
    let englishName: String
    let alpha3: String
    let currency: Int
    /// VAT (or sales tax) in basis points.
    let taxBasisPoints: Int64
    /// Fixed offset of local time east of UTC, in hours (no daylight saving: close enough).
    let utcOffsetHours: Int
    let weight: Double
    let cities: [String]
    let cityTable: WeightedTable
    let names: NameGroup

    init(_ code: String, _ englishName: String, _ alpha3: String, currency: Int, tax: Int64, utc: Int, weight: Double,
         cities: [(String, Double)], names: NameGroup) {
        self.code = code
        self.englishName = englishName
        self.alpha3 = alpha3
        self.currency = currency
        taxBasisPoints = tax
        utcOffsetHours = utc
        self.weight = weight
        self.cities = cities.map(\.0)
        cityTable = WeightedTable(cities.map(\.1))
        self.names = names
    }
}

/// A currency of the store, with the shipping fee and the free-shipping threshold in cents.
struct Currency: Sendable {
    let code: String
    /// EUR per unit on the first day of the span (the random walk starts here).
    let startRate: Double
    let shippingFeeCents: Int64
    let freeShippingCents: Int64
}

enum NameGroup: Int, Sendable {
    case german, french, english, spanish, italian, dutch, swedish, polish
}

enum Geography {
    /// EUR first: the base currency.
    static let currencies: [Currency] = [
        Currency(code: "EUR", startRate: 1.0, shippingFeeCents: 495, freeShippingCents: 4_900),
        Currency(code: "USD", startRate: 0.92, shippingFeeCents: 599, freeShippingCents: 5_900),
        Currency(code: "GBP", startRate: 1.17, shippingFeeCents: 399, freeShippingCents: 4_500),
        Currency(code: "SEK", startRate: 0.087, shippingFeeCents: 4_900, freeShippingCents: 49_900),
        Currency(code: "PLN", startRate: 0.23, shippingFeeCents: 1_999, freeShippingCents: 19_900),
        Currency(code: "CHF", startRate: 1.04, shippingFeeCents: 690, freeShippingCents: 5_900),
    ]

    static let countries: [Country] = [
        Country("DE", "Germany", "DEU", currency: 0, tax: 1_900, utc: 1, weight: 30, cities: [
            ("Berlin", 5), ("Hamburg", 3), ("München", 3), ("Köln", 2.5), ("Frankfurt am Main", 2), ("Stuttgart", 1.5),
            ("Düsseldorf", 1.5), ("Leipzig", 1.2), ("Dresden", 1), ("Nürnberg", 1),
        ], names: .german),
        Country("FR", "France", "FRA", currency: 0, tax: 2_000, utc: 1, weight: 11, cities: [
            ("Paris", 5), ("Lyon", 2), ("Marseille", 2), ("Toulouse", 1.5), ("Nantes", 1), ("Bordeaux", 1), ("Lille", 1),
        ], names: .french),
        Country("NL", "Netherlands", "NLD", currency: 0, tax: 2_100, utc: 1, weight: 6, cities: [
            ("Amsterdam", 4), ("Rotterdam", 2.5), ("Den Haag", 2), ("Utrecht", 2), ("Eindhoven", 1),
        ], names: .dutch),
        Country("ES", "Spain", "ESP", currency: 0, tax: 2_100, utc: 1, weight: 6, cities: [
            ("Madrid", 4), ("Barcelona", 3.5), ("Valencia", 1.5), ("Sevilla", 1.2), ("Zaragoza", 1), ("Málaga", 1),
        ], names: .spanish),
        Country("IT", "Italy", "ITA", currency: 0, tax: 2_200, utc: 1, weight: 6, cities: [
            ("Roma", 4), ("Milano", 3.5), ("Napoli", 2), ("Torino", 1.5), ("Bologna", 1.2), ("Firenze", 1),
        ], names: .italian),
        Country("AT", "Austria", "AUT", currency: 0, tax: 2_000, utc: 1, weight: 4, cities: [
            ("Wien", 5), ("Graz", 1.5), ("Linz", 1.2), ("Salzburg", 1), ("Innsbruck", 0.8),
        ], names: .german),
        Country("BE", "Belgium", "BEL", currency: 0, tax: 2_100, utc: 1, weight: 3, cities: [
            ("Bruxelles", 3), ("Antwerpen", 2), ("Gent", 1.5), ("Liège", 1),
        ], names: .dutch),
        Country("IE", "Ireland", "IRL", currency: 0, tax: 2_300, utc: 0, weight: 2, cities: [
            ("Dublin", 5), ("Cork", 1.5), ("Galway", 1), ("Limerick", 0.8),
        ], names: .english),
        Country("GB", "United Kingdom", "GBR", currency: 2, tax: 2_000, utc: 0, weight: 12, cities: [
            ("London", 6), ("Manchester", 2), ("Birmingham", 2), ("Leeds", 1.2), ("Glasgow", 1.2), ("Bristol", 1), ("Edinburgh", 1),
        ], names: .english),
        Country("US", "United States", "USA", currency: 1, tax: 700, utc: -6, weight: 10, cities: [
            ("New York", 4), ("Los Angeles", 3), ("Chicago", 2), ("Houston", 1.5), ("Seattle", 1.2), ("Boston", 1.2), ("Austin", 1),
        ], names: .english),
        Country("SE", "Sweden", "SWE", currency: 3, tax: 2_500, utc: 1, weight: 3, cities: [
            ("Stockholm", 4), ("Göteborg", 2), ("Malmö", 1.5), ("Uppsala", 1),
        ], names: .swedish),
        Country("PL", "Poland", "POL", currency: 4, tax: 2_300, utc: 1, weight: 4, cities: [
            ("Warszawa", 4), ("Kraków", 2.5), ("Wrocław", 1.5), ("Poznań", 1.2), ("Gdańsk", 1.2), ("Łódź", 1),
        ], names: .polish),
        Country("CH", "Switzerland", "CHE", currency: 5, tax: 810, utc: 1, weight: 3, cities: [
            ("Zürich", 4), ("Genève", 2), ("Basel", 1.5), ("Bern", 1.2), ("Lausanne", 1),
        ], names: .german),
    ]

    static let countryTable = WeightedTable(countries.map(\.weight))

    /// ASCII first and last names per group, for email addresses.
    static let firstNames: [[String]] = [
        ["anna", "lena", "julia", "laura", "sarah", "lisa", "katharina", "sophie", "maximilian", "lukas", "jonas", "felix", "leon", "paul", "tobias", "jan", "stefan", "sabine", "petra", "thomas"],
        ["camille", "lea", "manon", "chloe", "emma", "ines", "julie", "lucas", "hugo", "louis", "nathan", "theo", "antoine", "pierre", "nicolas", "claire"],
        ["olivia", "emily", "jessica", "sophia", "grace", "amelia", "charlotte", "james", "oliver", "jack", "harry", "george", "william", "michael", "david", "daniel", "sarah", "ashley"],
        ["lucia", "maria", "paula", "sofia", "carmen", "elena", "hugo", "pablo", "alejandro", "javier", "daniel", "sergio", "diego", "marta"],
        ["giulia", "chiara", "francesca", "sara", "martina", "alessandro", "lorenzo", "matteo", "andrea", "marco", "luca", "giorgio", "elena"],
        ["emma", "julia", "sanne", "lotte", "fleur", "daan", "sem", "lucas", "bram", "thijs", "ruben", "joost", "anouk"],
        ["elsa", "alice", "maja", "ebba", "wilma", "erik", "lars", "oskar", "nils", "anders", "johan", "karin"],
        ["zuzanna", "julia", "maja", "zofia", "anna", "jakub", "kacper", "szymon", "piotr", "tomasz", "pawel", "agnieszka", "katarzyna"],
    ]

    static let lastNames: [[String]] = [
        ["mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker", "schulz", "hoffmann", "koch", "richter", "wolf", "neumann", "braun", "zimmermann"],
        ["martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau", "simon", "laurent", "lefebvre", "michel"],
        ["smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "miller", "evans", "walker", "wright", "thompson", "white", "clarke"],
        ["garcia", "martinez", "lopez", "sanchez", "gonzalez", "perez", "rodriguez", "fernandez", "gomez", "ruiz", "diaz", "moreno"],
        ["rossi", "russo", "ferrari", "esposito", "bianchi", "romano", "colombo", "ricci", "marino", "greco", "bruno", "gallo"],
        ["dejong", "jansen", "devries", "vandenberg", "bakker", "visser", "smit", "meijer", "mulder", "bos", "vos", "peters"],
        ["andersson", "johansson", "karlsson", "nilsson", "eriksson", "larsson", "olsson", "persson", "svensson", "gustafsson"],
        ["nowak", "kowalski", "wisniewski", "wojcik", "kowalczyk", "kaminski", "lewandowski", "zielinski", "szymanski", "wozniak"],
    ]

    /// Mail domains (reserved example names: nothing here is a real mailbox).
    static let emailDomains: [String] = ["mail.example", "inbox.example", "post.example", "webmail.example", "example.com", "example.net", "example.org"]
    static let emailDomainTable = WeightedTable([5, 3, 2, 2, 2, 1, 1])
    /// The store's own domain: test accounts use it.
    static let staffDomain = "shop-staff.example"
}

/// Traffic and acquisition channels (session `channel`, customer `acquisition_channel`).
enum Channel: Int, CaseIterable, Sendable {
    case organic, paidSearch, email, social, direct, referral, affiliate

    static let names = ["organic", "paid_search", "email", "social", "direct", "referral", "affiliate"]
    static let paddedNames = [" Organic", "Paid_Search ", " EMAIL ", "Social ", " direct", "REFERRAL", " Affiliate "]
    static let overall = WeightedTable([30, 20, 10, 14, 16, 5, 5])

    var name: String { Self.names[rawValue] }
}

enum Device: Int, CaseIterable, Sendable {
    case desktop, mobile, tablet

    static let names = ["desktop", "mobile", "tablet"]
    static let paddedNames = ["Desktop ", " MOBILE", "Tablet "]
    static let table = WeightedTable([38, 52, 10])
}

enum OrderStatus: Int, Sendable {
    case completed, cancelled, refunded, pending

    static let names = ["completed", "cancelled", "refunded", "pending"]
    static let messyNames = [" Completed ", "COMPLETED", "completed ", "Cancelled", " CANCELLED", "Refunded ", "refunded  ", " Pending"]
}

enum ChatChannel {
    static let names = ["web", "email", "whatsapp"]
    static let table = WeightedTable([60, 25, 15])
}

enum ChatTopic {
    static let names = ["order_status", "returns", "product_question", "shipping", "payment", "discount_code", "complaint", "account"]
    static let buyerTable = WeightedTable([28, 16, 18, 14, 7, 5, 6, 6])
    static let prospectTable = WeightedTable([0, 2, 55, 20, 12, 6, 0, 5])
}

/// Coupon codes and their discount in percent.
enum Coupons {
    static let generic: [(String, Int64)] = [("SPRING15", 15), ("SAVE10", 10), ("SAVE20", 20), ("FRIENDS15", 15), ("APP10", 10)]
    static let welcome = ("WELCOME10", Int64(10))
    static let newsletter = ("NEWS10", Int64(10))
    static let blackFriday = ("BLACKFRIDAY25", Int64(25))
    static let christmas = ("XMAS20", Int64(20))
    static let summer = ("SUMMER15", Int64(15))
    static let staff = ("QA-TEST", Int64(100))
}

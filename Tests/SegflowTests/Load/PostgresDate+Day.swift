import PostgresClient

extension PostgresDate {
    static func day(_ iso: String) -> PostgresDate {
        guard let date = PostgresDate(iso: iso) else { fatalError("bad date \(iso)") }
        return date
    }
}

/// Kept customers, column by column; a customer's row number is its index everywhere else.
final class CustomerTable: @unchecked Sendable {
    var index = Int64Index(capacity: 1 << 16)
    var ids: [Int64] = []
    var createdAt: [Int64] = []
    var updatedAt: [Int64] = []
    /// The raw e-mail, for duplicate tie-breaks and the test-account and e-mail checks.
    var rawEmail: [String?] = []
    var country: [String?] = []
    var city: [String?] = []
    /// Days since 1970, `Int32.min` for unknown.
    var birthDay: [Int32] = []
    var newsletter: [Bool] = []
    var acquisitionChannel: [String?] = []
    var rawCountry: [String?] = []
    var rawBirthDay: [Int32] = []
    /// False for rows rejected after loading (test accounts).
    var kept: [Bool] = []

    var count: Int { ids.count }

    /// The row of a kept customer.
    @inline(__always)
    func row(of customerID: Int64) -> Int32? {
        guard let row = index.find(customerID), kept[Int(row)] else { return nil }
        return row
    }

    /// Frees the id index once every source is joined: the features read rows, not ids.
    func releaseJoinIndex() {
        index = Int64Index(capacity: 1)
    }
}

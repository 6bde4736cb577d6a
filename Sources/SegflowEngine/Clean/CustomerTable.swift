/// Kept customers, column by column; a customer's row number is its index everywhere else.
final class CustomerTable: @unchecked Sendable {
    @exclusivity(unchecked) var index = Int64Index(capacity: 1 << 16)
    @exclusivity(unchecked) var ids: [Int64] = []
    @exclusivity(unchecked) var createdAt: [Int64] = []
    @exclusivity(unchecked) var updatedAt: [Int64] = []
    /// The raw e-mail, for duplicate tie-breaks and the test-account and e-mail checks.
    @exclusivity(unchecked) var rawEmail: [String?] = []
    @exclusivity(unchecked) var country: [String?] = []
    @exclusivity(unchecked) var city: [String?] = []
    /// Days since 1970, `Int32.min` for unknown.
    @exclusivity(unchecked) var birthDay: [Int32] = []
    @exclusivity(unchecked) var newsletter: [Bool] = []
    @exclusivity(unchecked) var acquisitionChannel: [String?] = []
    @exclusivity(unchecked) var rawCountry: [String?] = []
    @exclusivity(unchecked) var rawBirthDay: [Int32] = []
    /// False for rows rejected after loading (test accounts).
    @exclusivity(unchecked) var kept: [Bool] = []

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

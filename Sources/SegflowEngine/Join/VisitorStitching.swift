/// Which customer each visitor is: the customer of its earliest logged-in session before
/// the cut-off (ties: the lowest customer row). See docs/semantics.md, "Join".
final class VisitorStitching: @unchecked Sendable {
    @exclusivity(unchecked) private var index = Int64Index(capacity: 1 << 16)
    @exclusivity(unchecked) private var customer: [Int32] = []
    @exclusivity(unchecked) private var firstLogin: [Int64] = []

    /// Records a logged-in session of `customerRow` for the visitor with this key.
    func recordLogin(visitorKey: Int64, customerRow: Int32, at startedAt: Int64) {
        if let slot = index.find(visitorKey) {
            let slot = Int(slot)
            if startedAt < firstLogin[slot] || (startedAt == firstLogin[slot] && customerRow < customer[slot]) {
                firstLogin[slot] = startedAt
                customer[slot] = customerRow
            }
        } else {
            index.insert(visitorKey, Int32(customer.count))
            customer.append(customerRow)
            firstLogin.append(startedAt)
        }
    }

    /// The visitor's customer and the time of its first login, if it ever logged in.
    @inline(__always)
    func customer(of visitorKey: Int64) -> (row: Int32, since: Int64)? {
        guard let slot = index.find(visitorKey) else { return nil }
        return (customer[Int(slot)], firstLogin[Int(slot)])
    }

    var visitorCount: Int { customer.count }

    /// Frees the map once sessions and chats are joined.
    func release() {
        index = Int64Index(capacity: 1)
        customer = []
        firstLogin = []
    }
}

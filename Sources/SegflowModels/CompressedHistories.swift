/// Customers' histories compressed to the distinct (frequency, recency, age) triplets with their
/// customer counts, as Fader and Hardie fit the models: the likelihood and every prediction depend on
/// the triplet only, so their cost grows with distinct triplets, not customers.
///
/// The triplets are sorted (by frequency, recency, age), so the compression — and every sum over it —
/// is the same whatever order the customers came in.
public struct CompressedHistories: Sendable {
    /// Distinct valid histories, sorted ascending.
    public let triplets: [CustomerHistory]
    /// Customers per triplet (same order).
    public let counts: [Int]
    /// For each input customer, the index of its triplet, or −1 when its history was invalid.
    public let tripletOfCustomer: [Int32]
    /// Input customers whose history was invalid (see `CustomerHistory.problem`); they are not fitted and
    /// get no prediction.
    public let invalidCustomers: Int

    public var customers: Int { tripletOfCustomer.count - invalidCustomers }

    public init(_ histories: [CustomerHistory]) {
        var indexOf: [CustomerHistory: Int32] = [:]
        var firstSeen: [CustomerHistory] = []
        var provisional = [Int32](repeating: -1, count: histories.count)
        var invalid = 0
        for (customer, history) in histories.enumerated() {
            guard history.problem == nil else {
                invalid += 1
                continue
            }
            if let index = indexOf[history] {
                provisional[customer] = index
            } else {
                let index = Int32(firstSeen.count)
                indexOf[history] = index
                firstSeen.append(history)
                provisional[customer] = index
            }
        }
        // Renumber first-seen order into sorted order.
        let order = firstSeen.indices.sorted { firstSeen[$0] < firstSeen[$1] }
        var sortedIndex = [Int32](repeating: 0, count: order.count)
        for (position, original) in order.enumerated() { sortedIndex[original] = Int32(position) }
        var counts = [Int](repeating: 0, count: order.count)
        for customer in provisional.indices where provisional[customer] >= 0 {
            let index = sortedIndex[Int(provisional[customer])]
            provisional[customer] = index
            counts[Int(index)] += 1
        }
        self.triplets = order.map { firstSeen[$0] }
        self.counts = counts
        self.tripletOfCustomer = provisional
        self.invalidCustomers = invalid
    }

    /// Per-triplet values spread back to one value per input customer (nil for invalid histories).
    public func perCustomer(_ perTriplet: [Double?]) -> [Double?] {
        tripletOfCustomer.map { $0 >= 0 ? perTriplet[Int($0)] : nil }
    }
}

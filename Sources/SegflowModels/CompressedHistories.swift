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
        if let sorted = Self.radixCompressed(histories) {
            self = sorted
        } else {
            self = Self.hashCompressed(histories)
        }
    }

    private init(triplets: [CustomerHistory], counts: [Int], tripletOfCustomer: [Int32], invalidCustomers: Int) {
        self.triplets = triplets
        self.counts = counts
        self.tripletOfCustomer = tripletOfCustomer
        self.invalidCustomers = invalidCustomers
    }

    /// The same customers with recency and age divided by `unit` (e.g. days to weeks). Division by a
    /// positive number keeps distinct times distinct and in order, so the triplets stay distinct and
    /// sorted.
    public func dividingTimes(by unit: Double) -> CompressedHistories {
        guard unit != 1 else { return self }
        return CompressedHistories(
            triplets: triplets.map { CustomerHistory(frequency: $0.frequency, recency: $0.recency / unit, age: $0.age / unit) },
            counts: counts, tripletOfCustomer: tripletOfCustomer, invalidCustomers: invalidCustomers
        )
    }

    /// The common case, whole days: every valid history packed into one integer key (x, tₓ, T) and
    /// the customers ordered by key with a stable radix sort, then numbered by distinct key. nil when
    /// a valid time is not a whole number below 2²¹, x ≥ 2²¹ or there are 2³² customers or more.
    private static func radixCompressed(_ histories: [CustomerHistory]) -> CompressedHistories? {
        let limit = 1 << 21
        guard histories.count < Int(UInt32.max) else { return nil }
        var maximumFrequency = 0, maximumTime = 0
        var invalid = 0
        for history in histories {
            guard history.isValid else {
                invalid += 1
                continue
            }
            guard history.frequency < limit, history.age < Double(limit), history.recency.rounded(.down) == history.recency,
                  history.age.rounded(.down) == history.age
            else { return nil }
            maximumFrequency = max(maximumFrequency, history.frequency)
            maximumTime = max(maximumTime, Int(history.age))
        }
        let timeBits = UInt64(RadixSort.bitWidth(UInt64(maximumTime)))
        let keyBits = RadixSort.bitWidth(UInt64(maximumFrequency)) + 2 * Int(timeBits)
        var items: [RadixSort.Item] = []
        items.reserveCapacity(histories.count - invalid)
        for (customer, history) in histories.enumerated() where history.isValid {
            let key = UInt64(history.frequency) << (2 * timeBits) | UInt64(history.recency) << timeBits | UInt64(history.age)
            items.append(RadixSort.Item(key: key, payload: UInt32(customer)))
        }
        RadixSort.sort(&items, bits: keyBits)
        var triplets: [CustomerHistory] = [], counts: [Int] = []
        var tripletOfCustomer = [Int32](repeating: -1, count: histories.count)
        var previous: UInt64?
        for item in items {
            if item.key != previous {
                let history = histories[Int(item.payload)]
                triplets.append(CustomerHistory(frequency: history.frequency, recency: history.recency + 0, age: history.age + 0))
                counts.append(0)
                previous = item.key
            }
            counts[counts.count - 1] += 1
            tripletOfCustomer[Int(item.payload)] = Int32(triplets.count - 1)
        }
        return CompressedHistories(triplets: triplets, counts: counts, tripletOfCustomer: tripletOfCustomer, invalidCustomers: invalid)
    }

    /// Any valid times: a dictionary from history to first-seen index, renumbered in sorted order.
    static func hashCompressed(_ histories: [CustomerHistory]) -> CompressedHistories {
        var indexOf: [CustomerHistory: Int32] = [:]
        var firstSeen: [CustomerHistory] = []
        var provisional = [Int32](repeating: -1, count: histories.count)
        var invalid = 0
        for (customer, history) in histories.enumerated() {
            guard history.isValid else {
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
        return CompressedHistories(triplets: order.map { firstSeen[$0] }, counts: counts, tripletOfCustomer: provisional,
                                   invalidCustomers: invalid)
    }

    /// Per-triplet values spread back to one value per input customer (nil for invalid histories).
    public func perCustomer(_ perTriplet: [Double?]) -> [Double?] {
        tripletOfCustomer.map { $0 >= 0 ? perTriplet[Int($0)] : nil }
    }
}

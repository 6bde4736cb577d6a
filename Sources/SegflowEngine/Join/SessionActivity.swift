/// Session aggregates per customer and snapshot, filled while sessions stream past.
///
/// Memory is customers × snapshots, whatever the number of sessions.
final class SessionActivity: @unchecked Sendable {
    let customers: Int
    let snapshots: Int
    @exclusivity(unchecked) var sessions: [Int32]
    @exclusivity(unchecked) var sessions30: [Int32]
    @exclusivity(unchecked) var sessions90: [Int32]
    @exclusivity(unchecked) var lastVisit: [Int64]
    @exclusivity(unchecked) var productViews90: [Int32]
    @exclusivity(unchecked) var cartAdds90: [Int32]
    @exclusivity(unchecked) var abandoned90: [Int32]
    @exclusivity(unchecked) var lastAbandonedAt: [Int64]
    @exclusivity(unchecked) var lastAbandonedSession: [Int64]
    @exclusivity(unchecked) var lastAbandonedCategory: [Int32]
    /// Session counts per channel code: index (slot * channelCapacity + channel).
    @exclusivity(unchecked) var channelCounts: [Int32]
    @exclusivity(unchecked) private(set) var channelCapacity: Int
    let channels = Dictionary32()

    init(customers: Int, snapshots: Int) {
        self.customers = customers
        self.snapshots = snapshots
        let size = customers * snapshots
        sessions = Array(repeating: 0, count: size)
        sessions30 = Array(repeating: 0, count: size)
        sessions90 = Array(repeating: 0, count: size)
        lastVisit = Array(repeating: .min, count: size)
        productViews90 = Array(repeating: 0, count: size)
        cartAdds90 = Array(repeating: 0, count: size)
        abandoned90 = Array(repeating: 0, count: size)
        lastAbandonedAt = Array(repeating: .min, count: size)
        lastAbandonedSession = Array(repeating: .min, count: size)
        lastAbandonedCategory = Array(repeating: -1, count: size)
        channelCapacity = 8
        channelCounts = Array(repeating: 0, count: size * 8)
    }

    /// The slot of (snapshot, customer).
    @inline(__always)
    func slot(snapshot: Int, customer: Int32) -> Int {
        snapshot * customers + Int(customer)
    }

    /// The code of a channel, widening the count table when a new channel appears.
    func channelCode(_ channel: String?) -> Int32 {
        let code = channels.code(channel)
        if code >= 0, Int(code) >= channelCapacity { widenChannels(to: Int(code) + 1) }
        return code
    }

    private func widenChannels(to needed: Int) {
        var capacity = channelCapacity
        while capacity < needed { capacity *= 2 }
        var widened = [Int32](repeating: 0, count: customers * snapshots * capacity)
        for slot in 0..<(customers * snapshots) {
            for channel in 0..<channelCapacity {
                widened[slot * capacity + channel] = channelCounts[slot * channelCapacity + channel]
            }
        }
        channelCounts = widened
        channelCapacity = capacity
    }
}

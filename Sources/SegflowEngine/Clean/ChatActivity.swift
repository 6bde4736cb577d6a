/// Chat aggregates per customer and snapshot.
final class ChatActivity: @unchecked Sendable {
    let customers: Int
    @exclusivity(unchecked) var chats: [Int32]
    @exclusivity(unchecked) var chats90: [Int32]
    /// Int64: per-chat ratios divide the exact sums; `customer_messages` saturates at int4 only when published.
    @exclusivity(unchecked) var messages: [Int64]
    @exclusivity(unchecked) var questions: [Int64]
    @exclusivity(unchecked) var sentimentSum: [Double]
    @exclusivity(unchecked) var sentimentCount: [Int32]
    @exclusivity(unchecked) var csatSum: [Int32]
    @exclusivity(unchecked) var csatCount: [Int32]
    @exclusivity(unchecked) var minCsat: [Int32]
    @exclusivity(unchecked) var escalations: [Int32]

    init(customers: Int, snapshots: Int) {
        self.customers = customers
        let size = customers * snapshots
        chats = Array(repeating: 0, count: size)
        chats90 = Array(repeating: 0, count: size)
        messages = Array(repeating: 0, count: size)
        questions = Array(repeating: 0, count: size)
        sentimentSum = Array(repeating: 0, count: size)
        sentimentCount = Array(repeating: 0, count: size)
        csatSum = Array(repeating: 0, count: size)
        csatCount = Array(repeating: 0, count: size)
        minCsat = Array(repeating: .max, count: size)
        escalations = Array(repeating: 0, count: size)
    }

    @inline(__always)
    func slot(snapshot: Int, customer: Int32) -> Int {
        snapshot * customers + Int(customer)
    }
}

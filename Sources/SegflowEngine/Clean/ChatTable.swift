/// Kept chats (a few per customer), stored whole: duplicates resolve after loading.
final class ChatTable: @unchecked Sendable {
    @exclusivity(unchecked) var index = Int64Index(capacity: 1 << 12)
    @exclusivity(unchecked) var ids: [Int64] = []
    @exclusivity(unchecked) var customerID: [Int64?] = []       // nil: none (0 is a customer id like any other)
    @exclusivity(unchecked) var visitorKey: [Int64] = []        // 0: none
    @exclusivity(unchecked) var startedAt: [Int64] = []
    @exclusivity(unchecked) var endedAt: [Int64] = []
    @exclusivity(unchecked) var customerMessages: [Int32] = []
    @exclusivity(unchecked) var agentMessages: [Int32] = []
    @exclusivity(unchecked) var questions: [Int32] = []
    @exclusivity(unchecked) var sentiment: [Double] = []
    @exclusivity(unchecked) var sentimentIsNull: [Bool] = []
    @exclusivity(unchecked) var csat: [Int32] = []              // -1: null
    @exclusivity(unchecked) var escalated: [Bool] = []
    @exclusivity(unchecked) var kept: [Bool] = []

    var count: Int { ids.count }

    /// Frees every row once the chats are aggregated per customer.
    func releaseAll() {
        index = Int64Index(capacity: 1)
        ids = []; customerID = []; visitorKey = []; startedAt = []; endedAt = []; customerMessages = []
        agentMessages = []; questions = []; sentiment = []; sentimentIsNull = []; csat = []; escalated = []; kept = []
    }
}

/// Kept chats (a few per customer), stored whole: duplicates resolve after loading.
final class ChatTable: @unchecked Sendable {
    var index = Int64Index(capacity: 1 << 12)
    var ids: [Int64] = []
    var customerID: [Int64?] = []       // nil: none (0 is a customer id like any other)
    var visitorKey: [Int64] = []        // 0: none
    var startedAt: [Int64] = []
    var endedAt: [Int64] = []
    var customerMessages: [Int32] = []
    var agentMessages: [Int32] = []
    var questions: [Int32] = []
    var sentiment: [Double] = []
    var sentimentIsNull: [Bool] = []
    var csat: [Int32] = []              // -1: null
    var escalated: [Bool] = []
    var kept: [Bool] = []

    var count: Int { ids.count }

    /// Frees every row once the chats are aggregated per customer.
    func releaseAll() {
        index = Int64Index(capacity: 1)
        ids = []; customerID = []; visitorKey = []; startedAt = []; endedAt = []; customerMessages = []
        agentMessages = []; questions = []; sentiment = []; sentimentIsNull = []; csat = []; escalated = []; kept = []
    }
}

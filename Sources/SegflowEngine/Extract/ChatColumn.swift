/// The columns of the `chats` source, in the order the extract stage selects them
/// (sql/source/ defines them); a cleaner reads a field by its column, not a position.
public enum ChatColumn: Int, SourceColumn {
    case chatID
    case customerID
    case visitorID
    case startedAt
    case endedAt
    case customerMessages
    case questions
    case sentiment
    case csat
    case escalated
    case agentMessages

    public var declaration: (name: String, type: String) {
        switch self {
        case .chatID: ("chat_id", "int8")
        case .customerID: ("customer_id", "int8")
        case .visitorID: ("visitor_id", "text")
        case .startedAt: ("started_at", "timestamptz")
        case .endedAt: ("ended_at", "timestamptz")
        case .customerMessages: ("customer_messages", "int4")
        case .questions: ("questions", "int4")
        case .sentiment: ("sentiment", "float8")
        case .csat: ("csat", "int4")
        case .escalated: ("escalated", "bool")
        case .agentMessages: ("agent_messages", "int4")
        }
    }
}

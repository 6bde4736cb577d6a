/// A source row that the clean stage rejected or repaired, with its raw values.
public struct QuarantineRecord: Sendable, Hashable {
    public enum Action: String, Sendable {
        /// The row was left out of the snapshot.
        case rejected
        /// The row was kept with a value changed or cleared.
        case repaired
    }

    public var source: String
    public var key: String
    public var reason: QuarantineReason
    public var action: Action
    /// The row's raw values by column, as text; nil for NULL.
    public var raw: [RawValue]

    public struct RawValue: Sendable, Hashable {
        public var column: String
        public var value: String?
        public init(_ column: String, _ value: String?) {
            self.column = column
            self.value = value
        }
    }

    public init(source: String, key: String, reason: QuarantineReason, action: Action, raw: [RawValue]) {
        self.source = source
        self.key = key
        self.reason = reason
        self.action = action
        self.raw = raw
    }
}

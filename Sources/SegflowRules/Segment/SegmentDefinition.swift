/// A segment with an explicit rule.
public struct SegmentDefinition: Sendable, Hashable {
    public var key: String
    public var name: String
    public var description: String?
    public var rule: RuleExpression
    /// Suggested marketing actions.
    public var actions: [String]
    /// The control group held out of its members (`control_share` > 0), or nil.
    public var control: ControlGroup?

    public init(key: String, name: String, description: String? = nil, rule: RuleExpression, actions: [String] = [],
                control: ControlGroup? = nil) {
        self.key = key
        self.name = name
        self.description = description
        self.rule = rule
        self.actions = actions
        self.control = control
    }
}

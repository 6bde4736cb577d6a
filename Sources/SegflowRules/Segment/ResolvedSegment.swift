/// A segment as assigned: listed segments as written, family segments expanded per value.
public struct ResolvedSegment: Sendable, Hashable {
    /// Unique across the pipeline; family segments are `<segmentation key>:<value slug>`.
    public var key: String
    public var name: String
    public var description: String?
    public var actions: [String]
    /// The feature value a family segment stands for; nil for listed segments.
    public var value: String?
    /// The rule as written (the family filter for family segments), for reports.
    public var rule: String?
    /// The control group held out of its members, or nil.
    public var control: ControlGroup?

    public init(key: String, name: String, description: String? = nil, actions: [String] = [],
                value: String? = nil, rule: String? = nil, control: ControlGroup? = nil) {
        self.key = key
        self.name = name
        self.description = description
        self.actions = actions
        self.value = value
        self.rule = rule
        self.control = control
    }
}

import SegflowEngine

/// Segments generated from the values of a text feature: one per distinct value.
public struct FamilyDefinition: Sendable, Hashable {
    /// The text feature.
    public var feature: FeatureKey
    /// `{value}` is replaced by the feature value.
    public var nameTemplate: String
    public var descriptionTemplate: String?
    public var actions: [String]
    /// Only rows where this is true become members.
    public var rule: RuleExpression?

    public init(feature: FeatureKey, nameTemplate: String = "{value}", descriptionTemplate: String? = nil,
                actions: [String] = [], rule: RuleExpression? = nil) {
        self.feature = feature
        self.nameTemplate = nameTemplate
        self.descriptionTemplate = descriptionTemplate
        self.actions = actions
        self.rule = rule
    }

    public var featureName: String { feature.name }
}

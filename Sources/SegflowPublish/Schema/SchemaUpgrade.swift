/// What `SchemaMigrator.upgrade` changed: the migrations it applied and the feature
/// columns it added or commented from the declarations (`FeatureKey`).
public struct SchemaUpgrade: Sendable, Hashable {
    public var applied: [Migration]
    /// Columns of declared features that did not exist, in declaration order.
    public var addedFeatureColumns: [String]
    /// Feature columns whose comment was set to the feature's description.
    public var commentedFeatureColumns: [String]

    /// True when the schema was already current.
    public var isEmpty: Bool { applied.isEmpty && addedFeatureColumns.isEmpty && commentedFeatureColumns.isEmpty }
}

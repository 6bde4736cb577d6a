import SegflowRules

/// One segment as the pipeline defines it, stored per snapshot in `segment_definitions`.
public struct SegmentDefinitionRecord: Sendable, Hashable {
    public var segmentationKey: String
    public var segmentKey: String
    public var name: String
    public var description: String?
    /// The rule as written in the pipeline.
    public var rule: String?
    public var actions: [String]
    /// True for the segments of the primary segmentation (one segment per customer at most).
    public var isPrimary: Bool
    /// Order within the segmentation.
    public var position: Int
    /// The segment's control group, or nil (docs/semantics.md, "Control groups").
    public var control: ControlGroup?

    public init(
        segmentationKey: String,
        segmentKey: String,
        name: String,
        description: String? = nil,
        rule: String? = nil,
        actions: [String] = [],
        isPrimary: Bool,
        position: Int,
        control: ControlGroup? = nil
    ) {
        self.segmentationKey = segmentationKey
        self.segmentKey = segmentKey
        self.name = name
        self.description = description
        self.rule = rule
        self.actions = actions
        self.isPrimary = isPrimary
        self.position = position
        self.control = control
    }
}

extension SegmentDefinitionRecord {
    /// The definitions of every segment the segment stage resolved (family segments
    /// expanded per value), positioned in file order within each segmentation.
    public static func records(from segmentations: [SegmentationResult]) -> [SegmentDefinitionRecord] {
        segmentations.flatMap { segmentation in
            segmentation.segments.enumerated().map { index, segment in
                SegmentDefinitionRecord(
                    segmentationKey: segmentation.key,
                    segmentKey: segment.key,
                    name: segment.name,
                    description: segment.description,
                    rule: segment.rule,
                    actions: segment.actions,
                    isPrimary: segmentation.isPrimary,
                    position: index + 1,
                    control: segment.control
                )
            }
        }
    }
}

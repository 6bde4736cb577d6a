import PostgresClient
import SegflowEngine
import SegflowRules

/// Everything one snapshot publishes: features, segments, memberships, quarantine and model fits of
/// one as-of day.
///
/// `memberships` may be any sequence, even a single-pass one: it is read once, while it
/// streams into the database. The segment stage's output fits as it is:
/// `assignment.memberships` and
/// `SegmentDefinitionRecord.records(from: assignment.segmentations)`.
public struct OutputSnapshot<Memberships: Sequence> where Memberships.Element == SegmentMembership {
    public var asOf: PostgresDate
    public var runID: RunID
    /// Hash of the effective pipeline configuration (see `snapshots.config_hash`).
    public var configHash: String
    public var features: FeatureColumns
    public var segmentDefinitions: [SegmentDefinitionRecord]
    public var memberships: Memberships
    public var quarantine: [QuarantineRecord]
    /// As-of days the caller publishes right after this one (a backfill batch's later days).
    /// When the snapshot published after this one is among them, its comparisons are not
    /// recomputed against this one now: its own publish, moments later, computes them.
    public var upcoming: Set<PostgresDate>
    /// The customer-base models fitted on this snapshot (`model_fits`); empty when the models are off.
    public var modelFits: [ModelFitRecord]
    /// The rows of `cluster_profiles` (`ClusterProfileRecord.records(from: assignment.clusters)`).
    public var clusterProfiles: [ClusterProfileRecord]

    public init(
        asOf: PostgresDate,
        runID: RunID,
        configHash: String,
        features: FeatureColumns,
        segmentDefinitions: [SegmentDefinitionRecord],
        memberships: Memberships,
        quarantine: [QuarantineRecord] = [],
        upcoming: Set<PostgresDate> = [],
        modelFits: [ModelFitRecord] = [],
        clusterProfiles: [ClusterProfileRecord] = []
    ) {
        self.asOf = asOf
        self.runID = runID
        self.configHash = configHash
        self.features = features
        self.segmentDefinitions = segmentDefinitions
        self.memberships = memberships
        self.quarantine = quarantine
        self.upcoming = upcoming
        self.modelFits = modelFits
        self.clusterProfiles = clusterProfiles
    }
}

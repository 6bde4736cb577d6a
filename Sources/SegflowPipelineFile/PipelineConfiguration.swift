import SegflowEngine
import SegflowModels
import SegflowRules

/// A validated pipeline file: sources, cleaning, quality gates, output and segmentations.
///
/// Build one with `load(path:)` or `parse(yaml:file:)`; both validate everything and
/// throw a `PipelineValidationError` listing every problem with its file position.
public struct PipelineConfiguration: Sendable, Hashable {
    /// The only file format version so far.
    public static let currentVersion = 1

    /// The path the configuration was read from, as given.
    public var file: String
    public var version: Int
    public var name: String
    public var description: String?
    /// The time zone that defines calendar days, resolved when the file was read.
    public var timeZone: PipelineTimeZone
    /// ISO 4217 code all money is converted to.
    public var baseCurrency: String
    /// Every source, defaults (`shop.<name>`) filled in.
    public var sources: [SourceName: SourceMapping]
    public var cleaning: CleaningConfiguration
    public var qualityGates: [SourceName: QualityGate]
    public var output: OutputConfiguration
    /// The customer-base models fitted on every snapshot (`models:`; defaults when absent).
    public var models: ModelSettings
    public var segmentations: [SegmentationDefinition]
    /// Where the file wrote each setting (empty for a configuration built in code).
    public var positions: PipelinePositions

    public init(file: String, version: Int = PipelineConfiguration.currentVersion, name: String,
                description: String? = nil, timeZone: PipelineTimeZone, baseCurrency: String,
                sources: [SourceName: SourceMapping] = [:], cleaning: CleaningConfiguration = .init(),
                qualityGates: [SourceName: QualityGate] = [:], output: OutputConfiguration = .init(),
                models: ModelSettings = .init(), segmentations: [SegmentationDefinition], positions: PipelinePositions = .init()) {
        self.file = file
        self.version = version
        self.name = name
        self.description = description
        self.timeZone = timeZone
        self.baseCurrency = baseCurrency
        var filled = sources
        for kind in SourceName.allCases where filled[kind] == nil {
            filled[kind] = .defaultTable(for: kind)
        }
        self.sources = filled
        self.cleaning = cleaning
        self.qualityGates = qualityGates
        self.output = output
        self.models = models
        self.segmentations = segmentations
        self.positions = positions
    }

    /// The segmentation marked `primary: true` (validation guarantees exactly one).
    public var primarySegmentation: SegmentationDefinition? {
        segmentations.first(where: \.isPrimary)
    }

    /// Every rule of every segmentation.
    public var rules: [RuleExpression] { segmentations.rules }

    /// The population statistics the rules need, to compute once per snapshot.
    public var populationStatistics: Set<PopulationStatisticKey> {
        rules.reduce(into: []) { $0.formUnion($1.populationStatistics) }
    }

    /// Text features read by rules or expanded as families (they get a dictionary).
    public var textFeatures: Set<FeatureKey> { segmentations.textFeatures }

    /// The clusters configuration hash of each clusters segmentation, by key.
    public var clusterConfigHashes: [String: String] {
        segmentations.reduce(into: [:]) { hashes, segmentation in
            if case .clusters(let clusters) = segmentation.kind { hashes[segmentation.key] = clusters.configHash }
        }
    }
}

import SegflowEngine

/// Everything rules need for one snapshot: the feature table, the as-of day, the
/// precomputed population statistics and dictionaries of the text features rules read.
public struct EvaluationContext: Sendable {
    public let columns: FeatureColumns
    /// The snapshot day, days since 1970-01-01 (the value of `as_of`).
    public let asOf: Int
    public let statistics: PopulationStatistics
    /// Text dictionaries by feature.
    public let dictionaries: [FeatureKey: TextDictionary]

    public init(columns: FeatureColumns, asOf: Int, statistics: PopulationStatistics,
                dictionaries: [FeatureKey: TextDictionary]) {
        self.columns = columns
        self.asOf = asOf
        self.statistics = statistics
        self.dictionaries = dictionaries
    }

    /// Prepares a context for `rules`: computes exactly the statistics they use and the
    /// dictionaries of the text features they (and `textFeatures`) read.
    public init(columns: FeatureColumns, asOf: Int, rules: [RuleExpression],
                textFeatures: Set<FeatureKey> = [], workerCount: Int = 2) {
        let keys = rules.reduce(into: Set<PopulationStatisticKey>()) { $0.formUnion($1.populationStatistics) }
        let texts = rules.reduce(into: textFeatures) { $0.formUnion($1.textFeatures) }.sorted()
        var dictionaries = [TextDictionary?](repeating: nil, count: texts.count)
        dictionaries.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            let workers = min(max(1, workerCount), texts.count)
            Parallel.forEach(workers) { worker in
                for index in stride(from: worker, to: texts.count, by: workers) {
                    shared[index] = TextDictionary(columns.texts(texts[index]))
                }
            }
        }
        var byFeature: [FeatureKey: TextDictionary] = [:]
        for (feature, dictionary) in zip(texts, dictionaries) {
            byFeature[feature] = dictionary
        }
        self.init(
            columns: columns, asOf: asOf,
            statistics: PopulationStatistics.compute(keys, from: columns, workerCount: workerCount),
            dictionaries: byFeature)
    }

    /// The dictionary of a text feature, built on the spot if it was not prepared.
    func dictionary(_ feature: FeatureKey) -> TextDictionary {
        dictionaries[feature] ?? TextDictionary(columns.texts(feature))
    }

    /// A row's value of a feature, for the scalar interpreter.
    func value(_ feature: FeatureKey, row: Int) -> Value {
        if feature.kind == .text {
            return columns.text(feature, row: row).map(Value.text) ?? .null
        }
        guard let number = columns.number(feature, row: row) else { return .null }
        return feature.kind == .boolean ? .boolean(number != 0) : .number(number)
    }
}

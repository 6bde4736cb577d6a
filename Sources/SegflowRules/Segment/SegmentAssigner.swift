import Foundation
import SegflowClusters
import SegflowEngine

/// Assigns every customer of a snapshot to segments, following a validated pipeline's
/// segmentations (`init(configuration:)` takes them from a `PipelineConfiguration`).
///
/// Population statistics and text dictionaries are computed once; then row partitions
/// run in parallel on `DispatchQueue.concurrentPerform`, each evaluating compiled rules
/// batch by batch. The result does not depend on the worker count.
public struct SegmentAssigner: Sendable {
    public let segmentations: [SegmentationDefinition]
    /// Row partitions run concurrently (1 runs inline).
    public var workerCount: Int
    public var batchSize: Int

    public init(segmentations: [SegmentationDefinition],
                workerCount: Int = ProcessInfo.processInfo.activeProcessorCount,
                batchSize: Int = CompiledRule.defaultBatchSize) {
        self.segmentations = segmentations
        self.workerCount = max(1, workerCount)
        self.batchSize = max(1, batchSize)
    }

    /// What each segmentation runs per batch.
    private enum Plan: Sendable {
        case firstMatch([CompiledRule])
        case everyMatch([CompiledRule])
        case family(codes: [Int32], filter: CompiledRule?)
        /// Marks the rows to cluster with 0 (all rows without a filter); the clustering runs after.
        case clusters(filter: CompiledRule?)
    }

    /// Assigns segments for the snapshot in `columns` as of `asOf` (days since 1970-01-01).
    /// `previousClusters`, by segmentation key: the warm start of clusters segmentations
    /// (the last snapshot's clusters with the same clusters configuration).
    public func assign(columns: FeatureColumns, asOf: Int, previousClusters: [String: PreviousClusters] = [:]) -> SegmentAssignment {
        let context = EvaluationContext(
            columns: columns, asOf: asOf, rules: segmentations.rules,
            textFeatures: segmentations.textFeatures, workerCount: workerCount)
        return assign(context: context, previousClusters: previousClusters)
    }

    /// Assigns segments with an already prepared context (statistics and dictionaries).
    public func assign(context: EvaluationContext, previousClusters: [String: PreviousClusters] = [:]) -> SegmentAssignment {
        let rowCount = context.columns.count
        let plans: [Plan] = segmentations.map { segmentation in
            switch segmentation.kind {
            case .segments(let segments):
                let rules = segments.map { CompiledRule($0.rule, context: context) }
                return segmentation.isExclusive ? .firstMatch(rules) : .everyMatch(rules)
            case .family(let family):
                return .family(codes: context.dictionary(family.feature).codes,
                               filter: family.rule.map { CompiledRule($0, context: context) })
            case .clusters(let clusters):
                return .clusters(filter: clusters.rule.map { CompiledRule($0, context: context) })
            }
        }

        // Exclusive and family results go straight into shared per-row arrays (each
        // partition writes only its own rows); overlapping pairs are gathered per partition
        // and concatenated in partition order, so any worker count gives the same output.
        let shared = plans.map { _ in
            let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: rowCount)
            buffer.initialize(repeating: -1)
            return SharedBuffer(buffer)
        }
        defer { shared.forEach { $0.base.deallocate() } }
        let partitions = Parallel.partitions(rows: rowCount, count: workerCount)
        let pairs = PartitionPairs(partitions: partitions.count, segmentations: plans.count)
        let batchSize = batchSize
        let maxOverlayRules = plans.reduce(0) { widest, plan in
            if case .everyMatch(let rules) = plan { return max(widest, rules.count) }
            return widest
        }

        Parallel.forEach(partitions.count) { partition in
            let registers = RegisterFile(batchSize: batchSize)
            var flags = [UInt8](repeating: 0, count: batchSize * max(8, maxOverlayRules))
            var local: [(rows: [Int32], segments: [Int32])] = plans.map { _ in ([], []) }
            var start = partitions[partition].lowerBound
            while start < partitions[partition].upperBound {
                let rows = start..<min(start + batchSize, partitions[partition].upperBound)
                for (index, plan) in plans.enumerated() {
                    Self.run(plan, rows: rows, registers: registers, output: shared[index], flags: &flags,
                             pairs: &local[index])
                }
                start = rows.upperBound
            }
            pairs.store(local, partition: partition)
        }

        let perRow = shared.map { Array($0.base) }
        var results: [SegmentationResult] = []
        var clusterOutcomes: [ClusterOutcome] = []
        for (index, segmentation) in segmentations.enumerated() {
            switch segmentation.kind {
            case .segments(let segments):
                let resolved = segments.map {
                    ResolvedSegment(key: $0.key, name: $0.name, description: $0.description, actions: $0.actions,
                                    rule: $0.rule.source, control: $0.control)
                }
                let memberships: SegmentationResult.Memberships = segmentation.isExclusive
                    ? .exclusive(perRow[index])
                    : pairs.merged(segmentation: index)
                results.append(SegmentationResult(
                    key: segmentation.key, name: segmentation.name, isPrimary: segmentation.isPrimary,
                    isExclusive: segmentation.isExclusive, segments: resolved, memberships: memberships))
            case .family(let family):
                results.append(Self.resolveFamily(segmentation, family, codes: perRow[index],
                                                  values: context.dictionary(family.feature).values))
            case .clusters(let clusters):
                let fit = ClusterFit.fit(
                    columns: clusters.features.map { context.columns.numbers($0) },
                    eligible: perRow[index].map { $0 == 0 }, settings: clusters.settings,
                    previous: previousClusters[segmentation.key], workers: workerCount)
                let outcome = ClusterOutcome(segmentationKey: segmentation.key, configHash: clusters.configHash,
                                             features: clusters.settings.features, fit: fit)
                clusterOutcomes.append(outcome)
                results.append(Self.resolveClusters(segmentation, clusters, outcome))
            }
        }
        return SegmentAssignment(customerIDs: context.columns.customerIDs, asOf: context.asOf,
                                 statistics: context.statistics, segmentations: results, clusters: clusterOutcomes)
    }

    private static func run(_ plan: Plan, rows: Range<Int>, registers: RegisterFile, output: SharedBuffer<Int32>,
                            flags: inout [UInt8], pairs: inout (rows: [Int32], segments: [Int32])) {
        let n = rows.count
        let first = rows.lowerBound
        switch plan {
        case .firstMatch(let rules):
            // Branch-free: a row takes the rule if it is true and the row is still open.
            var remaining = n
            for (ruleIndex, rule) in rules.enumerated() {
                let result = rule.run(rows: rows, registers: registers)
                let index = Int32(ruleIndex)
                var taken: Int32 = 0
                for i in 0..<n {
                    let current = output[first + i]
                    let open = current >> 31  // -1 while unassigned (-1), else 0
                    let take = open & (result[i] == 1 ? -1 : 0)
                    output[first + i] = (current & ~take) | (index & take)
                    taken &-= take
                }
                remaining -= Int(taken)
                if remaining == 0 { break }  // the whole batch is placed; skip the remaining rules
            }
        case .everyMatch(let rules) where rules.count <= 64:
            // One bit per rule per row, then pairs out in row order, one branch per membership.
            flags.withUnsafeMutableBytes { raw in
                let masks = raw.bindMemory(to: UInt64.self)
                for i in 0..<n { masks[i] = 0 }
                for (ruleIndex, rule) in rules.enumerated() {
                    let result = rule.run(rows: rows, registers: registers)
                    let bit = UInt64(1) << UInt64(ruleIndex)
                    for i in 0..<n { masks[i] |= result[i] == 1 ? bit : 0 }
                }
                for i in 0..<n {
                    var mask = masks[i]
                    while mask != 0 {
                        pairs.rows.append(Int32(first + i))
                        pairs.segments.append(Int32(mask.trailingZeroBitCount))
                        mask &= mask - 1
                    }
                }
            }
        case .everyMatch(let rules):
            // Rule by rule into a flag matrix, then row by row out, so pairs come sorted by row.
            flags.withUnsafeMutableBufferPointer { matrix in
                for (ruleIndex, rule) in rules.enumerated() {
                    let result = rule.run(rows: rows, registers: registers)
                    let offset = ruleIndex * n
                    for i in 0..<n { matrix[offset + i] = result[i] == 1 ? 1 : 0 }
                }
                for i in 0..<n {
                    for ruleIndex in 0..<rules.count where matrix[ruleIndex * n + i] != 0 {
                        pairs.rows.append(Int32(first + i))
                        pairs.segments.append(Int32(ruleIndex))
                    }
                }
            }
        case .clusters(let filter):
            if let filter {
                let result = filter.run(rows: rows, registers: registers)
                for i in 0..<n where result[i] == 1 { output[first + i] = 0 }
            } else {
                for i in 0..<n { output[first + i] = 0 }
            }
        case .family(let codes, let filter):
            codes.withUnsafeBufferPointer { codes in
                if let filter {
                    let result = filter.run(rows: rows, registers: registers)
                    for i in 0..<n where codes[first + i] >= 0 && result[i] == 1 { output[first + i] = codes[first + i] }
                } else {
                    for i in 0..<n where codes[first + i] >= 0 { output[first + i] = codes[first + i] }
                }
            }
        }
    }

    /// One segment per cluster, in id order; the fit's labels index them already.
    private static func resolveClusters(_ segmentation: SegmentationDefinition, _ clusters: ClusterDefinition,
                                        _ outcome: ClusterOutcome) -> SegmentationResult {
        let features = clusters.settings.features
        let segments = zip(outcome.fit.profiles, outcome.segmentKeys).map { profile, key in
            // The two most distinctive features, in numbers, for people reading the definitions.
            let ranked = profile.zScores.indices.sorted {
                abs(profile.zScores[$0]) != abs(profile.zScores[$1]) ? abs(profile.zScores[$0]) > abs(profile.zScores[$1]) : $0 < $1
            }
            let details = ranked.prefix(2).map { feature in
                let mean = profile.means[feature].map { String(format: "%.4g", $0) } ?? "null"
                return "\(features[feature].name) mean \(mean) (z \(String(format: "%+.2f", profile.zScores[feature])))"
            }
            return ResolvedSegment(
                key: key, name: profile.name,
                description: "Cluster \(profile.id) of \(outcome.fit.k), \(String(format: "%.1f", profile.share * 100))% of the clustered customers: "
                    + details.joined(separator: ", ") + ".",
                rule: clusters.rule?.source)
        }
        return SegmentationResult(key: segmentation.key, name: segmentation.name, isPrimary: false, isExclusive: true,
                                  segments: segments, memberships: .exclusive(outcome.fit.labels))
    }

    /// Keeps the family values that have members (sorted, as in the dictionary) and
    /// renumbers the rows' codes to those segments.
    private static func resolveFamily(_ segmentation: SegmentationDefinition, _ family: FamilyDefinition,
                                      codes: [Int32], values: [String]) -> SegmentationResult {
        var present = [Bool](repeating: false, count: values.count)
        for code in codes where code >= 0 { present[Int(code)] = true }
        var remap = [Int32](repeating: -1, count: values.count)
        var kept: [String] = []
        for (code, value) in values.enumerated() where present[code] {
            remap[code] = Int32(kept.count)
            kept.append(value)
        }
        let slugs = ValueSlug.unique(kept)
        let segments = zip(kept, slugs).map { value, slug in
            ResolvedSegment(
                key: "\(segmentation.key):\(slug)",
                name: family.nameTemplate.replacingOccurrences(of: "{value}", with: value),
                description: family.descriptionTemplate?.replacingOccurrences(of: "{value}", with: value),
                actions: family.actions.map { $0.replacingOccurrences(of: "{value}", with: value) },
                value: value, rule: family.rule?.source)
        }
        let indices = codes.map { $0 < 0 ? -1 : remap[Int($0)] }
        return SegmentationResult(key: segmentation.key, name: segmentation.name, isPrimary: segmentation.isPrimary,
                                  isExclusive: true, segments: segments, memberships: .exclusive(indices))
    }
}

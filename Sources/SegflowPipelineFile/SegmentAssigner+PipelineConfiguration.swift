import Foundation
import SegflowRules

extension SegmentAssigner {
    /// Assigns the segmentations of a validated pipeline file.
    public init(configuration: PipelineConfiguration,
                workerCount: Int = ProcessInfo.processInfo.activeProcessorCount,
                batchSize: Int = CompiledRule.defaultBatchSize) {
        self.init(segmentations: configuration.segmentations, workerCount: workerCount, batchSize: batchSize)
    }
}

/// Overlapping memberships gathered per partition, merged in partition order.
final class PartitionPairs: @unchecked Sendable {
    typealias Pairs = (rows: [Int32], segments: [Int32])
    // Each partition writes only its own slot; reads happen after concurrentPerform returns.
    private let slots: UnsafeMutableBufferPointer<[Pairs]>

    init(partitions: Int, segmentations: Int) {
        slots = .allocate(capacity: partitions)
        slots.initialize(repeating: [])
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func store(_ pairs: [Pairs], partition: Int) {
        slots[partition] = pairs
    }

    func merged(segmentation: Int) -> SegmentationResult.Memberships {
        var rows: [Int32] = []
        var segments: [Int32] = []
        for slot in slots where segmentation < slot.count {
            rows.append(contentsOf: slot[segmentation].rows)
            segments.append(contentsOf: slot[segmentation].segments)
        }
        return .overlapping(rows: rows, segments: segments)
    }
}

/// All memberships of an assignment, segmentation by segmentation, rows in order;
/// produced lazily from the compact storage.
public struct SegmentMemberships: Sequence, Sendable {
    package let customerIDs: [Int64]
    package let segmentations: [SegmentationResult]

    public func makeIterator() -> Iterator {
        Iterator(customerIDs: customerIDs, segmentations: segmentations)
    }

    public struct Iterator: IteratorProtocol {
        let customerIDs: [Int64]
        let segmentations: [SegmentationResult]
        var segmentation = 0
        var position = 0

        public mutating func next() -> SegmentMembership? {
            while segmentation < segmentations.count {
                let current = segmentations[segmentation]
                switch current.memberships {
                case .exclusive(let indices):
                    while position < indices.count {
                        defer { position += 1 }
                        let index = indices[position]
                        if index >= 0 {
                            return SegmentMembership(
                                customerID: customerIDs[position], segmentationKey: current.key,
                                segmentKey: current.segments[Int(index)].key, isPrimary: current.isPrimary)
                        }
                    }
                case .overlapping(let rows, let indices):
                    if position < rows.count {
                        defer { position += 1 }
                        return SegmentMembership(
                            customerID: customerIDs[Int(rows[position])], segmentationKey: current.key,
                            segmentKey: current.segments[Int(indices[position])].key, isPrimary: current.isPrimary)
                    }
                }
                segmentation += 1
                position = 0
            }
            return nil
        }
    }
}

import PostgresClient
import SegflowRules

/// The segments a snapshot's memberships name, each (segmentation, segment) pair once.
///
/// Memberships refer to segments by their index here, so the publisher compares and
/// counts integers rather than strings. Shared by a snapshot and the previous one.
struct SegmentCatalog: Sendable {
    struct Key: Hashable, Sendable {
        var segmentationKey: String
        var segmentKey: String
    }

    private(set) var keys: [Key] = []
    /// Per segment, the index of its segmentation key in `segmentationKeys`.
    private(set) var segmentations: [Int32] = []
    private(set) var segmentationKeys: [String] = []
    private var indexByKey: [Key: Int32] = [:]
    private var segmentationIndexByKey: [String: Int32] = [:]

    /// The index of the pair, or nil when the catalog does not hold it.
    func existingIndex(of key: Key) -> Int32? { indexByKey[key] }

    /// The index of the pair, added if new.
    mutating func index(segmentationKey: String, segmentKey: String) -> Int32 {
        let key = Key(segmentationKey: segmentationKey, segmentKey: segmentKey)
        if let index = indexByKey[key] { return index }
        let index = Int32(keys.count)
        keys.append(key)
        indexByKey[key] = index
        if let segmentation = segmentationIndexByKey[segmentationKey] {
            segmentations.append(segmentation)
        } else {
            let segmentation = Int32(segmentationKeys.count)
            segmentationKeys.append(segmentationKey)
            segmentationIndexByKey[segmentationKey] = segmentation
            segmentations.append(segmentation)
        }
        return index
    }

    /// The index of the pair given as UTF-8 bytes (as a COPY stream holds them), added if
    /// new; `cache` remembers recent byte strings so that most rows allocate nothing.
    mutating func index(
        segmentationKey: UnsafeRawBufferPointer, segmentKey: UnsafeRawBufferPointer, cache: inout [Int: [(Int32, [UInt8], [UInt8])]]
    ) -> Int32 {
        var hasher = Hasher()
        hasher.combine(bytes: segmentationKey)
        hasher.combine(0xFF as UInt8)
        hasher.combine(bytes: segmentKey)
        let hash = hasher.finalize()
        if let candidates = cache[hash] {
            for (index, segmentation, segment) in candidates
            where segmentation.elementsEqual(segmentationKey) && segment.elementsEqual(segmentKey) {
                return index
            }
        }
        let index = index(segmentationKey: String(decoding: segmentationKey, as: UTF8.self),
                          segmentKey: String(decoding: segmentKey, as: UTF8.self))
        cache[hash, default: []].append((index, Array(segmentationKey), Array(segmentKey)))
        return index
    }
}

/// A snapshot's memberships in compact form: parallel arrays, one entry per row of
/// `customer_segments`, segments as indices into a `SegmentCatalog`.
struct MembershipTable: Sendable {
    var customerIDs: [Int64] = []
    var segments: [Int32] = []
    var isPrimary: [Bool] = []
    /// In the segment's control group (docs/semantics.md, "Control groups").
    var isControl: [Bool] = []

    var count: Int { customerIDs.count }

    mutating func reserveCapacity(_ capacity: Int) {
        customerIDs.reserveCapacity(capacity)
        segments.reserveCapacity(capacity)
        isPrimary.reserveCapacity(capacity)
        isControl.reserveCapacity(capacity)
    }

    /// Membership indices ordered by (segmentation key, segment key) in byte order, rows
    /// of one segment in their original order: a counting sort, linear in the rows.
    func orderedBySegment(keys: [SegmentCatalog.Key]) -> [Int32] {
        let ranked = keys.indices.sorted { a, b in
            let x = keys[a], y = keys[b]
            if x.segmentationKey != y.segmentationKey { return x.segmentationKey.utf8.lexicographicallyPrecedes(y.segmentationKey.utf8) }
            return x.segmentKey.utf8.lexicographicallyPrecedes(y.segmentKey.utf8)
        }
        var rank = [Int](repeating: 0, count: keys.count)
        for (position, segment) in ranked.enumerated() { rank[segment] = position }
        var starts = [Int](repeating: 0, count: keys.count + 1)
        for segment in segments { starts[rank[Int(segment)] + 1] += 1 }
        for position in 0..<keys.count { starts[position + 1] += starts[position] }
        var order = [Int32](repeating: 0, count: count)
        for (index, segment) in segments.enumerated() {
            let position = rank[Int(segment)]
            order[starts[position]] = Int32(index)
            starts[position] += 1
        }
        return order
    }

    mutating func append(customerID: Int64, segment: Int32, isPrimary primary: Bool, isControl control: Bool = false) {
        customerIDs.append(customerID)
        segments.append(segment)
        isPrimary.append(primary)
        isControl.append(control)
    }
}

/// The snapshot being published: its memberships, with each membership's row in the
/// feature columns, read once from whatever sequence the caller handed over.
struct StagedMemberships: Sendable {
    var table = MembershipTable()
    /// Per membership, the customer's row in the snapshot's features.
    var rows: [Int32] = []
    var catalog = SegmentCatalog()

    /// Memberships already read and checked: a published snapshot read back from its partitions.
    init(table: MembershipTable, rows: [Int32], catalog: SegmentCatalog) {
        self.table = table
        self.rows = rows
        self.catalog = catalog
    }

    /// Reads `memberships` once and checks them against the snapshot's customers: every
    /// membership must name one, and nobody may be in two segments of a primary
    /// segmentation. The checks and their messages are the ones SQL made before.
    init<Memberships: Sequence>(
        _ memberships: Memberships, customerIDs: [Int64], asOf: PostgresDate
    ) throws where Memberships.Element == SegmentMembership {
        if let compact = memberships as? SegmentMemberships, compact.customerIDs == customerIDs {
            self.init(compact: compact)
        } else {
            try self.init(any: memberships, customerIDs: customerIDs, asOf: asOf)
        }
        try checkPrimaries(customers: customerIDs.count, asOf: asOf)
    }

    /// The segment stage's output, whose rows are the feature rows: no lookups, no strings
    /// per membership.
    private init(compact: SegmentMemberships) {
        let ids = compact.customerIDs
        let total = compact.segmentations.reduce(0) { $0 + $1.membershipCount }
        table.reserveCapacity(total)
        rows.reserveCapacity(total)
        for segmentation in compact.segmentations {
            let segments = segmentation.segments.map { catalog.index(segmentationKey: segmentation.key, segmentKey: $0.key) }
            let primary = segmentation.isPrimary
            switch segmentation.memberships {
            case .exclusive(let indices):
                for (row, index) in indices.enumerated() where index >= 0 {
                    table.append(customerID: ids[row], segment: segments[Int(index)], isPrimary: primary)
                    rows.append(Int32(row))
                }
            case .overlapping(let memberRows, let indices):
                for (row, index) in zip(memberRows, indices) {
                    table.append(customerID: ids[Int(row)], segment: segments[Int(index)], isPrimary: primary)
                    rows.append(row)
                }
            }
        }
    }

    private init<Memberships: Sequence>(
        any memberships: Memberships, customerIDs: [Int64], asOf: PostgresDate
    ) throws where Memberships.Element == SegmentMembership {
        var rowByCustomer = [Int64: Int32](minimumCapacity: customerIDs.count)
        for (row, id) in customerIDs.enumerated() { rowByCustomer[id] = Int32(row) }
        table.reserveCapacity(memberships.underestimatedCount)
        rows.reserveCapacity(memberships.underestimatedCount)

        // Segment-stage output repeats the same key strings row after row: compare with
        // the last pair before hashing.
        var lastSegmentation = ""
        var lastSegment = ""
        var lastIndex: Int32 = -1
        var orphans = 0
        for membership in memberships {
            guard let row = rowByCustomer[membership.customerID] else {
                orphans += 1
                continue
            }
            let segment: Int32
            if lastIndex >= 0, membership.segmentKey == lastSegment, membership.segmentationKey == lastSegmentation {
                segment = lastIndex
            } else {
                segment = catalog.index(segmentationKey: membership.segmentationKey, segmentKey: membership.segmentKey)
                lastSegmentation = membership.segmentationKey
                lastSegment = membership.segmentKey
                lastIndex = segment
            }
            table.append(customerID: membership.customerID, segment: segment, isPrimary: membership.isPrimary)
            rows.append(row)
        }
        if orphans > 0 {
            throw SnapshotValidationError(asOf: asOf, problem: "\(orphans) segment memberships name customers without features")
        }
    }

    /// Flags the members of control groups: per defined segment with a control group, each
    /// member whose hash falls below its share (`ControlGroup`). Other memberships stay false.
    mutating func markControl(_ definitions: [SegmentDefinitionRecord]) {
        var groups = [(group: ControlGroup, seed: UInt64)?](repeating: nil, count: catalog.keys.count)
        for definition in definitions {
            guard let group = definition.control, group.share > 0,
                  let segment = catalog.existingIndex(of: .init(segmentationKey: definition.segmentationKey,
                                                                segmentKey: definition.segmentKey))
            else { continue }
            groups[Int(segment)] = (group, group.seed(segmentationKey: definition.segmentationKey, segmentKey: definition.segmentKey))
        }
        guard groups.contains(where: { $0 != nil }) else { return }
        for index in 0..<table.count {
            guard let control = groups[Int(table.segments[index])] else { continue }
            table.isControl[index] = control.group.isControl(customerID: table.customerIDs[index], seed: control.seed)
        }
    }

    /// Primary memberships per (segmentation, customer): more than one is an error.
    private func checkPrimaries(customers: Int, asOf: PostgresDate) throws {
        var counts: [[UInt8]] = Array(repeating: [], count: catalog.segmentationKeys.count)
        var doubled = 0
        for index in 0..<table.count where table.isPrimary[index] {
            let segmentation = Int(catalog.segmentations[Int(table.segments[index])])
            if counts[segmentation].isEmpty { counts[segmentation] = [UInt8](repeating: 0, count: customers) }
            let row = Int(rows[index])
            if counts[segmentation][row] < 2 {
                counts[segmentation][row] += 1
                if counts[segmentation][row] == 2 { doubled += 1 }
            }
        }
        if doubled > 0 {
            throw SnapshotValidationError(asOf: asOf, problem: "\(doubled) customers are in more than one segment of a primary segmentation")
        }
    }
}

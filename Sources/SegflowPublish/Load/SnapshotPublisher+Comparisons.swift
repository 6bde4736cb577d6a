import PostgresClient

extension SnapshotPublisher {
    /// The customers and memberships of the published snapshot `asOf`, read straight from
    /// its partitions with binary COPY; its segments are added to `catalog`.
    func readSnapshot(asOf: PostgresDate, catalog: inout SegmentCatalog) throws -> SnapshotComparisons.Previous {
        let (features, segments) = try partitions(asOf: asOf)
        var customerIDs: [Int64] = []
        try connection.copyOut("copy (select customer_id from \(features)) to stdout (format binary)") { row in
            customerIDs.append(try row.int64(0) ?? 0)
        }
        let memberships = try readMemberships(segments, asOf: asOf, expected: customerIDs.count * 4, catalog: &catalog)
        return SnapshotComparisons.Previous(asOf: asOf, customerIDs: customerIDs, memberships: memberships)
    }

    /// Everything the comparisons of the published snapshot `asOf` are computed from, read
    /// back from its partitions: the KPI features in the order they were written (its own
    /// publish summed in that order, so the means come out the same), its memberships with
    /// each one's feature row, and its defined segments. Its segments are added to `catalog`.
    func readForComparisons(asOf: PostgresDate, catalog: inout SegmentCatalog) throws -> SnapshotComparisons.Published {
        let (features, segments) = try partitions(asOf: asOf)
        // Written order: a plain sequential scan from the first block, neither joined to
        // another scan already under way nor split between parallel workers.
        try connection.simpleQuery("set local synchronize_seqscans = off; set local max_parallel_workers_per_gather = 0")
        var customerIDs: [Int64] = []
        var frequency: [Double] = [], revenueCents: [Int64] = [], orders30d: [Int64] = [], sessions30d: [Int64] = []
        var orders90d: [Int64] = [], cartAbandonments90d: [Int64] = [], avgCSAT: [Double] = [], discountedOrderShare: [Double] = []
        // Nulls as the in-memory columns hold them (NaN) and as the sums count them (0).
        try connection.copyOut("""
            copy (
                select customer_id, frequency, monetary_30d, orders_30d, sessions_30d, orders_90d,
                       cart_abandonments_90d, avg_csat, discounted_order_share
                from \(features)
            ) to stdout (format binary)
            """) { row in
            guard let customerID = try row.int64(0) else {
                throw SnapshotValidationError(asOf: asOf, problem: "a customer feature row has a null customer_id")
            }
            customerIDs.append(customerID)
            frequency.append(try row.int32(1).map(Double.init) ?? .nan)
            revenueCents.append(try row.numericScaled(2, scale: 2) ?? 0)
            orders30d.append(Int64(try row.int32(3) ?? 0))
            sessions30d.append(Int64(try row.int32(4) ?? 0))
            orders90d.append(Int64(try row.int32(5) ?? 0))
            cartAbandonments90d.append(Int64(try row.int32(6) ?? 0))
            avgCSAT.append(try row.double(7) ?? .nan)
            discountedOrderShare.append(try row.double(8) ?? .nan)
        }
        try connection.simpleQuery("set local synchronize_seqscans to default; set local max_parallel_workers_per_gather to default")
        let measures = SnapshotComparisons.Measures(
            frequency: frequency, revenueCents: revenueCents, orders30d: orders30d, sessions30d: sessions30d,
            orders90d: orders90d, cartAbandonments90d: cartAbandonments90d, avgCSAT: avgCSAT,
            discountedOrderShare: discountedOrderShare
        )

        let memberships = try readMemberships(segments, asOf: asOf, expected: customerIDs.count * 4, catalog: &catalog)
        var rowByCustomer = [Int64: Int32](minimumCapacity: customerIDs.count)
        for (row, id) in customerIDs.enumerated() { rowByCustomer[id] = Int32(row) }
        var rows: [Int32] = []
        rows.reserveCapacity(memberships.count)
        for customerID in memberships.customerIDs {
            guard let row = rowByCustomer[customerID] else {
                throw SnapshotValidationError(asOf: asOf, problem: "a segment membership names a customer without features")
            }
            rows.append(row)
        }

        var definedSegments: [SegmentCatalog.Key] = []
        let definitions = try connection.execute("""
            select segmentation_key, segment_key from \(identifier: schema).segment_definitions
            where as_of = \(asOf) order by segmentation_key, position, segment_key
            """)
        for row in definitions.rows {
            guard let segmentation = row[0].string, let segment = row[1].string else { continue }
            definedSegments.append(.init(segmentationKey: segmentation, segmentKey: segment))
        }
        return SnapshotComparisons.Published(
            customerIDs: customerIDs, measures: measures,
            memberships: StagedMemberships(table: memberships, rows: rows, catalog: catalog),
            definedSegments: definedSegments
        )
    }

    /// The partitions of customer_features and customer_segments holding `asOf`.
    private func partitions(asOf: PostgresDate) throws -> (features: String, segments: String) {
        guard let features = try partition(of: "customer_features", asOf: asOf),
              let segments = try partition(of: "customer_segments", asOf: asOf)
        else {
            throw SnapshotValidationError(asOf: asOf, problem: "listed in snapshots but its partitions are missing")
        }
        return (features, segments)
    }

    /// The memberships of one customer_segments partition; their segments are added to `catalog`.
    private func readMemberships(
        _ segments: String, asOf: PostgresDate, expected: Int, catalog: inout SegmentCatalog
    ) throws -> MembershipTable {
        var memberships = MembershipTable()
        memberships.reserveCapacity(expected)
        var cache: [Int: [(Int32, [UInt8], [UInt8])]] = [:]
        try connection.copyOut(
            "copy (select customer_id, segmentation_key, segment_key, is_primary, is_control from \(segments)) to stdout (format binary)"
        ) { row in
            let segment = row.withBytes(1) { segmentation in
                row.withBytes(2) { segment in
                    catalog.index(segmentationKey: segmentation, segmentKey: segment, cache: &cache)
                }
            }
            guard let customerID = try row.int64(0), let segment = segment ?? nil, let isPrimary = try row.bool(3),
                  let isControl = try row.bool(4) else {
                throw SnapshotValidationError(asOf: asOf, problem: "a segment membership has a null key")
            }
            memberships.append(customerID: customerID, segment: segment, isPrimary: isPrimary, isControl: isControl)
        }
        return memberships
    }

    /// Replaces the as_of's segment_kpis, kpi_snapshots and segment_transitions rows.
    func writeComparisons(_ comparisons: SnapshotComparisons, asOf: PostgresDate, previous: PostgresDate?) throws -> Int {
        for table in ["segment_kpis", "kpi_snapshots", "segment_transitions"] {
            try connection.execute("delete from \(identifier: schema).\(identifier: table) where as_of = \(asOf)")
        }
        let quotedSchema = PostgresQuery.quoteIdentifier(schema)
        func writeMeasures(_ totals: SnapshotComparisons.Totals, into encoder: inout BinaryCopyEncoder) {
            encoder.write(totals.buyers)
            encoder.writeNumeric(scaled: totals.revenueCents, scale: 2)
            encoder.write(totals.orders30d)
            encoder.writeNumeric(scaled: totals.aov30dCents, scale: 2)
            encoder.write(totals.conversionRate30d)
            encoder.write(totals.repeatPurchaseRate)
            encoder.write(totals.cartAbandonmentRate90d)
            encoder.write(totals.avgCSAT)
            encoder.write(totals.discountedOrderShare)
        }
        var rows = try connection.copyIn("""
            copy \(quotedSchema).segment_kpis (
                as_of, segmentation_key, segment_key, members, share, members_joined, members_left,
                buyers, revenue_30d, orders_30d, aov_30d, conversion_rate_30d, repeat_purchase_rate,
                cart_abandonment_rate_90d, avg_csat, discounted_order_share,
                control_members, treatment_revenue_per_member_30d, control_revenue_per_member_30d,
                treatment_conversion_rate_30d, control_conversion_rate_30d,
                treatment_repeat_purchase_rate, control_repeat_purchase_rate
            ) from stdin with (format binary)
            """, rows: comparisons.segments
        ) { encoder, segment in
            encoder.beginRow(fieldCount: 23)
            encoder.write(asOf)
            encoder.write(segment.segmentationKey)
            encoder.write(segment.segmentKey)
            encoder.write(segment.totals.members)
            encoder.write(comparisons.customers == 0 ? nil : Double(segment.totals.members) / Double(comparisons.customers))
            encoder.write(segment.joined)
            encoder.write(segment.left)
            writeMeasures(segment.totals, into: &encoder)
            encoder.write(segment.control.members)
            encoder.writeNumeric(scaled: segment.treatment.revenuePerMember30dCents, scale: 2)
            encoder.writeNumeric(scaled: segment.control.revenuePerMember30dCents, scale: 2)
            encoder.write(segment.treatment.conversionRate30d)
            encoder.write(segment.control.conversionRate30d)
            encoder.write(segment.treatment.repeatPurchaseRate)
            encoder.write(segment.control.repeatPurchaseRate)
        }
        rows += try connection.copyIn("""
            copy \(quotedSchema).kpi_snapshots (
                as_of, previous_as_of, customers, new_customers, removed_customers, buyers,
                revenue_30d, orders_30d, aov_30d, conversion_rate_30d, repeat_purchase_rate,
                cart_abandonment_rate_90d, avg_csat, discounted_order_share
            ) from stdin with (format binary)
            """, rows: [comparisons]
        ) { encoder, comparisons in
            encoder.beginRow(fieldCount: 14)
            encoder.write(asOf)
            encoder.write(previous)
            encoder.write(comparisons.customers)
            encoder.write(comparisons.newCustomers)
            encoder.write(comparisons.removedCustomers)
            writeMeasures(comparisons.store, into: &encoder)
        }
        rows += try connection.copyIn("""
            copy \(quotedSchema).segment_transitions (as_of, previous_as_of, segmentation_key, from_segment, to_segment, customers)
            from stdin with (format binary)
            """, rows: comparisons.transitions
        ) { encoder, move in
            encoder.beginRow(fieldCount: 6)
            encoder.write(asOf)
            encoder.write(previous)
            encoder.write(move.transition.segmentationKey)
            encoder.write(move.transition.from)
            encoder.write(move.transition.to)
            encoder.write(move.customers)
        }
        return rows
    }
}

import PostgresClient

extension SnapshotPublisher {
    /// The customers and memberships of the published snapshot `asOf`, read straight from
    /// its partitions with binary COPY; its segments are added to `catalog`.
    func readSnapshot(asOf: PostgresDate, catalog: inout SegmentCatalog) throws -> SnapshotComparisons.Previous {
        guard let features = try partition(of: "customer_features", asOf: asOf),
              let segments = try partition(of: "customer_segments", asOf: asOf)
        else {
            throw SnapshotValidationError(asOf: asOf, problem: "listed in snapshots but its partitions are missing")
        }
        var customerIDs: [Int64] = []
        try connection.copyOut("copy (select customer_id from \(features)) to stdout (format binary)") { row in
            customerIDs.append(try row.int64(0) ?? 0)
        }
        var memberships = MembershipTable()
        memberships.reserveCapacity(customerIDs.count * 4)
        var cache: [Int: [(Int32, [UInt8], [UInt8])]] = [:]
        try connection.copyOut(
            "copy (select customer_id, segmentation_key, segment_key, is_primary from \(segments)) to stdout (format binary)"
        ) { row in
            let segment = row.withBytes(1) { segmentation in
                row.withBytes(2) { segment in
                    catalog.index(segmentationKey: segmentation, segmentKey: segment, cache: &cache)
                }
            }
            guard let customerID = try row.int64(0), let segment = segment ?? nil, let isPrimary = try row.bool(3) else {
                throw SnapshotValidationError(asOf: asOf, problem: "a segment membership has a null key")
            }
            memberships.append(customerID: customerID, segment: segment, isPrimary: isPrimary)
        }
        return SnapshotComparisons.Previous(asOf: asOf, customerIDs: customerIDs, memberships: memberships)
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
                cart_abandonment_rate_90d, avg_csat, discounted_order_share
            ) from stdin with (format binary)
            """, rows: comparisons.segments
        ) { encoder, segment in
            encoder.beginRow(fieldCount: 16)
            encoder.write(asOf)
            encoder.write(segment.segmentationKey)
            encoder.write(segment.segmentKey)
            encoder.write(segment.totals.members)
            encoder.write(comparisons.customers == 0 ? nil : Double(segment.totals.members) / Double(comparisons.customers))
            encoder.write(segment.joined)
            encoder.write(segment.left)
            writeMeasures(segment.totals, into: &encoder)
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

import PostgresClient
import SegflowClusters

extension SnapshotPublisher {
    /// Replaces the snapshot's rows of `cluster_profiles` (inside the publish transaction).
    func replaceClusterProfiles(_ records: [ClusterProfileRecord], asOf: PostgresDate) throws -> Int {
        try connection.execute("delete from \(identifier: schema).cluster_profiles where as_of = \(asOf)")
        for record in records {
            try connection.execute("""
                insert into \(identifier: schema).cluster_profiles
                    (as_of, segmentation_key, cluster_id, segment_key, name, config_hash, size, share, features, drift, k,
                     clustered, iterations, converged, inertia, silhouette, silhouette_by_k, warm_start)
                values (\(asOf), \(record.segmentationKey), \(record.clusterID), \(record.segmentKey), \(record.name),
                        \(record.configHash), \(record.size), \(record.share), \(record.featuresJSON)::jsonb, \(record.drift),
                        \(record.k), \(record.clustered), \(record.iterations), \(record.converged), \(record.inertia),
                        \(record.silhouette), \(record.silhouetteByKJSON)::jsonb, \(record.warmStart))
                """)
        }
        return records.count
    }

    /// The warm start of each clusters segmentation for a snapshot of `asOf`: the clusters of
    /// the latest snapshot before `asOf` that has profiles for the segmentation, when they were
    /// fitted with the same clusters configuration (`configHashes`, by segmentation key);
    /// nothing for a segmentation whose latest profiles have another configuration.
    public static func previousClusters(connection: PostgresConnection, schema: String, asOf: PostgresDate,
                                        configHashes: [String: String]) throws -> [String: PreviousClusters] {
        var result: [String: PreviousClusters] = [:]
        for (segmentationKey, configHash) in configHashes {
            let rows = try connection.execute("""
                with latest as (
                    select max(as_of) as as_of from \(identifier: schema).cluster_profiles
                    where segmentation_key = \(segmentationKey) and as_of < \(asOf)
                )
                select p.cluster_id, p.config_hash,
                       (select string_agg(f.value ->> 'centroid', ',' order by f.position)
                        from jsonb_array_elements(p.features) with ordinality as f(value, position))
                from \(identifier: schema).cluster_profiles p join latest using (as_of)
                where p.segmentation_key = \(segmentationKey)
                order by p.cluster_id
                """).rows
            guard !rows.isEmpty, rows.allSatisfy({ $0[1].string == configHash }) else { continue }
            var ids: [Int] = []
            var centroids: [[Double]] = []
            for row in rows {
                guard let id = row[0].int,
                      let coordinates = row[2].string?.split(separator: ",").map({ Double(String($0)) }),
                      coordinates.allSatisfy({ $0 != nil })
                else { break }
                ids.append(id)
                centroids.append(coordinates.compactMap { $0 })
            }
            guard ids.count == rows.count else { continue }
            result[segmentationKey] = PreviousClusters(ids: ids, centroids: centroids)
        }
        return result
    }
}

import SegflowClusters
import SegflowRules

/// One row of `cluster_profiles`: a cluster of a clusters segmentation in one snapshot.
public struct ClusterProfileRecord: Sendable, Equatable {
    public var segmentationKey: String
    public var clusterID: Int
    public var segmentKey: String
    public var name: String
    public var configHash: String
    public var size: Int
    public var share: Double
    /// The `features` jsonb array, as JSON text.
    public var featuresJSON: String
    public var drift: Double?
    public var k: Int
    public var clustered: Int
    public var iterations: Int
    public var converged: Bool
    public var inertia: Double
    public var silhouette: Double?
    /// The `silhouette_by_k` jsonb object, as JSON text; nil when there is none.
    public var silhouetteByKJSON: String?
    public var warmStart: Bool

    /// The rows of every clusters segmentation of a snapshot, in file order, then by cluster id.
    public static func records(from outcomes: [ClusterOutcome]) -> [ClusterProfileRecord] {
        outcomes.flatMap { outcome in
            zip(outcome.fit.profiles, outcome.segmentKeys).map { profile, segmentKey in
                let fit = outcome.fit
                let features = outcome.features.enumerated().map { index, feature in
                    "{\"feature\":\(JSONText.string(feature.name)),\"transform\":\(JSONText.string(feature.transform.rawValue)),"
                        + "\"standardised\":\(feature.standardise),\"mean\":\(json(profile.means[index])),"
                        + "\"z_score\":\(json(profile.zScores[index])),\"centroid\":\(json(profile.centroid[index]))}"
                }
                let byK = fit.silhouetteByK.isEmpty ? nil
                    : "{" + fit.silhouetteByK.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\(json($0.value))" }.joined(separator: ",") + "}"
                return ClusterProfileRecord(
                    segmentationKey: outcome.segmentationKey, clusterID: profile.id, segmentKey: segmentKey,
                    name: profile.name, configHash: outcome.configHash, size: profile.size, share: profile.share,
                    featuresJSON: "[" + features.joined(separator: ",") + "]", drift: profile.drift, k: fit.k,
                    clustered: fit.clustered, iterations: fit.iterations, converged: fit.converged,
                    inertia: fit.inertia, silhouette: fit.silhouette, silhouetteByKJSON: byK, warmStart: fit.warmStart)
            }
        }
    }

    /// A JSON number with Swift's shortest round-trip digits (read back bit for bit); null
    /// for nil or a value JSON cannot hold.
    static func json(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return "\(value)"
    }
}

/// The generated human name of a cluster, from its most distinctive features.
///
/// Features are ranked by |z| (the centroid's z-score; ties in feature order); each of the
/// first two with |z| ≥ `threshold` contributes its high or low label ("frequent",
/// "recent"), joined by ", ". A cluster with no such feature is "average". When two clusters
/// of a fit get the same name, theirs grow by the next ranked feature (whatever its |z|),
/// and if they still collide, the id is appended ("average (cluster 3)"). Deterministic.
public enum ClusterNaming {
    public static let threshold = 0.5
    public static let words = 2

    public static func names(ids: [Int], zScores: [[Double]], features: [ClusterFeature]) -> [String] {
        let rankings = zScores.map { z in
            z.indices.sorted { abs(z[$0]) != abs(z[$1]) ? abs(z[$0]) > abs(z[$1]) : $0 < $1 }
        }
        func name(_ cluster: Int, length: Int, strict: Bool) -> String {
            let z = zScores[cluster]
            let picked = rankings[cluster].prefix(length).filter { !strict || abs(z[$0]) >= threshold }
            guard !picked.isEmpty else { return "average" }
            return picked.map { z[$0] >= 0 ? features[$0].highLabel : features[$0].lowLabel }.joined(separator: ", ")
        }
        var result = zScores.indices.map { name($0, length: words, strict: true) }
        var length = words
        while length < features.count {
            let duplicated = duplicates(result)
            guard !duplicated.isEmpty else { break }
            length += 1
            for cluster in duplicated { result[cluster] = name(cluster, length: length, strict: false) }
        }
        for cluster in duplicates(result) { result[cluster] += " (cluster \(ids[cluster]))" }
        return result
    }

    private static func duplicates(_ names: [String]) -> [Int] {
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        return names.indices.filter { (counts[names[$0]] ?? 0) > 1 }
    }
}

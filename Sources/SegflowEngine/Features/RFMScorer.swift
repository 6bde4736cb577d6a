/// RFM scores 1–5 among buyers, by rank so that ties share a score:
/// `score = min(5, 1 + (5 * (rank - 1)) / buyers)` (see FeatureCatalog.rfmScoreRule).
enum RFMScorer {
    static func score(_ features: inout FeatureColumns) {
        let frequency = features.numbers(.frequency)
        let buyers = frequency.indices.filter { !frequency[$0].isNaN && frequency[$0] > 0 }
        guard !buyers.isEmpty else { return }
        let recency = features.numbers(.recencyDays)
        let monetary = features.numbers(.monetary)
        // Recency ranks descending: the longest ago ranks first and scores lowest.
        let r = scores(buyers.map { -recency[$0] })
        let f = scores(buyers.map { frequency[$0] })
        let m = scores(buyers.map { monetary[$0] })
        let count = features.count
        var rColumn = [Double](repeating: .nan, count: count)
        var fColumn = rColumn, mColumn = rColumn
        var codes = [String?](repeating: nil, count: count)
        for (position, row) in buyers.enumerated() {
            rColumn[row] = Double(r[position])
            fColumn[row] = Double(f[position])
            mColumn[row] = Double(m[position])
            codes[row] = "\(r[position])\(f[position])\(m[position])"
        }
        features.setNumbers(.rScore, rColumn)
        features.setNumbers(.fScore, fColumn)
        features.setNumbers(.mScore, mColumn)
        features.setTexts(.rfmScore, codes)
    }

    /// Scores in input order; `rank` is SQL's rank() over ascending values.
    static func scores(_ values: [Double]) -> [Int] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var result = [Int](repeating: 0, count: values.count)
        var rank = 1
        for (position, index) in order.enumerated() {
            if position > 0, values[index] != values[order[position - 1]] { rank = position + 1 }
            result[index] = min(5, 1 + (5 * (rank - 1)) / values.count)
        }
        return result
    }
}

/// The per-customer features segflow computes for one as-of snapshot, in column order.
///
/// Each is declared once, in `FeatureKey`; this is the list the engine, the output table
/// `customer_features` (`FeatureColumnSync`), the expression language and the docs read.
public enum FeatureCatalog {
    public static let all: [FeatureDefinition] = FeatureKey.allCases.map(\.definition)

    /// The features `FeatureBuilder` (and the reference SQL) compute, in column order.
    public static let built: [FeatureDefinition] = all.filter { $0.origin == .builder }

    /// The features the model stage predicts, in column order.
    public static let predicted: [FeatureDefinition] = all.filter { $0.origin == .model }

    /// The feature table of docs/semantics.md, one row per feature in column order
    /// (a test checks that the page has exactly these rows).
    public static var markdownRows: [String] {
        all.map { "| `\($0.name)` | \($0.kind.columnType) | \($0.description) |" }
    }

    /// RFM scores are assigned by rank among buyers so that ties share a score:
    /// `score = min(5, 1 + (5 * (rank - 1)) / buyers)` with integer division, where `rank`
    /// is SQL's `rank()` ordered ascending by frequency or monetary, and descending by
    /// recency_days (the most recent buyers score 5).
    public static let rfmScoreRule = "min(5, 1 + (5 * (rank - 1)) / buyers)"
}

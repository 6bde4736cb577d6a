import Testing

/// Expected feature values: exact text for every column but `real` ones, which are
/// compared as numbers (exactly, unless a tolerance is given).
struct FeatureExpectation {
    var text: [String: String?] = [:]
    var real: [String: Double?] = [:]
    var tolerance: Double = 0

    /// Checks `row` (column -> text from PostgreSQL) against the expectation.
    func check(_ row: [String: String?]?, customer: Int64, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let row else {
            Issue.record("customer \(customer) has no customer_features row", sourceLocation: sourceLocation)
            return
        }
        for (column, expected) in text.sorted(by: { $0.key < $1.key }) {
            guard let actual = row[column] else {
                Issue.record("no column \(column)", sourceLocation: sourceLocation)
                continue
            }
            #expect(actual == expected, "customer \(customer), \(column)", sourceLocation: sourceLocation)
        }
        for (column, expected) in real.sorted(by: { $0.key < $1.key }) {
            guard let actual = row[column] else {
                Issue.record("no column \(column)", sourceLocation: sourceLocation)
                continue
            }
            switch (actual.flatMap(Double.init), expected) {
            case (nil, nil):
                break
            case let (value?, wanted?):
                #expect(abs(value - wanted) <= tolerance * max(1, abs(wanted)),
                        "customer \(customer), \(column): \(value) vs \(wanted)", sourceLocation: sourceLocation)
            default:
                Issue.record("customer \(customer), \(column): \(String(describing: actual)) vs \(String(describing: expected))",
                             sourceLocation: sourceLocation)
            }
        }
    }
}

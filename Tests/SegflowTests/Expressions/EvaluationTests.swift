import PostgresClient
import Testing
@testable import SegflowRules

@Suite struct EvaluationTests {
    @Test func threeValuedLogicFollowsSQL() throws {
        let cases: [(String, Bool?)] = [
            ("null and false", false), ("false and null", false), ("null and true", nil),
            ("null or true", true), ("true or null", true), ("null or false", nil),
            ("not null", nil), ("not false", true), ("null is null", true), ("1 is not null", true),
            ("null = null", nil), ("1 = null", nil), ("null != 1", nil),
            ("1 in (2, null)", nil), ("1 in (1, null)", true), ("1 not in (2, null)", nil), ("1 not in (2, 3)", true),
            ("null between 1 and 2", nil), ("2 between 1 and 3", true), ("0 not between 1 and 3", true),
        ]
        for (rule, expected) in cases {
            #expect(try FeatureTable.constant(rule) == expected, "\(rule)")
        }
    }

    @Test func divisionByZeroIsNull() throws {
        #expect(try FeatureTable.constant("1 / 0 is null") == true)
        #expect(try FeatureTable.constant("0 / 0 is null") == true)
        let rows: [[String: Value]] = [
            ["monetary": .number(100), "frequency": .number(0)],
            ["monetary": .number(100), "frequency": .number(4)],
        ]
        #expect(try FeatureTable.evaluate("monetary / frequency > 10", rows) == [nil, true])
        #expect(try FeatureTable.evaluate("coalesce(monetary / frequency, -1) = -1", rows) == [true, false])
    }

    @Test func arithmeticAndFunctions() throws {
        let cases: [(String, Bool?)] = [
            ("1 + 2 * 3 = 7", true), ("-2 * -3 = 6", true), ("10 / 4 = 2.5", true),
            ("abs(-3) = 3", true), ("round(2.5) = 3", true), ("round(-2.5) = -3", true),
            ("round(3.14159, 2) = 3.14", true), ("round(1234, -2) = 1200", true),
            ("least(3, null, 1) = 1", true), ("greatest(3, null, 1) = 3", true), ("least(null, null) is null", true),
            ("coalesce(null, null, 4) = 4", true), ("lower('AbC') = 'abc'", true), ("upper('abc') = 'ABC'", true),
            ("'apple' < 'banana'", true), ("greatest('a', 'b') = 'b'", true),
            ("date '2024-01-31' - date '2024-01-01' = 30", true), ("true = true", true), ("true != false", true),
        ]
        for (rule, expected) in cases {
            #expect(try FeatureTable.constant(rule) == expected, "\(rule)")
        }
    }

    @Test func asOfIsTheSnapshotDay() throws {
        let asOf = Int(PostgresDate(iso: "2024-03-01")?.daysSince1970 ?? 0)
        let rows: [[String: Value]] = [
            ["last_order_date": .number(Double(asOf - 10))],
            ["last_order_date": .number(Double(asOf - 400))],
            [:],
        ]
        #expect(try FeatureTable.evaluate("as_of - last_order_date <= 30", rows, asOf: asOf) == [true, false, nil])
        #expect(try FeatureTable.evaluate("as_of = date '2024-03-01'", rows, asOf: asOf) == [true, true, true])
    }

    @Test func nullFeaturesAndComparisons() throws {
        let rows: [[String: Value]] = [["recency_days": .number(10)], ["recency_days": .number(200)], [:]]
        #expect(try FeatureTable.evaluate("recency_days > 90", rows) == [false, true, nil])
        #expect(try FeatureTable.evaluate("recency_days > 90 or recency_days is null", rows) == [false, true, true])
        #expect(try FeatureTable.evaluate("not (recency_days <= 90)", rows) == [false, true, nil])
        #expect(try FeatureTable.evaluate("coalesce(recency_days, 9999) > 90", rows) == [false, true, true])
    }

    @Test func booleanFeatures() throws {
        let rows: [[String: Value]] = [
            ["newsletter_opt_in": .boolean(true)], ["newsletter_opt_in": .boolean(false)], [:],
        ]
        #expect(try FeatureTable.evaluate("newsletter_opt_in", rows) == [true, false, nil])
        #expect(try FeatureTable.evaluate("newsletter_opt_in = false", rows) == [false, true, nil])
        #expect(try FeatureTable.evaluate("not newsletter_opt_in", rows) == [false, true, nil])
    }

    @Test func textPredicatesOverOneFeatureUseTheDictionary() throws {
        let rows: [[String: Value]] = [
            ["country": .text("DE")], ["country": .text("at")], ["country": .text("FR")], [:],
        ]
        #expect(try FeatureTable.evaluate("country in ('DE', 'AT')", rows) == [true, false, false, nil])
        #expect(try FeatureTable.evaluate("upper(country) in ('DE', 'AT')", rows) == [true, true, false, nil])
        #expect(try FeatureTable.evaluate("country not in ('DE')", rows) == [false, true, true, nil])
        #expect(try FeatureTable.evaluate("country is null", rows) == [false, false, false, true])
        #expect(try FeatureTable.evaluate("coalesce(country, 'none') = 'none'", rows) == [false, false, false, true])
        #expect(try FeatureTable.evaluate("country between 'A' and 'E'", rows) == [true, false, false, nil])
    }

    @Test func textPredicatesOverTwoFeaturesRunRowByRow() throws {
        let rows: [[String: Value]] = [
            ["top_product_line": .text("shoes"), "last_abandoned_category": .text("shoes")],
            ["top_product_line": .text("bags"), "last_abandoned_category": .text("shoes")],
            ["top_product_line": .text("bags")],
        ]
        let rule = "top_product_line = last_abandoned_category"
        #expect(try FeatureTable.evaluate(rule, rows) == [true, false, nil])
        #expect(try FeatureTable.evaluate("coalesce(last_abandoned_category, top_product_line) = 'bags'", rows)
            == [false, false, true])
    }

    @Test func populationStatisticsCompareRowsWithTheWholeSnapshot() throws {
        let rows: [[String: Value]] = [
            ["monetary": .number(10)], ["monetary": .number(20)], ["monetary": .number(30)],
            ["monetary": .number(140)], [:],
        ]
        // avg = 50 over the four non-null values; p75 = 30 + 0.25 * 110 = 57.5
        #expect(try FeatureTable.evaluate("monetary > avg(monetary)", rows) == [false, false, false, true, nil])
        #expect(try FeatureTable.evaluate("monetary >= p75(monetary) - 27.5", rows) == [false, false, true, true, nil])
        #expect(try FeatureTable.evaluate("count(monetary) = 4 and sum(monetary) = 200", rows).allSatisfy { $0 == true })
    }

    /// The compiled batch program and the scalar interpreter agree, over many batches and
    /// a mix of nulls.
    @Test func compiledProgramAgreesWithTheInterpreter() throws {
        var generator = SplitMix(seed: 42)
        let countries = ["DE", "AT", "FR", "PL"]
        let rows: [[String: Value]] = (0..<1500).map { _ in
            var row: [String: Value] = [:]
            if generator.chance(0.8) { row["recency_days"] = .number(Double(generator.below(400))) }
            if generator.chance(0.9) { row["frequency"] = .number(Double(generator.below(12))) }
            if generator.chance(0.85) { row["monetary"] = .number(Double(generator.below(100_000)) / 100) }
            if generator.chance(0.7) { row["newsletter_opt_in"] = .boolean(generator.chance(0.5)) }
            if generator.chance(0.9) { row["country"] = .text(countries[generator.below(4)]) }
            if generator.chance(0.5) { row["top_product_line"] = .text(countries[generator.below(4)]) }
            if generator.chance(0.6) { row["discounted_order_share"] = .number(Double(generator.below(101)) / 100) }
            return row
        }
        let rules = [
            "recency_days <= 30 and frequency >= 2",
            "monetary > avg(monetary) or newsletter_opt_in",
            "not (frequency between 2 and 5) and country not in ('DE', 'PL')",
            "coalesce(monetary / frequency, 0) >= p60(monetary) / 3",
            "round(discounted_order_share, 1) >= 0.5 or discounted_order_share is null",
            "least(recency_days, frequency * 30) < median(recency_days) and lower(country) = 'at'",
            "country = top_product_line or (frequency - 3) * 2 > stddev(frequency)",
            "-recency_days > -90 and abs(frequency - 5) <= 2 and greatest(recency_days, 100) = 100",
            "100 <= monetary and 3 > frequency and (null < frequency) is null",
            "newsletter_opt_in = true or false != newsletter_opt_in or monetary = null",
            "country in ('DE', null) or frequency in (1, 2, 3) or frequency not in (4, null)",
        ]
        for rule in rules {
            #expect(try FeatureTable.evaluate(rule, rows) == FeatureTable.interpret(rule, rows), "\(rule)")
        }
    }
}

/// A tiny deterministic generator for test data.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ probability: Double) -> Bool { Double(next() % 10_000) / 10_000 < probability }
}

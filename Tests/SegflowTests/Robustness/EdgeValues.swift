/// The edge values of each PostgreSQL type a source column can have, as SQL literals:
/// NULL, empty, ±infinity, NaN, the bounds of integer types, the largest numeric, 10 KB
/// of text and non-ASCII text. The edge-value matrix (EdgeValueMatrixTests) inserts each
/// into every source column.
enum EdgeValues {
    static let longText = String(repeating: "x", count: 10_240)

    /// Literals (already cast) for a column of `type` (information_schema's `data_type`).
    static func literals(type: String) -> [String] {
        let values: [String]
        switch type {
        case "bigint": values = ["0", "-9223372036854775808", "9223372036854775807"]
        case "integer": values = ["0", "-2147483648", "2147483647"]
        case "smallint": values = ["0", "-32768", "32767"]
        // Unconstrained numeric (the matrix widens numeric(p,s) columns so that mappings'
        // values can be tried too): NaN, ±Infinity, the largest numeric(12,2), beyond the engine's amounts (±922,337,203,685,477.58).
        case "numeric":
            values = ["'NaN'", "'Infinity'", "'-Infinity'", "9999999999.99", "-9999999999.99",
                      "922337203685477.59", "1e30", "0.005"]
        case "double precision":
            values = ["'NaN'", "'Infinity'", "'-Infinity'", "1.7976931348623157e308", "-1.7976931348623157e308"]
        case "timestamp with time zone":
            values = ["'infinity'", "'-infinity'", "'4713-01-01 00:00:00+00 BC'", "'294276-12-31 23:59:59.999999+00'"]
        case "date":
            values = ["'infinity'", "'-infinity'", "'4713-01-01 BC'", "'5874897-12-31'"]
        case "uuid":
            values = ["'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'"]
        case "boolean": values = ["true", "false"]
        default:
            values = ["''", "'   '", "'\(longText)'", "'Ünïcødé 東京 🚀 ''quoted'''", "'a\\b'", "E'tab\\tnewline\\n'"]
        }
        // Parenthesised: -9223372036854775808::bigint would cast before negating.
        return (["null"] + values).map { "(\($0))::\(sqlType(type))" }
    }

    private static func sqlType(_ dataType: String) -> String {
        switch dataType {
        case "timestamp with time zone": "timestamptz"
        case "double precision": "float8"
        default: dataType
        }
    }
}

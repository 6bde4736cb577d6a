import PostgresClient
import SegflowEngine

/// The SQL of one `segflow export`: built here from values segflow resolved itself (the
/// as_of and the segment come from `snapshots` and `segment_definitions`, the columns from
/// `ExportColumn`), because COPY takes no bind parameters.
public struct SegmentExportQuery: Sendable {
    public var schema: String
    public var segment: ExportSegment
    public var asOf: PostgresDate
    /// With `changes`: only who entered or left since the snapshot's `previous_as_of`.
    public var changes: Bool
    public var columns: [ExportColumn]
    public var format: ExportFormat
    /// Where `email` is read from: the pipeline's customers source.
    public var customersSource: SourceMapping

    public init(schema: String, segment: ExportSegment, asOf: PostgresDate, changes: Bool, columns: [ExportColumn],
                format: ExportFormat, customersSource: SourceMapping) {
        self.schema = schema
        self.segment = segment
        self.asOf = asOf
        self.changes = changes
        self.columns = columns
        self.format = format
        self.customersSource = customersSource
    }

    /// The header of the output, in order: `customer_id`, `change` (with `changes`), the columns.
    public var outputColumns: [String] {
        ["customer_id"] + (changes ? ["change"] : []) + columns.map(\.name)
    }

    /// The customers exported, one row each (`customer_id`, and `change` with `changes`).
    ///
    /// The one place that decides who is exported: a filter on membership (such as leaving out
    /// a segment's control group) belongs here and nowhere else.
    public var memberSelection: String {
        let out = PostgresQuery.quoteIdentifier(schema)
        let segmentFilter = "as_of = \(Self.literal(asOf.description))::date"
            + " and segmentation_key = \(Self.literal(segment.segmentationKey))"
            + " and segment_key = \(Self.literal(segment.segmentKey))"
        if changes {
            return "select customer_id, change from \(out).segment_membership_changes where \(segmentFilter)"
        }
        return "select customer_id from \(out).customer_segments where \(segmentFilter)"
    }

    /// The customers source reduced to the row the cleaner keeps per customer (the latest
    /// `updated_at`, ties by the greater normalised e-mail, then the greater `created_at`;
    /// docs/semantics.md, "customers") with its e-mail normalised the same way: lower case,
    /// trimmed, null unless it looks like an address.
    public var emailSelection: String {
        let normalised = "lower(trim(email::text))"
        return """
            select distinct on (customer_id::int8) customer_id::int8 as customer_id, \
            case when \(normalised) ~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$' then \(normalised) end as email \
            from \(customersSource.fromClause)
            where customer_id is not null \
            order by customer_id::int8, updated_at::timestamptz desc nulls last, \(normalised) desc nulls last, created_at::timestamptz desc nulls last
            """
    }

    /// The rows, ordered by customer: the member selection joined to the features of the
    /// snapshot (null for a customer who left and is not in it) and the e-mail when asked.
    public var select: String {
        let out = PostgresQuery.quoteIdentifier(schema)
        var list = ["m.customer_id"]
        if changes { list.append("m.change") }
        var joins = ""
        if columns.contains(where: { if case .feature = $0 { true } else { false } }) {
            joins += " left join \(out).customer_features f on f.as_of = \(Self.literal(asOf.description))::date and f.customer_id = m.customer_id"
        }
        if columns.contains(.email) {
            joins += " left join (\(emailSelection)) e on e.customer_id = m.customer_id"
        }
        for column in columns {
            let name = PostgresQuery.quoteIdentifier(column.name)
            switch column {
            case .email: list.append("e.email")
            case .feature: list.append("f.\(name)")
            }
        }
        return "select \(list.joined(separator: ", ")) from (\(memberSelection)) m\(joins) order by m.customer_id"
    }

    /// The COPY statement that streams the rows in `format`.
    ///
    /// jsonl: one `row_to_json` text per row through CSV mode with a quote and a delimiter JSON
    /// never contains unescaped (0x01, 0x02: `row_to_json` writes control characters as
    /// `\u0001`), so the server neither quotes nor escapes anything, unlike text mode, which would
    /// double every backslash of the JSON.
    public var copyStatement: String {
        switch format {
        case .csv:
            "copy (\(select)) to stdout (format csv, header true)"
        case .jsonl:
            "copy (select row_to_json(r)::text from (\(select)) r) to stdout (format csv, quote e'\\x01', delimiter e'\\x02')"
        }
    }

    /// A string literal (`'it''s'`); the exporter sets `standard_conforming_strings` on, so
    /// backslashes are literal.
    static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

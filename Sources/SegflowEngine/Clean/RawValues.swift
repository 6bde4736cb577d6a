import PostgresClient

/// Renders a COPY row's values as text for the quarantine, by the source's canonical types.
enum RawValues {
    static func render(_ row: BinaryCopyRow, source: SourceName) -> [QuarantineRecord.RawValue] {
        zip(source.columns, source.columnTypes).enumerated().map { index, column in
            QuarantineRecord.RawValue(column.0, text(row, index, type: column.1))
        }
    }

    static func text(_ row: BinaryCopyRow, _ field: Int, type: String) -> String? {
        guard field < row.fieldCount, !row.isNull(field) else { return nil }
        switch type {
        case "int8", "int4", "int2": return (try? row.int64(field)).flatMap { $0.map(String.init) }
        case "numeric": return (try? row.numeric(field))??.description
        case "float8": return (try? row.double(field))??.description
        case "bool": return (try? row.bool(field))??.description
        case "date": return (try? row.date(field))??.description
        case "timestamptz": return (try? row.timestamp(field))??.description
        default: return (try? row.string(field)) ?? nil
        }
    }
}

import Logging
import PostgresClient
import SegflowEngine
import SegflowPublish

/// `segflow export`: the members of one segment of a published snapshot (or who entered and
/// left it since the previous one), streamed from PostgreSQL with COPY to a destination.
///
/// Everything that can be wrong with the request is checked before the COPY starts: the
/// schema's version, the as_of (published?), the segment (defined in that snapshot?). The
/// rows pass through in chunks; nothing holds the members. Member data (e-mail addresses)
/// is never logged.
public struct SegmentExporter {
    /// What the command asked for, before it is resolved against the database.
    public struct Request: Sendable {
        /// `vip`, or `segmentation:segment` (see `ExportSegment.resolve`).
        public var segment: String
        /// nil: the latest published snapshot.
        public var asOf: PostgresDate?
        public var changes: Bool
        public var columns: [ExportColumn]
        public var format: ExportFormat
        public var schema: String
        public var customersSource: SourceMapping

        public init(segment: String, asOf: PostgresDate? = nil, changes: Bool = false, columns: [ExportColumn] = [],
                    format: ExportFormat = .csv, schema: String = "segflow",
                    customersSource: SourceMapping = .defaultTable(for: .customers)) {
            self.segment = segment
            self.asOf = asOf
            self.changes = changes
            self.columns = columns
            self.format = format
            self.schema = schema
            self.customersSource = customersSource
        }
    }

    /// What was exported.
    public struct Summary: Sendable {
        public var segment: ExportSegment
        public var asOf: PostgresDate
        /// The snapshot `changes` compare with (nil for the first snapshot: everyone entered).
        public var previousAsOf: PostgresDate?
        public var rows: Int
        public var bytes: Int
    }

    public let connection: PostgresConnection
    public let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Resolves the request against the published snapshots (throwing `InvalidExportError`
    /// before any member is read) and returns the query to run.
    public func resolve(_ request: Request) throws -> (query: SegmentExportQuery, previousAsOf: PostgresDate?) {
        try SchemaMigrator.checkCompatible(connection: connection, schema: request.schema)
        let schema = request.schema
        let asOf: PostgresDate
        if let wanted = request.asOf {
            let published = try connection.execute("select 1 from \(identifier: schema).snapshots where as_of = \(wanted)").rowCount == 1
            guard published else {
                let recent = try connection.execute("select as_of::text from \(identifier: schema).snapshots order by as_of desc limit 5")
                    .rows.compactMap { $0[0].string }
                throw InvalidExportError("--as-of \(wanted) was never published in \"\(schema)\""
                    + (recent.isEmpty ? "; nothing is published yet" : "; the latest published: \(recent.joined(separator: ", "))"))
            }
            asOf = wanted
        } else {
            guard let latest = try connection.execute("select max(as_of)::text from \(identifier: schema).snapshots")[0][0].date else {
                throw InvalidExportError("nothing is published in \"\(schema)\" yet: run `segflow run` first")
            }
            asOf = latest
        }
        let previousAsOf = try connection.execute(
            "select previous_as_of::text from \(identifier: schema).snapshots where as_of = \(asOf)"
        )[0][0].date
        let defined = try connection.execute(
            "select segmentation_key, segment_key from \(identifier: schema).segment_definitions where as_of = \(asOf) order by segmentation_key, position"
        ).rows.map { ExportSegment(segmentationKey: $0[0].string ?? "", segmentKey: $0[1].string ?? "") }
        let segment = try ExportSegment.resolve(request.segment, among: defined)
        let query = SegmentExportQuery(schema: schema, segment: segment, asOf: asOf, changes: request.changes,
                                       columns: request.columns, format: request.format, customersSource: request.customersSource)
        return (query, previousAsOf)
    }

    /// Resolves the request, streams its rows to `destination` and commits it (for a file: the
    /// rename). On any failure the destination is left uncommitted (a file target keeps its old content).
    public func export(_ request: Request, to destination: ExportDestination) throws -> Summary {
        try connection.simpleQuery("set standard_conforming_strings = on")
        return try connection.transaction(isolation: .repeatableRead, readOnly: true) {
            let (query, previousAsOf) = try resolve(request)
            logger.info("exporting segment", metadata: [
                "segment": "\(query.segment)", "as_of": "\(query.asOf)", "changes": "\(request.changes)",
                "columns": "\(query.outputColumns.joined(separator: ","))", "format": "\(request.format.rawValue)",
            ])
            let rows = try connection.copyOutBytes(query.copyStatement) { try destination.write($0) }
            try destination.commit()
            let dataRows = request.format == .csv ? max(0, rows - 1) : rows
            logger.info("segment exported", metadata: ["rows": "\(dataRows)", "bytes": "\(destination.bytesWritten)"])
            return Summary(segment: query.segment, asOf: query.asOf, previousAsOf: previousAsOf, rows: dataRows, bytes: destination.bytesWritten)
        }
    }
}

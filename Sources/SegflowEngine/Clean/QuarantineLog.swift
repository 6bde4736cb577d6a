/// Collects the quarantine records of one source and counts rows in and kept.
///
/// Per source, `rowsIn == rowsKept + rowsRejected` holds by construction: every row
/// handed to the clean stage ends in exactly one of `keep` and `reject`.
public struct QuarantineLog: Sendable {
    public let source: String
    public private(set) var records: [QuarantineRecord] = []
    public private(set) var rowsIn = 0
    public private(set) var rowsRejected = 0
    public private(set) var rowsRepaired = 0
    public private(set) var countsByReason: [String: Int] = [:]

    public init(source: String) {
        self.source = source
    }

    public var rowsKept: Int { rowsIn - rowsRejected }

    /// A row entered the stage.
    package mutating func receive(count: Int = 1) {
        rowsIn += count
    }

    mutating func reject(key: String, reason: QuarantineReason, raw: @autoclosure () -> [QuarantineRecord.RawValue]) {
        rowsRejected += 1
        countsByReason[reason.rawValue, default: 0] += 1
        records.append(QuarantineRecord(source: source, key: key, reason: reason, action: .rejected, raw: raw()))
    }

    mutating func repair(key: String, reason: QuarantineReason, raw: @autoclosure () -> [QuarantineRecord.RawValue]) {
        rowsRepaired += 1
        countsByReason["repaired:" + reason.rawValue, default: 0] += 1
        records.append(QuarantineRecord(source: source, key: key, reason: reason, action: .repaired, raw: raw()))
    }

    /// Turns an earlier kept row into a rejected one (a better duplicate arrived later).
    mutating func rejectKept(key: String, reason: QuarantineReason, raw: [QuarantineRecord.RawValue]) {
        reject(key: key, reason: reason, raw: raw)
    }
}

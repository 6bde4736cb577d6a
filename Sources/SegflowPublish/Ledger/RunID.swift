import Foundation
import PostgresClient

/// Identifies one segflow run in the ledger, the snapshots it published and its quarantine.
public struct RunID: Hashable, Sendable, CustomStringConvertible, PostgresBindable {
    public var uuid: UUID

    public init(_ uuid: UUID = UUID()) {
        self.uuid = uuid
    }

    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }

    public var description: String { uuid.uuidString.lowercased() }
    public var postgresText: String { description }
}

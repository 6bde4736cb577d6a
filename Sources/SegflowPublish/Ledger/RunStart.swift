import Foundation
import PostgresClient

/// What the ledger records when a run starts.
public struct RunStart: Sendable {
    /// The subcommand: `run`, `backfill`, `migrate`, …
    public var command: String
    public var pipeline: String?
    public var pipelineFile: String?
    /// The snapshot's as-of day; nil for commands that compute none.
    public var asOf: PostgresDate?
    public var configHash: String?
    public var segflowVersion: String
    public var host: String
    public var pid: Int32
    /// Groups the rows of one backfill (one row per as-of day); nil for other commands.
    public var batchID: RunID?

    public init(
        command: String,
        pipeline: String? = nil,
        pipelineFile: String? = nil,
        asOf: PostgresDate? = nil,
        configHash: String? = nil,
        segflowVersion: String,
        host: String = ProcessInfo.processInfo.hostName,
        pid: Int32 = ProcessInfo.processInfo.processIdentifier,
        batchID: RunID? = nil
    ) {
        self.command = command
        self.pipeline = pipeline
        self.pipelineFile = pipelineFile
        self.asOf = asOf
        self.configHash = configHash
        self.segflowVersion = segflowVersion
        self.host = host
        self.pid = pid
        self.batchID = batchID
    }
}

import Foundation
import Logging

/// Picks the clean stage's per-source counts out of the engine's `cleaned` log lines while
/// passing every line on unchanged.
///
/// Why: `SnapshotEngine.run(asOf:eachSnapshot:)` returns the quarantine only after the last
/// snapshot has been handed over, but a backfill publishes earlier snapshots as they arrive
/// and its quarantine gates must hold before the first one is published. The engine logs
/// the counts (`cleaned`, with `source`, `rows_in`, `rejected`) before building any snapshot.
/// Replace with a field on `SnapshotEngine.Snapshot` once the engine offers one.
final class CleanCountsRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [SourceCounts] = []

    var counts: [SourceCounts] { lock.withLock { recorded } }

    func reset() { lock.withLock { recorded = [] } }

    fileprivate func record(_ metadata: Logger.Metadata?) {
        guard let metadata, case .string(let source)? = metadata["source"],
              let rowsIn = metadata["rows_in"].flatMap({ Int("\($0)") }),
              let rejected = metadata["rejected"].flatMap({ Int("\($0)") })
        else { return }
        lock.withLock { recorded.append(SourceCounts(source: source, rowsIn: rowsIn, rowsRejected: rejected)) }
    }

    /// A logger that records into `self` and logs exactly what `logger` would.
    func wrapping(_ logger: Logger) -> Logger {
        var wrapped = logger
        wrapped.handler = Handler(inner: logger.handler, recorder: self)
        return wrapped
    }

    private struct Handler: LogHandler {
        var inner: any LogHandler
        let recorder: CleanCountsRecorder

        // Sees info lines even when the real handler is quieter; forwards only what it wants.
        var logLevel: Logger.Level {
            get { min(inner.logLevel, .info) }
            set { inner.logLevel = newValue }
        }

        var metadata: Logger.Metadata {
            get { inner.metadata }
            set { inner.metadata = newValue }
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { inner[metadataKey: key] }
            set { inner[metadataKey: key] = newValue }
        }

        var metadataProvider: Logger.MetadataProvider? {
            get { inner.metadataProvider }
            set { inner.metadataProvider = newValue }
        }

        func log(event: LogEvent) {
            if event.level == .info, event.message.description == "cleaned" { recorder.record(event.metadata) }
            if event.level >= inner.logLevel { inner.log(event: event) }
        }
    }
}

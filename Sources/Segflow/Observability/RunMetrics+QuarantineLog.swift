import SegflowEngine

extension RunMetrics.SourceCounts {
    /// The counts of one source's clean stage, as the engine's summary reports them.
    public init(_ log: QuarantineLog) {
        self.init(source: log.source, rowsIn: log.rowsIn, rowsKept: log.rowsKept, rowsRejected: log.rowsRejected,
                  byReason: log.countsByReason)
    }
}

/// Thresholds a source must meet before a run may publish; each is optional.
public struct QualityGate: Sendable, Hashable {
    /// Highest share (0…1) of rows quarantined by cleaning.
    public var maxQuarantineRate: Double?
    /// Fewest rows the source must have.
    public var minRows: Int?
    /// Longest time since the source's newest row.
    public var maxStaleness: PipelineDuration?

    public init(maxQuarantineRate: Double? = nil, minRows: Int? = nil, maxStaleness: PipelineDuration? = nil) {
        self.maxQuarantineRate = maxQuarantineRate
        self.minRows = minRows
        self.maxStaleness = maxStaleness
    }
}

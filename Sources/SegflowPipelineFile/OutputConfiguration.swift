/// Where results are written.
public struct OutputConfiguration: Sendable, Hashable {
    /// PostgreSQL schema for segflow's output tables.
    public var schema: String

    public init(schema: String = "segflow") {
        self.schema = schema
    }
}

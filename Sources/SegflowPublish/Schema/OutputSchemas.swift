/// The schemas that belong to an output schema, named after it (migration 0007 applies
/// the same rule in SQL): `<schema>_partitions` holds the snapshot partitions of
/// `customer_features` and `customer_segments`, `<schema>_bi` the BI views.
public enum OutputSchemas {
    /// Where the publisher creates snapshot partitions: out of a BI tool's table picker.
    public static func partitions(of schema: String) -> String { schema + "_partitions" }

    /// The BI layer: views with one stated grain each (docs/output-tables.md).
    public static func bi(of schema: String) -> String { schema + "_bi" }
}

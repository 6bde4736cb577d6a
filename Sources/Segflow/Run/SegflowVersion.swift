/// The version recorded in the run ledger and printed by `--version`.
public enum SegflowVersion {
    public static let current = "0.1.0"
}

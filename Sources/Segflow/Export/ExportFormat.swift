/// How `segflow export` writes rows: CSV with a header line, or one JSON object per line.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv
    case jsonl
}

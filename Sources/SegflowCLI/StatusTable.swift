import Foundation
import Segflow

/// The human rendering of `segflow status`: two aligned tables.
struct StatusTable {
    let overview: RunHistory.Overview

    var text: String {
        var lines = ["runs in schema \"\(overview.schema)\", newest first:"]
        if overview.runs.isEmpty {
            lines.append("  (none)")
        } else {
            let rows = overview.runs.map { run -> [String] in
                [String(run.runID.prefix(8)), run.command, run.asOf ?? "-", run.status, Self.time(run.startedAt),
                 run.durationSeconds.map(Self.duration) ?? "-", run.rowsIn.map(String.init) ?? "-",
                 run.quarantined.map(String.init) ?? "-", run.error ?? ""]
            }
            lines += Self.table(
                header: ["RUN", "COMMAND", "AS OF", "STATUS", "STARTED (UTC)", "DURATION", "ROWS IN", "QUARANTINED", "ERROR"],
                rows: rows, rightAligned: [5, 6, 7])
        }
        lines.append("")
        lines.append("published snapshots, newest first:")
        if overview.snapshots.isEmpty {
            lines.append("  (none)")
        } else {
            let rows = overview.snapshots.map { snapshot -> [String] in
                [snapshot.asOf, snapshot.customers.map(String.init) ?? "-", snapshot.quarantined.map(String.init) ?? "-",
                 String((snapshot.configHash ?? "-").prefix(12)), snapshot.publishedAt.map(Self.time) ?? "-",
                 String((snapshot.runID ?? "-").prefix(8))]
            }
            lines += Self.table(header: ["AS OF", "CUSTOMERS", "QUARANTINED", "CONFIG HASH", "PUBLISHED (UTC)", "RUN"],
                                rows: rows, rightAligned: [1, 2])
        }
        return lines.joined(separator: "\n")
    }

    /// `2026-11-22T14:00:01Z` → `2026-11-22 14:00:01`.
    static func time(_ iso: String) -> String {
        iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if seconds < 3600 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%dh%02dm", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
    }

    static func table(header: [String], rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        return ([header] + rows).map { row in
            let cells = row.enumerated().map { column, cell in
                if column == row.count - 1 { return cell }  // last column unpadded
                return rightAligned.contains(column) ? cell.leftPadded(widths[column])
                    : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            return "  " + cells.joined(separator: "  ").trimmingTrailingSpaces
        }
    }
}

private extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

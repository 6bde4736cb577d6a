/// The `postgresql.conf` settings of a throwaway cluster.
///
/// Written to `segflow.conf` in the data directory and included from
/// `postgresql.conf`, so the file initdb generated stays untouched and the
/// port can be rewritten on a retry.
enum ServerConfiguration {
    /// File name, relative to the data directory.
    static let fileName = "segflow.conf"

    /// Tuned for a fast, disposable, bulk-loading server: durability is traded
    /// away (a crash loses the cluster, which is thrown away anyway).
    static let defaultSettings: [(String, String)] = [
        // Durability off: nothing here outlives the process that started it.
        ("fsync", "off"),
        ("synchronous_commit", "off"),
        ("full_page_writes", "off"),
        // Minimal WAL lets COPY into a table created in the same transaction skip WAL entirely.
        ("wal_level", "minimal"),
        ("max_wal_senders", "0"),
        ("max_wal_size", "8GB"),
        ("checkpoint_timeout", "30min"),
        // Memory for bulk loads, sorts and index builds.
        ("shared_buffers", "512MB"),
        ("work_mem", "64MB"),
        ("maintenance_work_mem", "512MB"),
        ("max_connections", "100"),
        // UTC so date arithmetic in tests does not depend on the machine's zone.
        ("timezone", "UTC"),
        ("log_timezone", "UTC"),
        // pg_ctl -l sends stderr to the log file; no collector process needed.
        ("logging_collector", "off"),
        ("log_destination", "stderr"),
        ("ssl", "off"),
    ]

    /// The file's contents: defaults, then connection settings, then `overrides`
    /// (later lines win in postgresql.conf, so overrides beat defaults).
    static func render(port: Int, socketDirectory: String, overrides: [String: String]) -> String {
        var lines = ["# Written by segflow's LocalPostgres for a throwaway cluster; regenerated on each start."]
        for (name, value) in defaultSettings {
            lines.append(line(name, value))
        }
        lines.append(line("listen_addresses", "127.0.0.1"))
        lines.append(line("port", String(port)))
        lines.append(line("unix_socket_directories", socketDirectory))
        lines.append(line("unix_socket_permissions", "0777"))
        for name in overrides.keys.sorted() {
            if let value = overrides[name] {
                lines.append(line(name, value))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `name = 'value'`: every setting type accepts a quoted value, so quoting all avoids type rules.
    private static func line(_ name: String, _ value: String) -> String {
        "\(name) = '\(value.replacingOccurrences(of: "'", with: "''"))'"
    }
}

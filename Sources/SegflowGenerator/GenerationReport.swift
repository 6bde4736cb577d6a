import Foundation

/// What `DataGenerator.run` did: rows and throughput per table, the persona mix, the
/// defects planted and how long each phase took.
public struct GenerationReport: Sendable {
    public struct TableLoad: Sendable {
        public var table: SourceTable
        public var rows: Int
        public var bytes: Int
        /// From the start of the table's COPY to the end of its stream.
        public var seconds: Double

        public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    }

    public var configuration: GeneratorConfiguration
    public var tables: [TableLoad]
    public var personaCounts: [Persona: Int]
    public var defectCounts: [SourceTable: [DefectKind: Int]]
    /// Dropping and creating the schemas, loading the catalogue and fx rates.
    public var prepareSeconds: Double
    /// Generating and streaming all rows, through the commit.
    public var loadSeconds: Double
    /// Creating indexes and analyzing.
    public var indexSeconds: Double
    public var totalSeconds: Double

    public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }
    public var totalBytes: Int { tables.reduce(0) { $0 + $1.bytes } }
    public var totalDefects: Int { defectCounts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    public func rows(_ table: SourceTable) -> Int {
        tables.first { $0.table == table }?.rows ?? 0
    }

    /// A plain-text table for the terminal.
    public var summary: String {
        func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return right ? padding + text : text + padding
        }
        func grouped(_ value: Int) -> String {
            let digits = String(value)
            var out = ""
            for (index, character) in digits.reversed().enumerated() {
                if index > 0 && index % 3 == 0 { out.append(",") }
                out.append(character)
            }
            return String(out.reversed())
        }
        var lines: [String] = []
        lines.append("\(pad("table", 28, right: false))\(pad("rows", 13))\(pad("MB", 9))\(pad("seconds", 9))\(pad("rows/s", 12))")
        for load in tables {
            lines.append(
                pad(load.table.qualifiedName, 28, right: false) + pad(grouped(load.rows), 13)
                    + pad(String(format: "%.1f", Double(load.bytes) / 1_048_576), 9)
                    + pad(String(format: "%.1f", load.seconds), 9) + pad(grouped(Int(load.rowsPerSecond)), 12)
            )
        }
        let overall = loadSeconds > 0 ? Double(totalRows) / loadSeconds : 0
        lines.append(
            pad("all tables (load phase)", 28, right: false) + pad(grouped(totalRows), 13)
                + pad(String(format: "%.1f", Double(totalBytes) / 1_048_576), 9)
                + pad(String(format: "%.1f", loadSeconds), 9) + pad(grouped(Int(overall)), 12)
        )
        lines.append(String(
            format: "phases: prepare %.1f s, generate+load %.1f s, indexes+analyze %.1f s; total %.1f s (%@ rows/s overall)",
            prepareSeconds, loadSeconds, indexSeconds, totalSeconds, grouped(Int(totalSeconds > 0 ? Double(totalRows) / totalSeconds : 0))
        ))
        let customers = max(1, configuration.customers)
        lines.append(String(
            format: "per customer: %.1f sessions, %.2f orders, %.2f order lines, %.2f chats",
            Double(rows(.sessions)) / Double(customers), Double(rows(.orders)) / Double(customers),
            Double(rows(.orderItems)) / Double(customers), Double(rows(.chats)) / Double(customers)
        ))
        let mix = Persona.allCases.compactMap { persona -> String? in
            guard let count = personaCounts[persona], count > 0 else { return nil }
            return "\(persona.rawValue) \(String(format: "%.1f", 100 * Double(count) / Double(customers)))%"
        }
        lines.append("personas: " + mix.joined(separator: ", "))
        if totalDefects > 0 {
            let perTable = SourceTable.allCases.compactMap { table -> String? in
                guard let kinds = defectCounts[table], !kinds.isEmpty else { return nil }
                return "\(table.rawValue) \(grouped(kinds.values.reduce(0, +)))"
            }
            lines.append("defects: \(grouped(totalDefects)) (" + perTable.joined(separator: ", ") + ")")
        }
        return lines.joined(separator: "\n")
    }
}

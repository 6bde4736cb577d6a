import Foundation
import SegflowEngine
import SegflowModels
import SegflowRules

extension PipelineConfiguration {
    /// SHA-256 (hex) of `canonicalRendering`: equal for files that differ only in
    /// comments, formatting, key order or rule spacing. Recorded in the run ledger.
    public var configHash: String {
        SHA256.hex(Array(canonicalRendering.utf8))
    }

    /// A deterministic line-per-setting rendering of the configuration, defaults included.
    /// Rules appear in their canonical parenthesised form. The file path and positions are left out.
    public var canonicalRendering: String {
        var lines: [String] = []
        func add(_ key: String, _ value: String) { lines.append("\(key)=\(Self.quote(value))") }
        add("version", String(version))
        add("name", name)
        add("description", description ?? "")
        add("timezone", timeZone.name)
        add("base_currency", baseCurrency)
        for kind in SourceName.allCases {
            switch sources[kind] ?? .defaultTable(for: kind) {
            case .table(let table): add("sources.\(kind.rawValue).table", table)
            case .query(let query): add("sources.\(kind.rawValue).query", query)
            }
        }
        add("cleaning.test_accounts.emails", cleaning.testAccounts.emails.joined(separator: ","))
        add("cleaning.test_accounts.email_domains", cleaning.testAccounts.emailDomains.joined(separator: ","))
        add("cleaning.test_accounts.customer_ids", cleaning.testAccounts.customerIDs.map(String.init).joined(separator: ","))
        add("cleaning.valid_statuses", cleaning.validStatuses.joined(separator: ","))
        add("cleaning.max_order_total", Expression.render(cleaning.maxOrderTotal))
        for kind in SourceName.allCases {
            guard let gate = qualityGates[kind] else { continue }
            let prefix = "quality_gates.\(kind.rawValue)"
            if let rate = gate.maxQuarantineRate { add("\(prefix).max_quarantine_rate", Expression.render(rate)) }
            if let rows = gate.minRows { add("\(prefix).min_rows", String(rows)) }
            if let staleness = gate.maxStaleness { add("\(prefix).max_staleness", String(staleness.seconds) + "s") }
        }
        add("output.schema", output.schema)
        // Rendered only when not the defaults, so files written before `models:` existed keep the hash
        // recorded in their snapshots (ConfigHashTests).
        if models != ModelSettings() {
            add("models.enabled", String(models.enabled))
            add("models.purchase", models.purchaseModel.rawValue)
            add("models.time_unit", models.timeUnit.rawValue)
            add("models.penalizer", Expression.render(models.penalizer))
            add("models.clv.margin", Expression.render(models.margin))
            add("models.clv.annual_discount_rate", Expression.render(models.annualDiscountRate))
            add("models.clv.horizon_months", String(models.clvHorizonMonths))
        }
        for (index, segmentation) in segmentations.enumerated() {
            let prefix = "segmentations[\(index)]"
            add("\(prefix).key", segmentation.key)
            add("\(prefix).name", segmentation.name)
            add("\(prefix).description", segmentation.description ?? "")
            add("\(prefix).primary", String(segmentation.isPrimary))
            add("\(prefix).exclusive", String(segmentation.isExclusive))
            switch segmentation.kind {
            case .segments(let segments):
                for (position, segment) in segments.enumerated() {
                    let segmentPrefix = "\(prefix).segments[\(position)]"
                    add("\(segmentPrefix).key", segment.key)
                    add("\(segmentPrefix).name", segment.name)
                    add("\(segmentPrefix).description", segment.description ?? "")
                    add("\(segmentPrefix).rule", segment.rule.description)
                    add("\(segmentPrefix).actions", segment.actions.map(Self.quote).joined(separator: ","))
                    // Only when set, so files without control groups keep their recorded hash.
                    if let control = segment.control {
                        add("\(segmentPrefix).control_share", Expression.render(control.share))
                        add("\(segmentPrefix).control_salt", control.salt)
                    }
                }
            case .family(let family):
                add("\(prefix).family", family.featureName)
                add("\(prefix).name_template", family.nameTemplate)
                add("\(prefix).description_template", family.descriptionTemplate ?? "")
                add("\(prefix).rule", family.rule?.description ?? "")
                add("\(prefix).actions", family.actions.map(Self.quote).joined(separator: ","))
            case .clusters(let clusters):
                for (name, value) in clusters.canonicalSettings { add("\(prefix).clusters.\(name)", value) }
                for (position, feature) in clusters.settings.features.enumerated() {
                    add("\(prefix).clusters.features[\(position)].high", feature.highLabel)
                    add("\(prefix).clusters.features[\(position)].low", feature.lowLabel)
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A JSON-style quoted string, so values with separators or newlines cannot collide.
    private static func quote(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

import Foundation
import SegflowEngine
import SegflowModels
import SegflowRules
import Yams

/// Walks the composed YAML of a pipeline file, building the configuration and collecting
/// every problem with its position instead of stopping at the first. The one reader of
/// pipeline files: `run`, `validate` and the config hash all work from what it read.
package struct PipelineFileReader {
    let file: String
    let yaml: String
    private let scalarPositions: ScalarPositionMap
    private(set) var issues: [PipelineIssue] = []
    /// Where every key and value of the file is written.
    private(set) var positions = PipelinePositions()
    /// The sources whose mapping reads well, even when other parts of the file do not.
    private(set) var sources: [SourceName: SourceMapping] = [:]
    /// The output settings as far as they read well (the default schema otherwise).
    private(set) var output = OutputConfiguration()
    /// `control_salt`, read before the segmentations that use it.
    var controlSalt = ControlGroup.defaultSalt

    init(file: String, yaml: String) {
        self.file = file
        self.yaml = yaml
        scalarPositions = ScalarPositionMap(yaml: yaml)
    }

    // MARK: Issues

    mutating func issue(_ message: String, at mark: Mark?, code: String = "invalid_value") {
        issues.append(PipelineIssue(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message,
                                    code: code))
    }

    mutating func issue(_ message: String, at node: Node, code: String = "invalid_value") {
        issue(message, at: node.mark, code: code)
    }

    /// Expression errors, placed in the file: the scalar's mark plus the offset in the rule.
    private mutating func issue(_ error: ExpressionError, in node: Node, context: String) {
        let message = "\(context): \(error.message)"
        let code = error.message.hasPrefix("unknown feature") ? "unknown_feature" : "invalid_rule"
        if let scalar = node.scalar, let (line, column) = scalarPositions.position(of: error.location.offset, in: scalar) {
            issues.append(PipelineIssue(file: file, line: line, column: column, message: message, code: code))
        } else {
            issue(message, at: node, code: code)
        }
    }

    // MARK: Typed values

    /// A mapping's entries with their key names; unknown keys are reported with a suggestion.
    mutating func entries(_ node: Node, allowed: [String], what: String) -> [String: (key: Node, value: Node)]? {
        guard let mapping = node.mapping else {
            issue("\(what) must be a mapping of keys to values", at: node, code: "wrong_type")
            return nil
        }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                issue("keys in \(what) must be plain names", at: key, code: "wrong_type")
                continue
            }
            guard allowed.contains(name) else {
                issue("unknown key '\(name)' in \(what)\(NameSuggester.hint(for: name, among: allowed))", at: key, code: "unknown_key")
                continue
            }
            result[name] = (key, value)
        }
        return result
    }

    mutating func string(_ node: Node, _ what: String, allowEmpty: Bool = false) -> String? {
        guard let scalar = node.scalar, node.null == nil || scalar.style != .plain else {
            issue("'\(what)' must be text", at: node, code: "wrong_type")
            return nil
        }
        if !allowEmpty, scalar.string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issue("'\(what)' must not be empty", at: node, code: "empty_value")
            return nil
        }
        return scalar.string
    }

    mutating func int(_ node: Node, _ what: String) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any, let value = node.int else {
            issue("'\(what)' must be a whole number", at: node, code: "wrong_type")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, _ what: String) -> Double? {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any,
              let value = node.int.map(Double.init) ?? node.float, value.isFinite
        else {
            issue("'\(what)' must be a number", at: node, code: "wrong_type")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any,
              scalar.string == "true" || scalar.string == "false"
        else {
            issue("'\(what)' must be true or false", at: node, code: "wrong_type")
            return nil
        }
        return scalar.string == "true"
    }

    mutating func strings(_ node: Node, _ what: String) -> [String]? {
        guard let sequence = node.sequence else {
            issue("'\(what)' must be a list", at: node, code: "wrong_type")
            return nil
        }
        var result: [String] = []
        for item in sequence {
            if let value = string(item, "\(what) item") { result.append(value) }
        }
        return result
    }

    /// A slug key: `[a-z][a-z0-9_]*`.
    mutating func key(_ node: Node, _ what: String) -> String? {
        guard let value = string(node, what) else { return nil }
        guard Self.isSlug(value) else {
            issue("\(what) '\(value)' must be lower-case letters, digits and '_', starting with a letter", at: node)
            return nil
        }
        return value
    }

    static func isSlug(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    package static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first,
              ("a"..."z").contains(first) || ("A"..."Z").contains(first) || first == "_"
        else { return false }
        return text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }

    /// Parses and checks a rule, reporting every error at its position in the file.
    mutating func rule(_ node: Node, context: String) -> RuleExpression? {
        guard let text = string(node, "rule") else { return nil }
        do {
            return try RuleExpression(text)
        } catch {
            for expressionError in error.errors {
                issue(expressionError, in: node, context: context)
            }
            return nil
        }
    }

    // MARK: The document

    mutating func read(_ root: Node) -> PipelineConfiguration? {
        positions = PipelinePositions(root: root)
        let allowed = ["version", "name", "description", "timezone", "base_currency", "sources", "cleaning",
                       "quality_gates", "output", "models", "control_salt", "segmentations"]
        guard let top = entries(root, allowed: allowed, what: "the pipeline file") else { return nil }
        for required in ["version", "name", "timezone", "base_currency", "segmentations"] where top[required] == nil {
            issue("missing required key '\(required)'", at: root, code: "missing_key")
        }

        var version: Int?
        if let node = top["version"]?.value, let value = int(node, "version") {
            if value == PipelineConfiguration.currentVersion {
                version = value
            } else {
                issue("unsupported version \(value); this segflow reads version \(PipelineConfiguration.currentVersion)",
                      at: node)
            }
        }
        let name = top["name"].flatMap { string($0.value, "name") }
        let description = top["description"].flatMap { string($0.value, "description", allowEmpty: true) }

        var timeZone: PipelineTimeZone?
        if let node = top["timezone"]?.value, let value = string(node, "timezone") {
            if let resolved = PipelineTimeZone(value) {
                timeZone = resolved
            } else {
                let known = TimeZone.knownTimeZoneIdentifiers
                issue("unknown time zone '\(value)' (use an IANA name like Europe/Berlin)"
                    + NameSuggester.hint(for: value, among: known), at: node, code: "unknown_time_zone")
            }
        }

        var currency: String?
        if let node = top["base_currency"]?.value, let value = string(node, "base_currency") {
            if value.count == 3, value.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) {
                currency = value
            } else {
                issue("base_currency '\(value)' must be a 3-letter upper-case ISO 4217 code like EUR", at: node)
            }
        }

        sources = top["sources"].map { readSources($0.value) } ?? [:]
        let cleaning = top["cleaning"].map { readCleaning($0.value) } ?? CleaningConfiguration()
        let gates = top["quality_gates"].map { readQualityGates($0.value) } ?? [:]
        output = top["output"].map { readOutput($0.value) } ?? OutputConfiguration()
        let models = top["models"].map { readModels($0.value) } ?? ModelSettings()
        if let node = top["control_salt"]?.value, let value = string(node, "control_salt") {
            controlSalt = value
        }
        let segmentations = top["segmentations"].map { readSegmentations($0.value) } ?? []

        guard issues.isEmpty, let version, let name, let timeZone, let currency else { return nil }
        return PipelineConfiguration(
            file: file, version: version, name: name, description: description, timeZone: timeZone,
            baseCurrency: currency, sources: sources, cleaning: cleaning, qualityGates: gates, output: output,
            models: models, segmentations: segmentations, positions: positions)
    }

    // MARK: Sections

    private mutating func readSources(_ node: Node) -> [SourceName: SourceMapping] {
        let names = SourceName.allCases.map(\.rawValue)
        guard let sources = entries(node, allowed: names, what: "sources") else { return [:] }
        var result: [SourceName: SourceMapping] = [:]
        for (name, entry) in sources {
            guard let kind = SourceName(rawValue: name),
                  let fields = entries(entry.value, allowed: ["table", "query"], what: "source '\(name)'")
            else { continue }
            switch (fields["table"], fields["query"]) {
            case (.some, .some):
                issue("source '\(name)' has both 'table' and 'query'; give one", at: entry.value)
            case (nil, nil):
                issue("source '\(name)' needs 'table' or 'query'", at: entry.value)
            case (.some(let table), nil):
                guard let value = string(table.value, "table") else { continue }
                let parts = value.split(separator: ".", omittingEmptySubsequences: false)
                if parts.count == 2, parts.allSatisfy({ Self.isIdentifier(String($0)) }) {
                    result[kind] = .table(value)
                } else {
                    issue("table '\(value)' must be written schema.table (letters, digits, '_')", at: table.value)
                }
            case (nil, .some(let query)):
                guard let value = string(query.value, "query") else { continue }
                let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
                if let problem = SourceQueryCheck.problem(in: trimmed) {
                    issue("source '\(name)': \(problem)", at: query.value, code: "unsafe_query")
                } else {
                    result[kind] = .query(trimmed)
                }
            }
        }
        return result
    }

    private mutating func readCleaning(_ node: Node) -> CleaningConfiguration {
        var cleaning = CleaningConfiguration()
        guard let fields = entries(node, allowed: ["test_accounts", "valid_statuses", "max_order_total"],
                                   what: "cleaning")
        else { return cleaning }
        if let node = fields["test_accounts"]?.value,
           let accounts = entries(node, allowed: ["emails", "email_domains", "customer_ids"], what: "test_accounts") {
            if let list = accounts["emails"]?.value {
                for item in list.sequence ?? [] {
                    guard let email = string(item, "emails item") else { continue }
                    if email.split(separator: "@", omittingEmptySubsequences: false).count == 2, !email.hasPrefix("@"),
                       !email.hasSuffix("@") {
                        cleaning.testAccounts.emails.append(TextNormalization.lowercased(email))
                    } else {
                        issue("'\(email)' is not an e-mail address", at: item)
                    }
                }
                if list.sequence == nil { issue("'emails' must be a list", at: list, code: "wrong_type") }
            }
            if let list = accounts["email_domains"]?.value {
                for item in list.sequence ?? [] {
                    guard let domain = string(item, "email_domains item") else { continue }
                    if domain.contains("@") || !domain.contains(".") {
                        issue("'\(domain)' is not a domain (write the part after '@', like test.example.com)", at: item)
                    } else {
                        cleaning.testAccounts.emailDomains.append(TextNormalization.lowercased(domain))
                    }
                }
                if list.sequence == nil { issue("'email_domains' must be a list", at: list, code: "wrong_type") }
            }
            if let list = accounts["customer_ids"]?.value {
                for item in list.sequence ?? [] {
                    if let id = int(item, "customer_ids item") { cleaning.testAccounts.customerIDs.append(Int64(id)) }
                }
                if list.sequence == nil { issue("'customer_ids' must be a list", at: list, code: "wrong_type") }
            }
        }
        if let node = fields["valid_statuses"]?.value, let statuses = strings(node, "valid_statuses") {
            if !statuses.contains("completed") {
                issue("valid_statuses must include 'completed': only completed orders are purchases", at: node)
            } else {
                cleaning.validStatuses = statuses
            }
        }
        if let node = fields["max_order_total"]?.value, let total = number(node, "max_order_total") {
            if total <= 0 {
                issue("max_order_total must be positive", at: node)
            } else if total > CleaningConfiguration.largestMaxOrderTotal {
                // Beyond it, the limit in cents would not fit int8 (a crash, once) and no
                // published total could reach it anyway.
                issue("max_order_total must be at most 999999999999.99 (the output's money columns hold no more)", at: node)
            } else {
                cleaning.maxOrderTotal = total
            }
        }
        return cleaning
    }

    private mutating func readQualityGates(_ node: Node) -> [SourceName: QualityGate] {
        guard let sources = entries(node, allowed: SourceName.allCases.map(\.rawValue), what: "quality_gates") else {
            return [:]
        }
        var result: [SourceName: QualityGate] = [:]
        for (name, entry) in sources {
            guard let kind = SourceName(rawValue: name),
                  let fields = entries(entry.value, allowed: ["max_quarantine_rate", "min_rows", "max_staleness"],
                                       what: "quality gate '\(name)'")
            else { continue }
            var gate = QualityGate()
            if let node = fields["max_quarantine_rate"]?.value, let rate = number(node, "max_quarantine_rate") {
                if (0...1).contains(rate) {
                    gate.maxQuarantineRate = rate
                } else {
                    issue("max_quarantine_rate must be between 0 and 1 (a share, not a percentage)", at: node)
                }
            }
            if let node = fields["min_rows"]?.value, let rows = int(node, "min_rows") {
                if rows >= 0 { gate.minRows = rows } else { issue("min_rows must not be negative", at: node) }
            }
            if let node = fields["max_staleness"]?.value, let text = string(node, "max_staleness") {
                if let duration = PipelineDuration(text) {
                    gate.maxStaleness = duration
                } else {
                    issue("max_staleness '\(text)' must be a whole number with a unit s, m, h, d or w, like 36h or 2d",
                          at: node, code: "invalid_duration")
                }
            }
            result[kind] = gate
        }
        return result
    }

    private mutating func readOutput(_ node: Node) -> OutputConfiguration {
        var output = OutputConfiguration()
        guard let fields = entries(node, allowed: ["schema"], what: "output") else { return output }
        if let node = fields["schema"]?.value, let schema = string(node, "schema") {
            if Self.isIdentifier(schema) {
                output.schema = schema
            } else {
                issue("schema '\(schema)' must be an identifier (letters, digits, '_')", at: node)
            }
        }
        return output
    }

    private mutating func readModels(_ node: Node) -> ModelSettings {
        var models = ModelSettings()
        let allowed = ["enabled", "purchase", "time_unit", "penalizer", "clv"]
        guard let fields = entries(node, allowed: allowed, what: "models") else { return models }
        if let node = fields["enabled"]?.value, let enabled = bool(node, "enabled") { models.enabled = enabled }
        if let node = fields["purchase"]?.value, let name = string(node, "purchase") {
            if let kind = PurchaseModelKind(rawValue: name) {
                models.purchaseModel = kind
            } else {
                let known = PurchaseModelKind.allCases.map(\.rawValue)
                issue("unknown purchase model '\(name)' (one of \(known.joined(separator: ", ")))"
                    + NameSuggester.hint(for: name, among: known), at: node)
            }
        }
        if let node = fields["time_unit"]?.value, let name = string(node, "time_unit") {
            if let unit = ModelTimeUnit(rawValue: name) {
                models.timeUnit = unit
            } else {
                issue("time_unit '\(name)' must be days or weeks", at: node)
            }
        }
        if let node = fields["penalizer"]?.value, let penalizer = number(node, "penalizer") {
            if penalizer >= 0, penalizer.isFinite {
                models.penalizer = penalizer
            } else {
                issue("penalizer must be a non-negative number (0: no penalty)", at: node)
            }
        }
        if let node = fields["clv"]?.value,
           let clv = entries(node, allowed: ["margin", "annual_discount_rate", "horizon_months"], what: "clv") {
            if let node = clv["margin"]?.value, let margin = number(node, "margin") {
                if margin > 0, margin <= 1 {
                    models.margin = margin
                } else {
                    issue("margin must be a share of revenue in (0, 1], like 0.3", at: node)
                }
            }
            if let node = clv["annual_discount_rate"]?.value, let rate = number(node, "annual_discount_rate") {
                if rate >= 0, rate < 1 {
                    models.annualDiscountRate = rate
                } else {
                    issue("annual_discount_rate must be a yearly rate in [0, 1), like 0.1 for 10%", at: node)
                }
            }
            if let node = clv["horizon_months"]?.value, let months = int(node, "horizon_months") {
                if (1...120).contains(months) {
                    models.clvHorizonMonths = months
                } else {
                    issue("horizon_months must be between 1 and 120", at: node)
                }
            }
        }
        return models
    }
}

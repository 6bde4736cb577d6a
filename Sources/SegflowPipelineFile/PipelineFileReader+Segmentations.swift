import SegflowEngine
import SegflowRules
import Yams

extension PipelineFileReader {
    private static let segmentationKeys = [
        "key", "name", "description", "primary", "exclusive", "segments",
        "family", "name_template", "description_template", "actions", "rule", "clusters",
    ]
    private static let familyOnlyKeys = ["name_template", "description_template", "actions", "rule"]
    private static let segmentKeys = ["key", "name", "description", "rule", "actions", "control_share"]

    mutating func readSegmentations(_ node: Node) -> [SegmentationDefinition] {
        guard let list = node.sequence, !list.isEmpty else {
            issue("'segmentations' must be a non-empty list", at: node, code: "wrong_type")
            return []
        }
        var result: [SegmentationDefinition] = []
        var segmentationKeys: [String: Mark?] = [:]
        var segmentKeys: [String: Mark?] = [:]
        var primaries: [(key: String, mark: Mark?)] = []
        var primaryUnreadable = false

        for item in list {
            guard let fields = entries(item, allowed: Self.segmentationKeys, what: "segmentation") else { continue }
            let keyNode = fields["key"]?.value
            let key = keyNode.flatMap { self.key($0, "segmentation key") }
            if keyNode == nil { issue("segmentation is missing 'key'", at: item, code: "missing_key") }
            if let key, let keyNode {
                if let first = segmentationKeys[key] {
                    issue("duplicate segmentation key '\(key)'\(Self.firstAt(first))", at: keyNode, code: "duplicate_key")
                } else {
                    segmentationKeys[key] = keyNode.mark
                }
            }
            let label = "segmentation '\(key ?? "?")'"
            let name = fields["name"].flatMap { string($0.value, "name") } ?? key.map(Self.title)
            let description = fields["description"].flatMap { string($0.value, "description", allowEmpty: true) }
            let primaryValue = fields["primary"].map { bool($0.value, "primary") }
            let primary = (primaryValue ?? false) ?? false
            // A malformed `primary` is reported once, not again as "no primary segmentation".
            if case .some(.none) = primaryValue { primaryUnreadable = true }
            let exclusive = fields["exclusive"].flatMap { bool($0.value, "exclusive") }
            if primary {
                // Counted even when the key itself is invalid, so no second error appears.
                primaries.append((key ?? keyNode?.scalar?.string ?? "?", fields["primary"]?.key.mark))
            }

            var kind: SegmentationDefinition.Kind?
            let given = ["segments", "family", "clusters"].filter { fields[$0] != nil }
            if given.count > 1 {
                issue("\(label) has \(given.count == 2 ? "both " : "")\(given.map { "'\($0)'" }.joined(separator: " and ")); give one",
                      at: item)
            } else if let clusters = fields["clusters"] {
                for extra in Self.familyOnlyKeys {
                    if let entry = fields[extra] {
                        issue("'\(extra)' belongs to family segmentations; a clusters segmentation takes its 'rule' "
                            + "inside 'clusters'", at: entry.key)
                    }
                }
                if primary {
                    issue("the primary segmentation must list segments with rules, not be clusters "
                        + "(clusters move as the data moves; the lifecycle must not)", at: fields["primary"]?.key ?? item)
                }
                if let exclusive = fields["exclusive"], exclusive.value.scalar?.string == "false" {
                    issue("clusters give each customer one cluster: they cannot be non-exclusive", at: exclusive.value)
                }
                kind = readClusters(clusters.value, label: label).map { .clusters($0) }
            } else {
                switch (fields["segments"], fields["family"]) {
                case (.some, .some):
                    issue("\(label) has both 'segments' and 'family'; give one", at: item)
                case (nil, nil):
                    issue("\(label) needs 'segments' (a list), 'family' (a text feature) or 'clusters' (k-means settings)",
                          at: item)
                case (.some(let segments), nil):
                    for extra in Self.familyOnlyKeys {
                        if let entry = fields[extra] {
                            issue("'\(extra)' belongs to family segmentations; segments carry their own", at: entry.key)
                        }
                    }
                    let isExclusive = exclusive ?? true
                    let definitions = readSegments(segments.value, label: label, exclusive: isExclusive,
                                                   keys: &segmentKeys)
                    if primary, !isExclusive {
                        issue("the primary segmentation must be exclusive (one lifecycle segment per customer)",
                              at: fields["exclusive"]?.value ?? item)
                    }
                    kind = definitions.map { .segments($0) }
                case (nil, .some(let family)):
                    if primary {
                        issue("the primary segmentation must list segments with rules, not be a family", at: family.key)
                    }
                    if let exclusive = fields["exclusive"], exclusive.value.scalar?.string == "false" {
                        issue("a family gives each customer one value: it cannot be non-exclusive", at: exclusive.value)
                    }
                    kind = readFamily(family.value, fields: fields, label: label).map { .family($0) }
                }
            }
            guard let key, let name, let kind else { continue }
            result.append(SegmentationDefinition(
                key: key, name: name, description: description, isPrimary: primary,
                isExclusive: exclusive ?? true, kind: kind))
        }

        if primaries.isEmpty, !primaryUnreadable {
            issue("no segmentation is marked 'primary: true'; exactly one must be", at: node, code: "primary")
        }
        for extra in primaries.dropFirst() {
            issue("segmentation '\(extra.key)' is also marked primary ('\(primaries[0].key)' already is); "
                + "exactly one segmentation may be primary", at: extra.mark, code: "primary")
        }
        return result
    }

    private mutating func readSegments(_ node: Node, label: String, exclusive: Bool,
                                       keys: inout [String: Mark?]) -> [SegmentDefinition]? {
        guard let list = node.sequence, !list.isEmpty else {
            issue("'segments' of \(label) must be a non-empty list", at: node, code: "wrong_type")
            return nil
        }
        var result: [SegmentDefinition] = []
        var complete = true
        var catchAll: (key: String, mark: Mark?)?
        for item in list {
            guard let fields = entries(item, allowed: Self.segmentKeys, what: "segment") else {
                complete = false
                continue
            }
            let keyNode = fields["key"]?.value
            let key = keyNode.flatMap { self.key($0, "segment key") }
            if keyNode == nil { issue("segment is missing 'key'", at: item, code: "missing_key") }
            if let key, let keyNode {
                if let first = keys[key] {
                    issue("duplicate segment key '\(key)'\(Self.firstAt(first))", at: keyNode, code: "duplicate_key")
                } else {
                    keys[key] = keyNode.mark
                }
            }
            let name = fields["name"].flatMap { string($0.value, "name") } ?? key.map(Self.title)
            let description = fields["description"].flatMap { string($0.value, "description", allowEmpty: true) }
            let actions = fields["actions"].flatMap { strings($0.value, "actions") } ?? []
            var control: ControlGroup?
            if let shareNode = fields["control_share"]?.value, let share = number(shareNode, "control_share") {
                if share >= 0, share < 1 {
                    control = share > 0 ? ControlGroup(share: share, salt: controlSalt) : nil
                } else {
                    issue("'control_share' must be at least 0 and less than 1 (a share of the members, e.g. 0.1), "
                        + "not \(shareNode.scalar?.string ?? String(share))", at: shareNode)
                }
            }
            var rule: RuleExpression?
            if let ruleNode = fields["rule"]?.value {
                rule = self.rule(ruleNode, context: "rule of segment '\(key ?? "?")'")
            } else {
                issue("segment '\(key ?? "?")' is missing 'rule'", at: item, code: "missing_key")
            }
            if exclusive, let caughtBy = catchAll {
                // First match wins: nothing after a catch-all can ever match.
                issue("segment '\(key ?? "?")' can never match: '\(caughtBy.key)' above it has rule 'true' "
                    + "and takes everyone left", at: item, code: "unreachable_segment")
            }
            if let rule, rule.isCatchAll, catchAll == nil {
                catchAll = (key ?? "?", item.mark)
            }
            guard let key, let name, let rule else {
                complete = false
                continue
            }
            result.append(SegmentDefinition(key: key, name: name, description: description, rule: rule,
                                            actions: actions, control: control))
        }
        if exclusive, catchAll == nil, let last = list.last {
            issue("exclusive \(label) must end with a catch-all segment (rule: \"true\") so every customer gets one",
                  at: last, code: "missing_catch_all")
        }
        return complete ? result : nil
    }

    private mutating func readFamily(_ node: Node, fields: [String: (key: Node, value: Node)],
                                     label: String) -> FamilyDefinition? {
        guard let featureName = string(node, "family") else { return nil }
        let textFeatures = FeatureCatalog.all.filter { $0.kind == .text }.map(\.name)
        guard let feature = FeatureKey(name: featureName) else {
            issue("unknown feature '\(featureName)'\(NameSuggester.hint(for: featureName, among: textFeatures))",
                  at: node, code: "unknown_feature")
            return nil
        }
        guard feature.kind == .text else {
            issue("family feature '\(featureName)' must be text, not \(feature.kind.rawValue)"
                + " (text features: \(textFeatures.joined(separator: ", ")))", at: node)
            return nil
        }
        var family = FamilyDefinition(feature: feature)
        var complete = true
        if let template = fields["name_template"]?.value {
            if let text = string(template, "name_template") {
                if text.contains("{value}") {
                    family.nameTemplate = text
                } else {
                    issue("name_template must contain {value}", at: template)
                }
            }
        }
        if let template = fields["description_template"]?.value {
            family.descriptionTemplate = string(template, "description_template", allowEmpty: true)
        }
        if let actions = fields["actions"]?.value {
            family.actions = strings(actions, "actions") ?? []
        }
        if let ruleNode = fields["rule"]?.value {
            family.rule = rule(ruleNode, context: "rule of \(label)")
            complete = family.rule != nil
        }
        return complete ? family : nil
    }

    private static func firstAt(_ mark: Mark?) -> String {
        mark.map { " (first at line \($0.line), column \($0.column))" } ?? ""
    }

    /// A readable default name from a key: `one_time_buyers` → "One time buyers".
    static func title(_ key: String) -> String {
        let spaced = key.replacingOccurrences(of: "_", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }
}

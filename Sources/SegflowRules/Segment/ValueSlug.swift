import Foundation

/// Turns feature values into key-safe slugs: "Home & Garden" → "home_garden".
enum ValueSlug {
    static func make(_ value: String) -> String {
        let folded = value.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive],
                                   locale: Locale(identifier: "en_US_POSIX")).lowercased()
        var slug = ""
        var pendingSeparator = false
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingSeparator, !slug.isEmpty { slug.append("_") }
                pendingSeparator = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingSeparator = true
            }
        }
        return slug.isEmpty ? "value" : slug
    }

    /// Slugs for sorted distinct values, made unique with `_2`, `_3`, … in value order.
    static func unique(_ values: [String]) -> [String] {
        var used = Set<String>()
        return values.map { value in
            let base = make(value)
            var candidate = base
            var counter = 2
            while used.contains(candidate) {
                candidate = "\(base)_\(counter)"
                counter += 1
            }
            used.insert(candidate)
            return candidate
        }
    }
}

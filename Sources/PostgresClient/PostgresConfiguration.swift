import Foundation

/// Where and how to connect: a libpq connection string (`host=… dbname=…`) or URI
/// (`postgresql://user@host/db`). Whatever it leaves out, libpq takes from the standard
/// `PG*` environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE,
/// PGSERVICE, PGSSLMODE, …) and `~/.pgpass`.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// The connection string exactly as given; may contain a password, so never log it.
    public var connectionString: String
    /// Reported to the server as `application_name` unless the connection string sets one.
    public var applicationName: String

    public init(connectionString: String, applicationName: String = "segflow") {
        self.connectionString = connectionString
        self.applicationName = applicationName
    }

    /// The explicit connection string if given, else `DATABASE_URL`, else an empty string
    /// (libpq then uses the `PG*` variables alone).
    public static func resolve(
        _ explicit: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        applicationName: String = "segflow"
    ) -> PostgresConfiguration {
        if let explicit, !explicit.isEmpty {
            return PostgresConfiguration(connectionString: explicit, applicationName: applicationName)
        }
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return PostgresConfiguration(connectionString: url, applicationName: applicationName)
        }
        return PostgresConfiguration(connectionString: "", applicationName: applicationName)
    }

    /// The connection string with any password replaced by `***`: safe for logs and errors.
    public var redacted: String { Self.redact(connectionString) }

    public var description: String { redacted }

    /// The password written in the connection string, if any (used to scrub messages).
    var embeddedPassword: String? { Self.password(in: connectionString) }

    /// Masks passwords in a libpq keyword/value string or URI.
    public static func redact(_ connectionString: String) -> String {
        if isURI(connectionString) {
            return redactURI(connectionString)
        }
        return redactKeywordValue(connectionString)
    }

    static func isURI(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    private static func redactURI(_ uri: String) -> String {
        var result = uri
        // user:password@ in the authority.
        if let schemeEnd = result.range(of: "://") {
            let authorityEnd = result[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? result.endIndex
            let authority = result[schemeEnd.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        // ?password=… in the query.
        if let queryStart = result.firstIndex(of: "?") {
            let query = result[result.index(after: queryStart)...]
            let redactedPairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                let key = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                return key.lowercased() == "password" ? "password=***" : String(pair)
            }
            result = String(result[...queryStart]) + redactedPairs.joined(separator: "&")
        }
        return result
    }

    private static func redactKeywordValue(_ text: String) -> String {
        var output = ""
        for (keyword, value, raw) in keywordValuePairs(text) {
            if !output.isEmpty { output += " " }
            output += keyword.lowercased() == "password" ? "\(keyword)=***" : raw
            _ = value
        }
        return output
    }

    private static func password(in text: String) -> String? {
        if isURI(text) {
            guard let schemeEnd = text.range(of: "://") else { return nil }
            let authorityEnd = text[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? text.endIndex
            let authority = text[schemeEnd.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                let encoded = String(authority[authority.index(after: colon)..<at])
                return encoded.removingPercentEncoding ?? encoded
            }
            if let queryStart = text.firstIndex(of: "?") {
                for pair in text[text.index(after: queryStart)...].split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "password" {
                        return String(parts[1]).removingPercentEncoding ?? String(parts[1])
                    }
                }
            }
            return nil
        }
        return keywordValuePairs(text).first { $0.keyword.lowercased() == "password" }?.value
    }

    /// Splits `a=1 b='x y'` into keyword, unquoted value and the raw text of the pair.
    static func keywordValuePairs(_ text: String) -> [(keyword: String, value: String, raw: String)] {
        var pairs: [(String, String, String)] = []
        var index = text.startIndex
        func skipSpaces() {
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
        }
        while true {
            skipSpaces()
            guard index < text.endIndex else { break }
            let pairStart = index
            var keyword = ""
            while index < text.endIndex, text[index] != "=", !text[index].isWhitespace {
                keyword.append(text[index])
                index = text.index(after: index)
            }
            skipSpaces()
            guard index < text.endIndex, text[index] == "=" else {
                pairs.append((keyword, "", String(text[pairStart..<index])))
                continue
            }
            index = text.index(after: index)
            skipSpaces()
            var value = ""
            if index < text.endIndex, text[index] == "'" {
                index = text.index(after: index)
                while index < text.endIndex, text[index] != "'" {
                    if text[index] == "\\" {
                        index = text.index(after: index)
                        guard index < text.endIndex else { break }
                    }
                    value.append(text[index])
                    index = text.index(after: index)
                }
                if index < text.endIndex { index = text.index(after: index) }
            } else {
                while index < text.endIndex, !text[index].isWhitespace {
                    if text[index] == "\\" {
                        index = text.index(after: index)
                        guard index < text.endIndex else { break }
                    }
                    value.append(text[index])
                    index = text.index(after: index)
                }
            }
            pairs.append((keyword, value, String(text[pairStart..<index])))
        }
        return pairs
    }
}

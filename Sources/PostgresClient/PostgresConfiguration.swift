import CLibPQ
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
    /// Whether `PostgresCancellation.cancelAll()` stops this connection's statements; false
    /// for the connection that records the stop (the run ledger's).
    public var cancelledByCancelAll = true

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

    /// Every string that may be the password: as this parser, libpq and a naive reader of a
    /// URI whose password was not percent-encoded (`p@ss:w/rd#`) would see it. Masked in
    /// messages as whole secrets only (`SecretMasking`).
    var secrets: [String] {
        var candidates = [embeddedPassword, Self.libpqOptions(connectionString)?["password"]]
        if Self.isURI(connectionString), let schemeEnd = connectionString.range(of: "://"),
           let at = connectionString[schemeEnd.upperBound...].lastIndex(of: "@"),
           let colon = connectionString[schemeEnd.upperBound..<at].firstIndex(of: ":") {
            candidates.append(String(connectionString[connectionString.index(after: colon)..<at]))
        }
        if let password = ProcessInfo.processInfo.environment["PGPASSWORD"] { candidates.append(password) }
        var seen = Set<String>()
        return candidates.compactMap { $0 }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Throws `ConnectionStringError` when libpq cannot use the connection string: it does
    /// not parse (libpq's own message, passwords masked), or a port (here or in `PGPORT`)
    /// is not a number. Such a string fails the same way on every attempt: not retried.
    public func validate(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var parseError: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(connectionString, &parseError)
        defer {
            if let options { PQconninfoFree(options) }
            if let parseError { PQfreemem(parseError) }
        }
        guard options != nil else {
            let message = parseError.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown error"
            throw ConnectionStringError(problem: SecretMasking.mask(message, secrets: secrets, quoted: true))
        }
        let port = Self.libpqOptions(connectionString)?["port"]
        if let port, !Self.isValidPortList(port) {
            // The value is not shown: in a URI with an unencoded password it may be part of it.
            throw ConnectionStringError(problem: "the port is not a number from 1 to 65535 (a password with @ : / # in a URI must be percent-encoded)")
        }
        // libpq reads PGPORT only when the string names no port.
        if port?.isEmpty ?? true, let port = environment["PGPORT"], !port.isEmpty, !Self.isValidPortList(port) {
            throw ConnectionStringError(problem: "PGPORT is not a number from 1 to 65535")
        }
    }

    /// `5432` or `5432,5433` (one per host; an empty entry means the default).
    private static func isValidPortList(_ text: String) -> Bool {
        text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { port in
            let trimmed = port.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty || (trimmed.allSatisfy(\.isASCII) && Int(trimmed).map { (1...65_535).contains($0) } == true)
        }
    }

    /// The options libpq reads from the string (no defaults, no environment); nil if it does not parse.
    static func libpqOptions(_ text: String) -> [String: String]? {
        var parseError: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &parseError) else {
            if let parseError { PQfreemem(parseError) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return values
    }

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
            // Up to the last @, not the first / or ?: an unencoded password may hold either.
            let afterScheme = result[schemeEnd.upperBound...]
            if let at = afterScheme.lastIndex(of: "@"), let colon = afterScheme[..<at].firstIndex(of: ":"),
               !afterScheme[..<colon].contains("/") {
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

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Pushes metrics to a Prometheus Pushgateway: `PUT <url>/metrics/job/<job>` replaces
/// every metric of that job's group, so a failed run's push removes the last success's rows.
///
/// Credentials in the URL (`https://user:secret@host`) are sent as a Basic authorization
/// header and never appear in `redactedURL`, errors or logs.
public struct PushgatewayClient: Sendable {
    public struct PushError: Error, CustomStringConvertible {
        public var url: String
        public var reason: String
        public var description: String { "push to Pushgateway \(url) failed: \(reason)" }
    }

    /// The gateway's base URL without credentials.
    public let baseURL: URL
    public let job: String
    public let timeout: Double
    private let authorization: String?

    /// Nil when `url` is not an absolute http(s) URL with a host.
    public init?(url: String, job: String, timeout: Double = 10) {
        guard var components = URLComponents(string: url),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else { return nil }
        if let user = components.user {
            let credentials = "\(user.removingPercentEncoding ?? user):\(components.password?.removingPercentEncoding ?? "")"
            authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        } else {
            authorization = nil
        }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        while components.path.hasSuffix("/") { components.path.removeLast() }
        guard let base = components.url else { return nil }
        self.baseURL = base
        self.job = job
        self.timeout = timeout
    }

    /// The URL as it may be shown: no user, password or query.
    public var redactedURL: String { baseURL.absoluteString }

    /// `…/metrics/job/<job>`; a job with a `/` uses the gateway's base64 form.
    public var pushURL: URL {
        let segment: String
        if job.contains("/") || job.isEmpty {
            let encoded = Data(job.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            segment = "job@base64/" + (encoded.isEmpty ? "=" : encoded)
        } else {
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: "/")
            segment = "job/" + (job.addingPercentEncoding(withAllowedCharacters: allowed) ?? job)
        }
        // Set the encoded path directly: appendingPathComponent would encode the '%' again.
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else { return baseURL }
        components.percentEncodedPath += "/metrics/" + segment
        return components.url ?? baseURL
    }

    /// Sends the text; throws on a connection error, a timeout or a non-2xx answer.
    public func push(_ text: String) throws {
        var request = URLRequest(url: pushURL, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "PUT"
        request.setValue("text/plain; version=0.0.4; charset=utf-8", forHTTPHeaderField: "Content-Type")
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(text.utf8)

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }

        let outcome = Mutex<Result<(Int, String), PushError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let shown = redactedURL
        let task = session.dataTask(with: request) { data, response, error in
            let result: Result<(Int, String), PushError>
            if let error {
                // URLError descriptions can carry the request URL; report only the kind.
                let reason = (error as? URLError).map { "\($0.code == .timedOut ? "timed out" : "network error \($0.code.rawValue)")" }
                    ?? "network error"
                result = .failure(PushError(url: shown, reason: reason))
            } else if let http = response as? HTTPURLResponse {
                let body = data.flatMap { String(data: $0.prefix(200), encoding: .utf8) } ?? ""
                result = .success((http.statusCode, body))
            } else {
                result = .failure(PushError(url: shown, reason: "no HTTP response"))
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        task.resume()
        // A backstop in case the session's own timeout does not fire.
        if done.wait(timeout: .now() + timeout + 2) == .timedOut {
            task.cancel()
            throw PushError(url: shown, reason: "timed out after \(Int(timeout)) s")
        }
        switch outcome.withLock({ $0 }) {
        case .success(let (status, body))?:
            guard (200..<300).contains(status) else {
                let detail = body.trimmingCharacters(in: .whitespacesAndNewlines)
                throw PushError(url: shown, reason: "HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")")
            }
        case .failure(let error)?:
            throw error
        case nil:
            throw PushError(url: shown, reason: "no response")
        }
    }
}

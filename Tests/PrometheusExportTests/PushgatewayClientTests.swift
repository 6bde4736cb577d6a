import Foundation
import Testing
@testable import PrometheusExport

@Suite struct PushgatewayClientTests {
    @Test func pushPutsTheTextToTheJobPathOfALocalListener() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let client = try #require(PushgatewayClient(url: server.url + "/", job: "segflow daily", timeout: 5))
        try client.push("# TYPE up gauge\nup 1\n")

        #expect(server.waitForRequest())
        let request = try #require(server.requests.first)
        #expect(request.method == "PUT")
        #expect(request.path == "/metrics/job/segflow%20daily")
        #expect(request.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(request.body == "# TYPE up gauge\nup 1\n")
        #expect(request.headers["authorization"] == nil)
    }

    @Test func credentialsInTheURLGoToABasicHeaderAndNeverIntoTheShownURLOrErrors() throws {
        let server = try TestHTTPServer(status: 500)
        defer { server.stop() }
        let withSecret = server.url.replacingOccurrences(of: "http://", with: "http://ops:s3cr%40t@") + "/gw?token=hush"
        let client = try #require(PushgatewayClient(url: withSecret, job: "segflow", timeout: 5))
        #expect(client.redactedURL == server.url + "/gw")

        let error = #expect(throws: PushgatewayClient.PushError.self) { try client.push("up 1\n") }
        #expect(error?.description == "push to Pushgateway \(server.url)/gw failed: HTTP 500")
        let request = try #require(server.requests.first)
        #expect(request.path == "/gw/metrics/job/segflow")
        #expect(request.headers["authorization"] == "Basic " + Data("ops:s3cr@t".utf8).base64EncodedString())
    }

    @Test func aJobWithASlashUsesTheBase64Path() throws {
        let client = try #require(PushgatewayClient(url: "http://gw:9091", job: "shop/eu", timeout: 1))
        #expect(client.pushURL.absoluteString == "http://gw:9091/metrics/job@base64/c2hvcC9ldQ==")
    }

    @Test func aGatewayThatNeverAnswersFailsAfterTheTimeout() throws {
        let server = try TestHTTPServer(answers: false)
        defer { server.stop() }
        let client = try #require(PushgatewayClient(url: server.url, job: "segflow", timeout: 1))
        let started = Date()
        let error = #expect(throws: PushgatewayClient.PushError.self) { try client.push("up 1\n") }
        #expect(error?.description.contains("timed out") == true)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func onlyAbsoluteHTTPURLsAreAccepted() {
        #expect(PushgatewayClient(url: "gw:9091", job: "j") == nil)
        #expect(PushgatewayClient(url: "ftp://gw", job: "j") == nil)
        #expect(PushgatewayClient(url: "http://", job: "j") == nil)
        #expect(PushgatewayClient(url: "https://gw.internal:9091", job: "j") != nil)
    }
}

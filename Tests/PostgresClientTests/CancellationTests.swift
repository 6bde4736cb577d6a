import Foundation
import PostgresClient
import SegflowTestSupport
import Testing

@Suite struct CancellationTests {
    @Test func cancellerStopsARunningStatementFromAnotherThread() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "cancel").connectionString))
        let canceller = try connection.makeCanceller()
        let started = Date()
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.3)
            try? canceller.cancel()
        }
        let error = try #require(throws: PostgresError.self) { try connection.execute("select pg_sleep(20)") }
        #expect(error.isCancellation)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(try connection.execute("select 1 as one")[0]["one"].int == 1)
    }

    @Test func cancellingDuringCopyOutEndsTheStreamWithAnError() throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: TestPostgres.makeDatabase(prefix: "cancelcopy").connectionString))
        let canceller = try connection.makeCanceller()
        var rows = 0
        let error = try #require(throws: PostgresError.self) {
            try connection.copyOut("copy (select g, pg_sleep(0.001) from generate_series(1, 100000) g) to stdout (format binary)") { _ in
                rows += 1
                if rows == 10 { try canceller.cancel() }
            }
        }
        #expect(error.isCancellation)
        #expect(rows < 100_000)
        #expect(try connection.execute("select 2 as two")[0]["two"].int == 2)
    }
}

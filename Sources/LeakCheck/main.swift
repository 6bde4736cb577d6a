// Exercises every owner of a PGconn, PGresult and PGcancel in PostgresClient — connect
// failures, server errors, COPY in and out (finished, failed and abandoned), cancels —
// so that `make leakcheck` can run it under valgrind and fail on any definite leak.
import Foundation
import LocalPostgres
import Logging
import PostgresClient

struct LeakCheckFailure: Error, CustomStringConvertible {
    var description: String
}

func exercise(_ conninfo: String) throws {
    let configuration = PostgresConfiguration(connectionString: conninfo)
    // Connection failures free the PGconn they allocated.
    for bad in ["host=127.0.0.1 port=1 connect_timeout=2", conninfo + " dbname=missing_database"] {
        do {
            _ = try PostgresConnection(PostgresConfiguration(connectionString: bad))
            throw LeakCheckFailure(description: "connecting to \(bad) should fail")
        } catch is PostgresError {}
    }
    let connection = try PostgresConnection(configuration)
    try connection.simpleQuery("drop table if exists leak; create table leak (id int8 not null, label text, amount numeric)")
    for round in 0..<20 {
        // Results and errors.
        _ = try connection.execute("select \(round) as n, repeat('x', 1000) as t from generate_series(1, 100)")
        do { try connection.execute("select 1 / 0") } catch let error as PostgresError where error.sqlState == "22012" {}
        // COPY in, finished and failed.
        try connection.copyIn("copy leak from stdin (format binary)", rows: 0..<1_000) { encoder, value in
            encoder.beginRow(fieldCount: 3)
            encoder.write(Int64(value))
            encoder.write("row \(value)")
            encoder.writeNumeric(scaled: Int64(value) * 101, scale: 2)
        }
        do {
            try connection.copyIn("copy leak from stdin (format binary)", rows: [Int64?.none]) { encoder, value in
                encoder.beginRow(fieldCount: 3)
                encoder.write(value)
                encoder.writeNull()
                encoder.writeNull()
            }
        } catch let error as PostgresError where error.sqlState == "23502" {}
        // COPY out, finished and abandoned by the caller.
        var total: Int64 = 0
        try connection.copyOut("copy (select id, label, amount from leak) to stdout (format binary)") { row in
            total += try row.int64(0) ?? 0
            _ = try row.string(1)
            _ = try row.numeric(2)
        }
        struct Stop: Error {}
        do {
            var seen = 0
            try connection.copyOut("copy (select g from generate_series(1, 100000) g) to stdout (format binary)") { _ in
                seen += 1
                if seen == 10 { throw Stop() }
            }
        } catch is Stop {}
        // Cancel objects.
        let canceller = try connection.makeCanceller()
        try canceller.cancel()
        try connection.simpleQuery("truncate leak")
    }
    connection.close()
}

var logger = Logger(label: "segflow.leakcheck")
logger.logLevel = .warning
do {
    let cluster = try LocalPostgresCluster.start(logger: logger)
    defer { cluster.stop() }
    try exercise(cluster.connectionString(database: "postgres"))
    print("leakcheck: exercised connections, results, COPY in/out and cancels")
} catch {
    FileHandle.standardError.write(Data("leakcheck failed: \(error)\n".utf8))
    exit(1)
}

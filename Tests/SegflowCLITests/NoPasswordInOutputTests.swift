import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowGenerator

/// Runs the real `segflow` executable with connection strings that carry a password and
/// checks that the password is in no standard output, no standard error, no ledger row
/// and no `status --json`: against a live database (password auth over TCP) and against
/// a wrong password and a wrong port.
///
/// Every command that connects is covered: generate, migrate, validate, run, status.
/// (backfill is not on this branch; add it to `commands` when it arrives.)
@Suite(.serialized) struct NoPasswordInOutputTests {
    private static let wrongPassword = "WrongPw-7Qz4-Kestrel-9931"
    private static let pipeline = RepositoryFiles.path("pipelines/default.yml")
    private static let day = GeneratorConfiguration.defaultEndDay.description

    /// Every command that takes a connection string, with arguments that make it connect.
    private static func commands(_ conninfo: String) -> [(name: String, arguments: [String])] {
        [
            // --retry-for 0: a refused connection at start is retried (like run) for 10 minutes by default.
            ("generate", ["generate", "-d", conninfo, "--customers", "300", "--seed", "7", "--dirty", "0.02", "--workers", "2",
                          "--retry-for", "0"]),
            ("migrate", ["migrate", "-d", conninfo, "--retry-for", "0"]),
            ("migrate --status", ["migrate", "-d", conninfo, "--status", "--retry-for", "0"]),
            ("validate", ["validate", "-d", conninfo, "--pipeline", pipeline]),
            ("validate --json", ["validate", "-d", conninfo, "--pipeline", pipeline, "--json"]),
            // --retry-for 0: a wrong port is a transient failure, retried for 10 minutes by default.
            ("run", ["run", "-d", conninfo, "--pipeline", pipeline, "--as-of", day, "--workers", "2", "--retry-for", "0"]),
            ("backfill", ["backfill", "-d", conninfo, "--pipeline", pipeline, "--from", "2026-04-30", "--to", day,
                          "--every", "month", "--workers", "2", "--retry-for", "0"]),
            ("status", ["status", "-d", conninfo, "--pipeline", pipeline]),
            ("status --json", ["status", "-d", conninfo, "--pipeline", pipeline, "--json"]),
        ]
    }

    /// Runs each command in both log formats at debug level: the most output there is.
    private func runAll(_ conninfo: String, expectSuccess: Bool, secrets: [String]) throws -> [String: SegflowExecutable.Outcome] {
        var outcomes: [String: SegflowExecutable.Outcome] = [:]
        for format in ["json", "text"] {
            for (name, arguments) in Self.commands(conninfo) {
                if format == "text", name == "generate" { continue }  // the data is there already
                let outcome = try SegflowExecutable.run(arguments + ["--log-level", "debug", "--log-format", format])
                outcomes["\(name) (\(format))"] = outcome
                for secret in secrets {
                    #expect(!outcome.output.contains(secret), "segflow \(name) printed the password:\n\(outcome)")
                }
                if expectSuccess {
                    #expect(outcome.status == 0, "segflow \(name): \(outcome)")
                } else {
                    #expect(outcome.status != 0, "segflow \(name) should fail: \(outcome)")
                    #expect(!outcome.standardError.isEmpty, "segflow \(name) failed silently")
                }
            }
        }
        return outcomes
    }

    @Test func aLiveDatabaseWithPasswordAuthentication() throws {
        let database = try TestPostgres.makeDatabase(prefix: "no_password_live")
        let password = database.cluster.password
        let conninfo = database.tcpConnectionString
        #expect(conninfo.contains(password))
        let outcomes = try runAll(conninfo, expectSuccess: true, secrets: [password])

        // The commands did their work, so the checks above saw real output.
        #expect(outcomes["run (json)"]?.standardOutput.contains("published") == true)
        #expect(outcomes["validate (text)"]?.standardOutput.contains("valid; 7 sources checked") == true)
        let statusJSON = try #require(outcomes["status --json (json)"]?.standardOutput)
        let status = try #require(try JSONSerialization.jsonObject(with: Data(statusJSON.utf8)) as? [String: Any])
        #expect((status["runs"] as? [Any])?.count ?? 0 >= 2)  // migrate and run
        #expect((status["snapshots"] as? [[String: Any]])?.first?["as_of"] as? String == Self.day)
        #expect(!statusJSON.contains(password))

        // A URI with the password in the authority, and DATABASE_URL instead of -d.
        let uri = "postgresql://\(database.cluster.user):\(password)@127.0.0.1:\(database.cluster.port)/\(database.name)?sslmode=disable"
        let viaEnvironment = try SegflowExecutable.run(["status", "--pipeline", Self.pipeline, "--json"], environment: ["DATABASE_URL": uri])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment)")
        #expect(!viaEnvironment.output.contains(password))

        // A run that fails after it started leaves an error in the ledger: a source query that breaks
        // on the data (a constant 1/0 would fail run's source check, before the ledger, exit 2).
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-broken-\(UUID().uuidString).yml")
        try (try String(contentsOfFile: Self.pipeline, encoding: .utf8))
            .replacingOccurrences(of: "chats: { table: shop.chats }", with: "chats: { query: \"select * from shop.chats where 1/(chat_id - chat_id) = 1\" }")
            .write(to: broken, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: broken) }
        let failing = try SegflowExecutable.run(["run", "-d", conninfo, "--pipeline", broken.path, "--as-of", Self.day, "--log-format", "json"])
        #expect(failing.status != 0, "\(failing)")
        #expect(!failing.output.contains(password))

        // Nothing in the ledger or anywhere in the output schema.
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString))
        defer { connection.close() }
        let rows = try connection.execute("select to_jsonb(r)::text as row from segflow.runs r").rows.compactMap { $0["row"].string }
        #expect(rows.count >= 4)
        #expect(rows.contains { $0.contains("\"failed\"") })
        for row in rows { #expect(!row.contains(password), "ledger row: \(row)") }
        let schemaText = try connection.execute("""
            select coalesce(string_agg(q::text, ' '), '') as text from segflow.quarantine q
            """).rows.first?["text"].string ?? ""
        #expect(!schemaText.contains(password))
    }

    @Test func usageErrorsNeverEchoTheConnectionString() throws {
        let conninfo = "host=127.0.0.1 port=1 user=u password=\(Self.wrongPassword) dbname=d"
        let cases: [[String]] = [
            ["run", "-d", conninfo, "--as-of", "yesterday"],
            ["run", "-d", conninfo, "--as-of", "2026-06-30", "--workers", "many"],
            ["status", "-d", conninfo, "--limit", "0"],
            ["validate", "-d", conninfo, "--no-such-flag"],
            ["migrate", "-d", conninfo, "--schema", ""],
            ["generate", "-d", conninfo, "--customers", "10"],
            ["-d", conninfo],
        ]
        for arguments in cases {
            let outcome = try SegflowExecutable.run(arguments)
            #expect(outcome.status == 2, "segflow \(arguments.first ?? ""): \(outcome)")
            #expect(!outcome.output.contains(Self.wrongPassword), "\(outcome)")
        }
    }

    @Test func aWrongPasswordAndAWrongPort() throws {
        let database = try TestPostgres.makeDatabase(prefix: "no_password_wrong")
        let password = database.cluster.password
        let wrongPassword = database.cluster.tcpConnectionString(database: database.name, password: Self.wrongPassword)
        let outcomes = try runAll(wrongPassword, expectSuccess: false, secrets: [Self.wrongPassword, password])
        #expect(outcomes["validate (json)"]?.standardError.contains("password") == true)  // says why, without the value
        #expect(outcomes["validate (json)"]?.status == 1)  // a refused login is not worth retrying
        #expect(outcomes["status (text)"]?.status == 1)

        // Nothing listens on port 1: connection refused, with the right password in the string.
        let wrongPort = database.tcpConnectionString.replacingOccurrences(of: "port=\(database.cluster.port)", with: "port=1")
        #expect(wrongPort.contains("port=1 "))
        let refused = try runAll(wrongPort, expectSuccess: false, secrets: [password])
        #expect(refused["status (text)"]?.status == 75)  // temporary: worth retrying
        #expect(refused["validate (text)"]?.status == 75)
    }
}

import Foundation
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowGenerator

/// Connection strings as an operator writes them, through the real binary: one libpq cannot
/// parse is exit 2 at once (not retried for --retry-for), naming the problem without the
/// password; a password with `@ : / #` works when passed so that any password works (PG*
/// variables, a percent-encoded URI) and is masked whole; `migrate` and `generate` retry a
/// refused connection at start like `run`.
@Suite(.serialized) struct ConnectionStringTests {
    static let password = "Pw@1:x/y#Z"

    @Test func aMalformedConnectionStringIsExit2AtOnce() throws {
        let cases: [(arguments: [String], environment: [String: String], problem: String)] = [
            (["run", "--as-of", "2026-06-30", "-d", "postgresql://etl:Hidden-Kestrel-77@127.0.0.1:fivefour/shop"], [:], "port"),
            (["migrate"], ["DATABASE_URL": "postgresql://etl:Hidden-Kestrel-77@127.0.0.1:fivefour/shop"], "port"),
            (["generate", "--customers", "10", "--seed", "1", "-d", "host=127.0.0.1 password=Hidden-Kestrel-77 dbname"], [:], "missing \"=\""),
            (["status", "-d", "host=127.0.0.1 dbname=shop"], ["PGPORT": "five", "PGPASSWORD": "Hidden-Kestrel-77"], "PGPORT"),
        ]
        for (arguments, environment, problem) in cases {
            let started = Date()
            let outcome = try SegflowExecutable.run(arguments + ["--log-format", "text"], environment: environment, timeout: 60)
            #expect(outcome.status == 2, "\(arguments): \(outcome)")
            #expect(Date().timeIntervalSince(started) < 10, "retried? \(outcome)")
            #expect(outcome.standardError.contains("invalid connection string"), "\(outcome)")
            #expect(outcome.standardError.contains(problem), "\(outcome)")
            #expect(!outcome.output.contains("Hidden-Kestrel-77"), "\(outcome)")
            #expect(!outcome.output.contains("retrying"), "\(outcome)")
        }
    }

    @Test func aPasswordWithURIDelimitersWorksAndIsMaskedWhole() throws {
        let database = try TestPostgres.makeDatabase(prefix: "conn_delims")
        let setup = try PostgresConnection(PostgresConfiguration(connectionString: database.connectionString))
        defer { setup.close() }
        let role = "etl_\(UInt32.random(in: 0...UInt32.max))"
        try setup.simpleQuery("create role \(role) login superuser password '\(Self.password)'")
        let host = database.cluster.host
        let port = database.cluster.port
        let encoded = Self.password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let day = GeneratorConfiguration.defaultEndDay.description

        // The two ways that take any password: a percent-encoded URI, and PGPASSWORD.
        let viaURI = "postgresql://\(role):\(encoded)@\(host):\(port)/\(database.name)"
        let viaEnvironment = ["PGHOST": host, "PGPORT": "\(port)", "PGUSER": role, "PGDATABASE": database.name, "PGPASSWORD": Self.password]
        for (arguments, environment) in [(["-d", viaURI], [String: String]()), ([], viaEnvironment)] {
            let migrate = try SegflowExecutable.run(["migrate"] + arguments, environment: environment)
            #expect(migrate.status == 0, "\(migrate)")
            let generate = try SegflowExecutable.run(["generate", "--customers", "200", "--seed", "3", "--workers", "2", "--replace"]
                                                     + arguments, environment: environment)
            #expect(generate.status == 0, "\(generate)")
            let run = try SegflowExecutable.run(["run", "--as-of", day, "--workers", "2", "--pipeline", RepositoryFiles.path("pipelines/default.yml"),
                                                 "--log-level", "debug"] + arguments, environment: environment)
            #expect(run.status == 0, "\(run)")
            for outcome in [migrate, generate, run] {
                #expect(!outcome.output.contains(Self.password) && !outcome.output.contains(encoded), "\(outcome)")
            }
        }

        // Spliced into a URI without encoding (what compose used to do): libpq reads another
        // port, and segflow says so without a fragment of the password and without mangling words.
        let spliced = "postgresql://\(role):\(Self.password)@\(host):\(port)/\(database.name)"
        let broken = try SegflowExecutable.run(["status", "-d", spliced, "--log-format", "text"])
        #expect(broken.status == 2, "\(broken)")
        #expect(broken.standardError.contains("percent-encoded"), "\(broken)")
        for fragment in ["x/y#Z", "1:x", "Pw@1"] {
            #expect(!broken.output.contains(fragment), "\(broken)")
        }

        // A wrong password that is a common word fragment: the refusal keeps its words whole.
        let wrong = "postgresql://\(role):ass@\(host):\(port)/\(database.name)"
        let refused = try SegflowExecutable.run(["status", "-d", wrong, "--log-format", "text"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.standardError.contains("password authentication failed"), "\(refused)")
    }

    @Test func migrateAndGenerateRetryARefusedConnectionAtStart() throws {
        // Nothing listens on port 1: refused, a transient failure.
        let conninfo = "host=127.0.0.1 port=1 dbname=shop user=etl"
        for arguments in [["migrate"], ["generate", "--customers", "10", "--seed", "1"]] {
            let started = Date()
            let outcome = try SegflowExecutable.run(arguments + ["-d", conninfo, "--retry-for", "2", "--log-format", "json"], timeout: 60)
            let elapsed = Date().timeIntervalSince(started)
            #expect(outcome.status == 75, "\(outcome)")
            #expect(elapsed >= 1.5, "gave up after \(elapsed) s: \(outcome)")
            #expect(outcome.standardError.contains("transient failure; retrying"), "\(outcome)")
        }
    }
}

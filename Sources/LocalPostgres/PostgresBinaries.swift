import Foundation
import Logging

/// The directory that holds the PostgreSQL programs the cluster runs.
struct PostgresBinaries: Sendable {
    /// Programs a server needs; a directory without them is not a server installation.
    static let serverPrograms = ["initdb", "pg_ctl", "postgres"]

    let directory: String

    /// The full path of `program` in this directory, checked to be executable.
    func path(of program: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(program)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LocalPostgresError(
                "\(program) not found in \(directory). Install the full PostgreSQL package (`apt-get install postgresql`)."
            )
        }
        return path
    }

    /// Finds the binaries: `explicitDirectory`, else `$SEGFLOW_PG_BIN`, else
    /// `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`, else `PATH`.
    ///
    /// An explicit directory (option or environment) that lacks the programs is
    /// an error rather than a reason to look elsewhere: silently using another
    /// version would hide a misconfiguration.
    static func locate(
        explicitDirectory: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        runner: CommandRunner
    ) throws -> PostgresBinaries {
        var searched: [String] = []

        for (source, directory) in [("Options.binDirectory", explicitDirectory), ("SEGFLOW_PG_BIN", environment["SEGFLOW_PG_BIN"])] {
            guard let directory, !directory.isEmpty else { continue }
            if let missing = missingPrograms(in: directory) {
                searched.append("\(source)=\(directory): missing \(missing)")
                throw PostgresBinariesNotFoundError(searched: searched)
            }
            return PostgresBinaries(directory: directory)
        }

        if let pgConfig = ExecutableSearch.inPath("pg_config", environment: environment) {
            if let result = try? runner.run([pgConfig, "--bindir"], timeout: 10), result.succeeded {
                let directory = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                if let missing = missingPrograms(in: directory) {
                    // Debian's pg_config comes with libpq-dev and may point at a version whose server is not installed.
                    searched.append("pg_config --bindir → \(directory): missing \(missing)")
                } else {
                    return PostgresBinaries(directory: directory)
                }
            } else {
                searched.append("\(pgConfig) --bindir: failed")
            }
        } else {
            searched.append("pg_config: not on PATH")
        }

        let versioned = versionedDebianDirectories()
        for directory in versioned where missingPrograms(in: directory) == nil {
            return PostgresBinaries(directory: directory)
        }
        searched.append(versioned.isEmpty
            ? "/usr/lib/postgresql/*/bin: none"
            : "/usr/lib/postgresql/*/bin: \(versioned.joined(separator: ", ")) lack server programs")

        for directory in ExecutableSearch.pathDirectories(environment: environment) {
            let initdb = (directory as NSString).appendingPathComponent("initdb")
            guard FileManager.default.isExecutableFile(atPath: initdb) else { continue }
            // PATH often holds symlinks (/usr/local/bin/initdb → …/15/bin/initdb); the real
            // directory also has psql, createdb and dropdb of the same version.
            let realDirectory = ((initdb as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
            for candidate in [realDirectory, directory] where missingPrograms(in: candidate) == nil {
                return PostgresBinaries(directory: candidate)
            }
        }
        searched.append("PATH: no directory with initdb, pg_ctl and postgres")

        throw PostgresBinariesNotFoundError(searched: searched)
    }

    /// `nil` when `directory` has every server program, else the missing ones.
    private static func missingPrograms(in directory: String) -> String? {
        let missing = serverPrograms.filter {
            !FileManager.default.isExecutableFile(atPath: (directory as NSString).appendingPathComponent($0))
        }
        return missing.isEmpty ? nil : missing.joined(separator: ", ")
    }

    /// `/usr/lib/postgresql/<version>/bin`, newest version first.
    private static func versionedDebianDirectories() -> [String] {
        let root = "/usr/lib/postgresql"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        func versionKey(_ name: String) -> [Int] {
            name.split(separator: ".").map { Int($0) ?? -1 }
        }
        return entries
            .filter { $0.first?.isNumber == true }
            .sorted { versionKey($0).lexicographicallyPrecedes(versionKey($1)) }
            .reversed()
            .map { "\(root)/\($0)/bin" }
    }
}

import Foundation
import PostgresClient
import Testing
@testable import Segflow

#if canImport(Glibc)
import Glibc
import SegflowTestSupport
#endif

@Suite struct BackfillTests {
    func day(_ text: String) -> PostgresDate { PostgresDate(iso: text) ?? PostgresDate(daysSince2000: 0) }

    @Test func aSecondBackfillSkipsPublishedDaysAndForceRebuildsThem() throws {
        let store = try RunTestStore.make("bf_skip")
        let pipeline = try RunTestStore.pipeline()
        let plan = try BackfillPlan(from: day("2026-04-30"), to: day("2026-06-30"), every: .month)
        let backfill = BackfillRunner(runner: store.runner(pipeline), options: .init(batchSize: 12))

        let first = try backfill.run(plan)
        #expect(first.published.map(\.asOf) == plan.days)
        #expect(first.skipped.isEmpty)
        let publishedRuns = try store.rows("select as_of::text, run_id::text from segflow.snapshots order by as_of")

        var progress: [BackfillProgress] = []
        let second = try backfill.run(plan) { progress.append($0) }
        #expect(second.published.isEmpty)
        #expect(second.skipped == plan.days)
        #expect(progress.last?.skipped == 3 && progress.last?.remaining == 0)
        #expect(try store.rows("select as_of::text, run_id::text from segflow.snapshots order by as_of") == publishedRuns)

        let forced = try BackfillRunner(runner: store.runner(pipeline), options: .init(force: true)).run(plan)
        #expect(forced.published.map(\.asOf) == plan.days)
        let republished = try store.rows("select as_of::text, run_id::text from segflow.snapshots order by as_of")
        #expect(republished.count == 3)
        #expect(zip(republished, publishedRuns).allSatisfy { $0[1] != $1[1] })

        // Another configuration (another hash) is not skipped.
        var changed = pipeline
        changed.cleaning.maxOrderTotal = 50_000
        let rebuilt = try BackfillRunner(runner: store.runner(changed)).run(plan)
        #expect(rebuilt.published.count == 3)

        // One ledger row per snapshot built, grouped by backfill.
        #expect(try store.rows("""
            select count(*)::text, count(distinct batch_id)::text, count(*) filter (where status = 'succeeded' and exit_code = 0)::text
            from segflow.runs where command = 'backfill'
            """) == [["9", "3", "9"]])
    }

    @Test func aBackfillWaitsForTheLockOrFailsWithExit75() throws {
        let store = try RunTestStore.make("bf_lock")
        let pipeline = try RunTestStore.pipeline()
        let plan = try BackfillPlan(from: day("2026-06-30"), to: day("2026-06-30"), every: .day)
        let holder = try store.connect()
        defer { holder.close() }
        let key = store.runner(pipeline).lockKey
        #expect(try holder.advisoryLock(key, timeout: 0))

        let started = Date()
        let error = #expect(throws: PipelineLockedError.self) {
            try BackfillRunner(runner: store.runner(pipeline, lockTimeout: 0.5)).run(plan)
        }
        #expect(Date().timeIntervalSince(started) >= 0.5)
        #expect(error.map(RunExitCode.code(for:)) == 75)
        #expect(error?.description.contains("another run of pipeline 'default'") == true)
        #expect(try store.count("select count(*) from segflow.snapshots") == 0)
        // The refusal is in the ledger, as docs/operations.md promises: one finished row, exit 75.
        #expect(try store.rows("select command, status, exit_code::text, error like 'another run%' from segflow.runs")
            == [["backfill", "failed", "75", "t"]])

        // `run` takes the same lock, and records its refusal too.
        #expect(throws: PipelineLockedError.self) { try store.runner(pipeline).run(asOf: day("2026-06-30")) }
        #expect(try store.count("select count(*) from segflow.runs where command = 'run' and status = 'failed' and exit_code = 75") == 1)

        // Released while waiting: the backfill goes ahead.
        nonisolated(unsafe) let releasing = holder
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { _ = try? releasing.advisoryUnlock(key) }
        let waited = try BackfillRunner(runner: store.runner(pipeline, lockTimeout: 60)).run(plan)
        #expect(waited.published.count == 1)
    }

    @Test func twoConcurrentBackfillsNeverInterleave() throws {
        let store = try RunTestStore.make("bf_concurrent")
        let pipeline = try RunTestStore.pipeline()
        let plan = try BackfillPlan(from: day("2026-04-30"), to: day("2026-06-30"), every: .month)
        let group = DispatchGroup()
        let results = LockedResults()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                results.append(Result {
                    try BackfillRunner(runner: store.runner(pipeline, lockTimeout: 300), options: .init(force: true)).run(plan)
                })
            }
        }
        group.wait()
        for result in results.all { _ = try result.get() }
        // Each backfill's rows lie wholly before or after the other's.
        let spans = try store.rows("""
            select batch_id::text, min(started_at)::text, max(finished_at)::text from segflow.runs
            where command = 'backfill' group by batch_id order by min(started_at)
            """)
        try #require(spans.count == 2)
        let overlap = try store.count("""
            select count(*) from (select batch_id, min(started_at) s, max(finished_at) f from segflow.runs group by batch_id) a
            join (select batch_id, min(started_at) s, max(finished_at) f from segflow.runs group by batch_id) b
              on a.batch_id < b.batch_id and a.s < b.f and b.s < a.f
            """)
        #expect(overlap == 0)
        #expect(try store.count("select count(*) from segflow.snapshots") == 3)
    }

    /// The `segflow` executable built next to the test bundle (`swift build --build-tests` builds it).
    static func segflowExecutable() throws -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: me).deletingLastPathComponent()
        if directory.lastPathComponent == "MacOS" || directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        let path = directory.appendingPathComponent("segflow").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BackfillPlanError(problem: "no segflow executable at \(path): build it with swift build --build-tests")
        }
        return path
    }

    static func runSegflow(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try segflowExecutable())
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func theExecutableExitsWith2OnUsageErrorsAnd75WhenTheLockIsHeld() throws {
        let badFlags = try Self.runSegflow(["backfill", "--from", "2026-13-01", "--to", "2026-06-30"])
        badFlags.waitUntilExit()
        #expect(badFlags.terminationStatus == 2)

        let store = try RunTestStore.make("bf_exit75", customers: 200, seed: 31)
        let holder = try store.connect()
        defer { holder.close() }
        #expect(try holder.advisoryLock(store.runner(try RunTestStore.pipeline()).lockKey, timeout: 0))
        let locked = try Self.runSegflow(["run", "-d", store.connectionString, "--as-of", "2026-06-30",
                                          "--pipeline", RepositoryFiles.path("pipelines/default.yml"), "--log-level", "error"])
        locked.waitUntilExit()
        #expect(locked.terminationStatus == 75)
    }

    @Test func aForcedBackfillOverPublishedDaysEndsWithTheComparisonsOfACleanOne() throws {
        let pipeline = try RunTestStore.pipeline()
        let plan = try BackfillPlan(from: day("2026-03-31"), to: day("2026-06-30"), every: .month)
        let clean = try RunTestStore.make("bf_force_clean")
        _ = try BackfillRunner(runner: clean.runner(pipeline)).run(plan)

        // Republishing every day again: each earlier day is published while its successor is
        // already there, and that successor is republished next in the same batch, which then
        // computes its KPIs and transitions against it (no recompute in between).
        let forced = try RunTestStore.make("bf_force_again")
        _ = try BackfillRunner(runner: forced.runner(pipeline)).run(plan)
        let again = try BackfillRunner(runner: forced.runner(pipeline), options: .init(force: true)).run(plan)
        #expect(again.published.map(\.asOf) == plan.days)
        #expect(again.published.allSatisfy { $0.publish.recomputedAsOf == nil })
        #expect(try forced.publishedFingerprint() == clean.publishedFingerprint())
    }

    @Test func aKilledBackfillResumesAndEndsLikeACleanOne() throws {
        let customers = 1_500
        let interrupted = try RunTestStore.make("bf_killed", customers: customers, seed: 5, dirtyRate: 0.01)
        let clean = try RunTestStore.make("bf_clean", customers: customers, seed: 5, dirtyRate: 0.01)
        let pipelineFile = try RunTestStore.pipelineFileWithoutGates()
        defer { try? FileManager.default.removeItem(atPath: pipelineFile) }
        func arguments(_ store: RunTestStore) -> [String] {
            ["backfill", "-d", store.connectionString, "--pipeline", pipelineFile, "--from", "2026-01-04", "--to", "2026-06-28",
             "--every", "week", "--batch", "100", "--workers", "2", "--log-format", "json", "--retry-for", "0"]
        }
        let total = 26

        // Kill -9 as soon as the first snapshot is published.
        let victim = try Self.runSegflow(arguments(interrupted))
        let deadline = Date().addingTimeInterval(600)
        while victim.isRunning, Date() < deadline,
              try interrupted.count("select count(*) from segflow.snapshots") < 1 {
            usleep(10_000)
        }
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        let publishedBeforeKill = try interrupted.count("select count(*) from segflow.snapshots")
        try #require(publishedBeforeKill >= 1 && publishedBeforeKill < total, "the kill must land mid-backfill")
        let finishedBefore = try interrupted.rows("select as_of::text, run_id::text from segflow.snapshots order by as_of")

        let resumed = try Self.runSegflow(arguments(interrupted))
        resumed.waitUntilExit()
        #expect(resumed.terminationStatus == 0)
        let cleanRun = try Self.runSegflow(arguments(clean))
        cleanRun.waitUntilExit()
        #expect(cleanRun.terminationStatus == 0)

        // Every snapshot once; those finished before the kill were not redone.
        #expect(try interrupted.count("select count(*) from segflow.snapshots") == total)
        let after = try interrupted.rows("select as_of::text, run_id::text from segflow.snapshots order by as_of")
        #expect(Array(after.prefix(finishedBefore.count)) == finishedBefore)
        #expect(try interrupted.count("""
            select count(*) from (select as_of from segflow.runs where status = 'succeeded' group by as_of having count(*) <> 1) x
            """) == 0)
        #expect(try interrupted.count("select count(*) from segflow.runs where status = 'succeeded'") == total)
        // The killed process's unfinished rows were closed by the resumed one.
        #expect(try interrupted.count("select count(*) from segflow.runs where status = 'running'") == 0)
        #expect(try interrupted.count("select count(*) from segflow.runs where status = 'failed' and error like 'interrupted%'") >= 1)
        // Identical to the clean backfill, run ids aside; a difference names its table.
        let (resumedPrint, cleanPrint) = (try interrupted.publishedFingerprint(), try clean.publishedFingerprint())
        #expect(resumedPrint.count == cleanPrint.count)
        for (resumedTable, cleanTable) in zip(resumedPrint, cleanPrint) {
            #expect(resumedTable == cleanTable, "\(resumedTable.first.flatMap { $0 } ?? "?") differs; killed after \(publishedBeforeKill) snapshots")
        }
    }
}

/// Results collected from several threads.
final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<BackfillRunner.Report, any Error>] = []
    func append(_ result: Result<BackfillRunner.Report, any Error>) { lock.withLock { results.append(result) } }
    var all: [Result<BackfillRunner.Report, any Error>] { lock.withLock { results } }
}

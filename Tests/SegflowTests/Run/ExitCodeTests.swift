import PostgresClient
import Testing
@testable import Segflow
@testable import SegflowEngine
@testable import SegflowGenerator
@testable import SegflowPublish

/// An error's code alone decides the exit code (and the ledger's `exit_code`).
@Suite struct ExitCodeTests {
    @Test func eachCategoryHasItsExitCode() {
        #expect(RunExitCode.code(for: .usage) == 2)
        #expect(RunExitCode.code(for: .dataQuality) == 65)
        #expect(RunExitCode.code(for: .temporary) == 75)
        #expect(RunExitCode.code(for: .failure) == 1)
    }

    @Test func theCodeOfAnErrorDecidesItsExitCode() throws {
        let day = PostgresDate(daysSince1970: 20_634)
        let cases: [(any Error, Int32)] = [
            (QualityGateError(breaches: []), 65),
            (PipelineLockedError(pipeline: "default", schema: "segflow", waited: nil), 75),
            (MigrationLockTimeoutError(schema: "segflow", seconds: 1), 75),
            (SwapLockTimeoutError(asOf: day, attempts: 3), 75),
            (LockWaitTimeoutError(waiting: "extracting source orders", seconds: 1), 75),
            (TransientFailureError(attempts: 2, seconds: 1, underlying: "connection refused"), 75),
            (PipelineValidationError(issues: []), 2),
            (BackfillPlanError(problem: "empty"), 2),
            (InvalidEvaluationRangeError(calibrationEnd: day, holdoutEnd: day), 2),
            (ModelNotConvergedError(fits: []), 1),
            (SchemaOutdatedError(schema: "segflow", schemaVersion: 0, requiredVersion: 3), 2),
            (ConnectionStringError(problem: "bad port"), 2),
            (GenerationError.invalidConfiguration("customers must be positive"), 2),
            (GenerationError.sourceNotEmpty("shop has rows"), 1),
            (SnapshotValidationError(asOf: day, problem: "no customers"), 1),
            (EngineInvariantError("the run published no snapshot"), 1),
            (PostgresError(code: .connectionFailed, message: "connection refused"), 75),
            (PostgresError(code: .server, message: "syntax error", sqlState: "42601"), 1),
            (CocoaLikeError(), 1),
        ]
        for (error, expected) in cases {
            #expect(RunExitCode.code(for: error) == expected, "\(String(reflecting: error))")
        }
    }

    @Test func anEngineInvariantIsNotADatabaseError() {
        let error = EngineInvariantError("no ledger row for 2026-06-30")
        #expect(error.code == .engineInvariant)
        #expect(error.description == "internal error: no ledger row for 2026-06-30")
        #expect(error.debugDescription == "[engineInvariant] internal error: no ledger row for 2026-06-30")
    }

    @Test func aFailedRunIsRecordedWithTheStatusOfItsExitCode() {
        #expect(RunStatus(failureExitCode: RunExitCode.dataQuality) == .gateFailed)
        #expect(RunStatus(failureExitCode: RunExitCode.terminated) == .cancelled)
        #expect(RunStatus(failureExitCode: RunExitCode.interrupted) == .cancelled)
        #expect(RunStatus(failureExitCode: RunExitCode.temporary) == .failed)
        #expect(RunStatus(failureExitCode: RunExitCode.failure) == .failed)
    }

    @Test func theHelpSummaryListsEveryExitCode() {
        let codes = [RunExitCode.ok, RunExitCode.usage, RunExitCode.dataQuality, RunExitCode.temporary,
                     RunExitCode.terminated, RunExitCode.interrupted, RunExitCode.failure]
        #expect(RunExitCode.meanings.map(\.code) == codes)
        #expect(RunExitCode.summary.hasPrefix("Exit codes: 0 ok; 2 usage or configuration error; 65 a data-quality gate failed"))
    }

    private struct CocoaLikeError: Error {}
}

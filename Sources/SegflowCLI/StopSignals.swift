import Foundation
import Logging
import Segflow
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT stop segflow politely, also as PID 1 in a container (where the
/// kernel drops a signal that has no handler): the running statements are cancelled
/// (`RunStop`), the work unwinds (roll back, advisory lock released, unfinished runs
/// recorded as `cancelled`) and the process exits 143 (SIGTERM) or 130 (SIGINT). If that
/// takes longer than `grace` seconds, or a second signal arrives, it exits at once with
/// the same code: the server then ends the sessions, which rolls back and unlocks.
enum StopSignals {
    /// Seconds the work has to unwind after the signal before the process exits anyway.
    static let grace: Double = 5

    // The handler may only call async-signal-safe functions: it writes the signal number
    // to a pipe, and a thread of ours does the rest.
    nonisolated(unsafe) private static var pipeWriteEnd: Int32 = -1
    nonisolated(unsafe) private static var installed = false

    /// Installs the handlers (once; before any other thread starts is best).
    static func install() {
        guard !installed else { return }
        installed = true
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        pipeWriteEnd = ends[1]
        for signal in [SIGTERM, SIGINT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(StopSignals.pipeWriteEnd, &byte, 1)
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
        // A launcher may hand down a mask that blocks them (then, as PID 1, they would stay
        // pending for ever); threads started from here on inherit the unblocked mask.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGTERM)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        let readEnd = ends[0]
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) == 1 {
                received(Int32(byte))
            }
        }
    }

    /// The exit code a stop signal means.
    static func exitCode(for signal: Int32) -> Int32 {
        signal == SIGINT ? RunExitCode.interrupted : RunExitCode.terminated
    }

    private static func received(_ signal: Int32) {
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        let code = exitCode(for: signal)
        let logger = Logger(label: "segflow")
        if let first = RunStop.requested {
            logger.error("second stop signal; exiting at once", metadata: ["signal": "\(name)", "exit_code": "\(first.exitCode)"])
            _exit(first.exitCode)
        }
        logger.warning("stop requested; cancelling running statements", metadata: [
            "signal": "\(name)", "exit_code": "\(code)", "grace_seconds": "\(Int(grace))",
        ])
        let deadline = Date().addingTimeInterval(grace)
        // The watchdog runs apart from the cancels: PQcancel can block on an unreachable server.
        Thread.detachNewThread {
            Thread.sleep(until: deadline)
            logger.error("did not stop within the grace period; exiting", metadata: [
                "signal": "\(name)", "exit_code": "\(code)", "grace_seconds": "\(Int(grace))",
            ])
            _exit(code)
        }
        RunStop.request(exitCode: code, reason: name)
        // A statement that started while the first cancel was on its way is cancelled by the
        // next; on a thread of its own so that a second signal is still read at once.
        Thread.detachNewThread {
            while Date() < deadline {
                Thread.sleep(forTimeInterval: 0.5)
                RunStop.request(exitCode: code, reason: name)
            }
        }
    }
}

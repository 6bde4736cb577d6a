import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one subprocess to completion, capturing stdout and stderr, with a timeout.
struct CommandRunner: Sendable {
    var logger: Logger

    /// How long to wait for output to drain after the child exited; a grandchild
    /// that kept the pipe open must not hang us.
    private static let drainGrace: DispatchTimeInterval = .seconds(2)

    /// Our environment minus libpq's `PG*` variables: a developer's `PGHOST`,
    /// `PGOPTIONS` or `PGDATA` must not redirect or alter our commands.
    static func childEnvironment(
        from environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String: String] {
        environment.filter { !$0.key.hasPrefix("PG") }
    }

    /// Runs `commandLine` and returns its result whatever the exit status.
    ///
    /// - Throws: ``CommandFailedError`` only when the program cannot be launched.
    func run(
        _ commandLine: [String],
        workingDirectory: String? = nil,
        timeout: TimeInterval
    ) throws -> CommandResult {
        let started = Date()

        let stdoutPipe = try PipePair()
        let stderrPipe = try PipePair()
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                commandLine,
                environment: Self.childEnvironment(),
                workingDirectory: workingDirectory,
                standardOutput: stdoutPipe.writeEnd,
                standardError: stderrPipe.writeEnd
            )
        } catch {
            stdoutPipe.closeBoth()
            stderrPipe.closeBoth()
            throw CommandFailedError(command: commandLine, exitStatus: nil, standardErrorTail: "\(error)")
        }
        // Only the child may hold the write ends, or we would never see end-of-file.
        stdoutPipe.closeWriteEnd()
        stderrPipe.closeWriteEnd()

        let stdout = OutputBuffer()
        let stderr = OutputBuffer()
        let readers = DispatchGroup()
        stdout.startDraining(stdoutPipe.takeReadEnd(), group: readers)
        stderr.startDraining(stderrPipe.takeReadEnd(), group: readers)

        var timedOut = false
        var termination = child.wait(timeout: timeout)
        if termination == nil {
            timedOut = true
            logger.warning("command timed out; terminating", metadata: ["command": "\(commandLine.first ?? "")", "timeout": "\(timeout)s"])
            child.send(SIGTERM)
            termination = child.wait(timeout: 5)
            if termination == nil {
                child.send(SIGKILL)
                termination = child.waitForever()
            }
        }
        _ = readers.wait(timeout: .now() + Self.drainGrace)

        let (status, bySignal): (Int32, Bool) = switch termination {
        case .exited(let code): (code, false)
        case .signaled(let signal): (signal, true)
        case nil: (-1, false)
        }
        logger.debug("ran command", metadata: [
            "command": "\(commandLine.map(CommandFailedError.shellQuoted).joined(separator: " "))",
            "status": "\(bySignal ? "signal " : "")\(status)",
            "milliseconds": "\(Int(Date().timeIntervalSince(started) * 1000))",
        ])
        return CommandResult(
            command: commandLine,
            exitStatus: status,
            terminatedBySignal: bySignal,
            timedOut: timedOut,
            standardOutput: stdout.text,
            standardError: stderr.text
        )
    }

    /// Runs `commandLine` and throws unless it exits with status 0.
    @discardableResult
    func runChecked(
        _ commandLine: [String],
        workingDirectory: String? = nil,
        timeout: TimeInterval
    ) throws -> CommandResult {
        let result = try run(commandLine, workingDirectory: workingDirectory, timeout: timeout)
        guard result.succeeded else { throw result.failure() }
        return result
    }
}

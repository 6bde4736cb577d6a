/// What a finished subprocess left behind.
struct CommandResult: Sendable {
    /// The command line that ran, executable first.
    let command: [String]
    /// Exit status, or the signal number when `terminatedBySignal` is set.
    let exitStatus: Int32
    let terminatedBySignal: Bool
    let timedOut: Bool
    let standardOutput: String
    let standardError: String

    var succeeded: Bool { !timedOut && !terminatedBySignal && exitStatus == 0 }

    /// The error to throw for this result; quotes only the tail of the output.
    func failure() -> CommandFailedError {
        CommandFailedError(
            command: command,
            exitStatus: exitStatus,
            terminatedBySignal: terminatedBySignal,
            timedOut: timedOut,
            standardErrorTail: standardError.lastLines(20),
            standardOutputTail: standardOutput.lastLines(20)
        )
    }
}

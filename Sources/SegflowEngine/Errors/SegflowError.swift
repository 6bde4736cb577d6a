/// An error of the segflow library. Its `code` alone decides the exit code and the ledger's
/// `exit_code` (`RunExitCode.code(for:)`); the error's type only carries the details.
///
/// `description` is safe to show to anyone (no password, no row values); `debugDescription`
/// adds the stable code, for logs and bug reports.
public protocol SegflowError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    var code: SegflowErrorCode { get }
}

extension SegflowError {
    public var debugDescription: String { "[\(code)] \(description)" }
}

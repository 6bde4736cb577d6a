import SegflowEngine

/// `segflow export` was asked for something that does not exist: a column, a segment, an
/// as_of that was never published. Raised before any member is read (exit 2).
public struct InvalidExportError: SegflowError {
    public var code: SegflowErrorCode { .invalidExport }
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

// Small text helpers for error messages.

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace {
            text = text.dropLast()
        }
        return String(text)
    }

    /// The last `maxLines` lines, so errors quote the interesting end of long output.
    func lastLines(_ maxLines: Int) -> String {
        let lines = trimmingTrailingWhitespace().split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(maxLines).joined(separator: "\n")
    }
}

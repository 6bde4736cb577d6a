import Yams

/// Maps an offset in a YAML scalar's value back to a line and column in the file.
///
/// Walks the source from the scalar's mark, matching the value's characters against it:
/// non-space characters must appear in order, while quotes, `''` and `\` escapes,
/// indentation and line folding are skipped over. Exact for single-line plain and quoted
/// scalars and for literal blocks; close for folded ones.
struct ScalarPositionMap {
    private let lines: [[Unicode.Scalar]]

    init(yaml: String) {
        lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var scalars = Array(line.unicodeScalars)
            if scalars.last == "\r" { scalars.removeLast() }
            return scalars
        }
    }

    /// The 1-based (line, column) of the value's scalar at `offset`.
    func position(of offset: Int, in scalar: Node.Scalar) -> (line: Int, column: Int)? {
        guard let mark = scalar.mark else { return nil }
        let value = Array(scalar.string.unicodeScalars)
        var line = mark.line - 1
        var column = mark.column - 1
        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            column += 1
        case .literal, .folded:
            line += 1  // content starts below the `|` or `>` header
            column = 0
        case .any, .plain:
            break
        }

        func current() -> Unicode.Scalar? {
            guard line < lines.count else { return nil }
            return column < lines[line].count ? lines[line][column] : "\n"
        }
        func step() {
            guard line < lines.count else { return }
            if column < lines[line].count {
                column += 1
            } else {
                line += 1
                column = 0
            }
        }
        func skipSpace() {
            while let next = current(), next == " " || next == "\t" || next == "\n" {
                if line >= lines.count { return }
                step()
            }
        }

        for index in 0..<min(offset, value.count) {
            let character = value[index]
            if character == " " || character == "\t" || character == "\n" {
                if let next = current(), next == " " || next == "\t" || next == "\n" { step() }
                continue
            }
            skipSpace()
            guard let source = current() else { break }
            if scalar.style == .singleQuoted, character == "'", source == "'" {
                step()  // '' stands for one quote
                step()
            } else if scalar.style == .doubleQuoted, source == "\\" {
                step()
                let escape = current()
                let extra = escape == "x" ? 2 : escape == "u" ? 4 : escape == "U" ? 8 : 0
                for _ in 0...extra { step() }
            } else {
                step()
            }
        }
        if offset < value.count, value[offset] != " ", value[offset] != "\n" { skipSpace() }
        return (line + 1, column + 1)
    }
}

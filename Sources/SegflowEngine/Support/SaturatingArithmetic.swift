/// Totals over rows that pass cleaning but whose values are still only as bounded as their
/// column types (two sessions with 2147483647 product views): they stop at the type's
/// bounds instead of trapping. docs/operations.md, "Limits".
extension FixedWidthInteger {
    @inline(__always)
    func saturatingAdding(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    @inline(__always)
    mutating func saturatingAdd(_ other: Self) {
        self = saturatingAdding(other)
    }

    @inline(__always)
    func saturatingSubtracting(_ other: Self) -> Self {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }
}

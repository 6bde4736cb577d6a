/// One step of a compiled rule. Each step fills one register for a whole batch of rows;
/// registers hold numbers, with booleans as 0/1 and null as NaN.
enum Instruction: Sendable {
    case fill(Int, Double)
    /// A numeric feature column.
    case load(Int, [Double])
    /// A boolean feature column, normalised to 0/1.
    case loadBoolean(Int, [Double])
    /// A predicate over one text feature, precomputed per distinct value:
    /// `table[code + 1]` (index 0 is the null row).
    case lookup(Int, codes: [Int32], table: [Double])
    case negate(Int, Int)
    case abs(Int, Int)
    case round(Int, Int, digits: Int?)
    case arithmetic(TypedExpression.ArithmeticOperator, Int, Int, Int)
    case compare(TypedExpression.ComparisonOperator, Int, Int, Int)
    /// `register op constant`, one pass.
    case compareConstant(TypedExpression.ComparisonOperator, Int, Int, Double)
    /// `feature op constant` straight from the column: the most common rule leaf, one pass
    /// instead of load, fill and compare.
    case compareColumn(TypedExpression.ComparisonOperator, Int, [Double], Double, boolean: Bool)
    case and(Int, Int, Int)
    case or(Int, Int, Int)
    case not(Int, Int)
    case isNull(Int, Int)
    case coalesce(Int, [Int])
    case least(Int, [Int])
    case greatest(Int, [Int])
    /// The slow path: a predicate over two or more text features, interpreted per row.
    case rowwise(Int, TypedExpression)
}

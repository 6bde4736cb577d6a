import Foundation

/// A rule compiled against one snapshot: population statistics and `as_of` folded into
/// constants, text predicates turned into per-value tables, the rest a short register
/// program that runs over batches of rows (a tight loop per step, no per-row dispatch).
public struct CompiledRule: Sendable {
    /// Rows per batch: registers of this size stay in the L1/L2 caches.
    public static let defaultBatchSize = 512

    let instructions: [Instruction]
    let registerCount: Int
    let result: Int
    let context: EvaluationContext
    private let interpreter: ScalarInterpreter

    public init(_ rule: RuleExpression, context: EvaluationContext) {
        self.init(rule.typed, context: context)
    }

    init(_ expression: TypedExpression, context: EvaluationContext) {
        var builder = ProgramBuilder(context: context)
        result = builder.emit(expression)
        instructions = builder.instructions
        registerCount = builder.registerCount
        self.context = context
        interpreter = builder.interpreter
    }

    /// Whether the rule is true for each row (nil for null), single-threaded; for tests
    /// and small tables. `SegmentAssigner` runs batches in parallel instead.
    public func evaluate() -> [Bool?] {
        let registers = RegisterFile()
        var output: [Bool?] = []
        output.reserveCapacity(context.columns.count)
        var start = 0
        while start < context.columns.count {
            let rows = start..<min(start + registers.batchSize, context.columns.count)
            let values = run(rows: rows, registers: registers)
            for index in 0..<rows.count {
                let value = values[index]
                output.append(value.isNaN ? nil : value != 0)
            }
            start = rows.upperBound
        }
        return output
    }

    /// Runs the program over `rows` (at most `registers.batchSize` of them) and returns the
    /// result register: 1 true, 0 false, NaN null, for each row in order.
    func run(rows: Range<Int>, registers: RegisterFile) -> UnsafeMutablePointer<Double> {
        registers.reserve(registerCount + 1)  // one spare for normalising boolean columns
        let n = min(rows.count, registers.batchSize)
        let start = rows.lowerBound
        for instruction in instructions {
            switch instruction {
            case .fill(let d, let value):
                registers.register(d).update(repeating: value, count: n)
            case .load(let d, let column):
                Self.load(column, start: start, count: n, into: registers.register(d), boolean: false)
            case .loadBoolean(let d, let column):
                Self.load(column, start: start, count: n, into: registers.register(d), boolean: true)
            case .lookup(let d, let codes, let table):
                let out = registers.register(d)
                codes.withUnsafeBufferPointer { codes in
                    table.withUnsafeBufferPointer { table in
                        for i in 0..<n { out[i] = table[Int(codes[start + i]) + 1] }
                    }
                }
            case .negate(let d, let a):
                let out = registers.register(d), x = registers.register(a)
                for i in 0..<n { out[i] = -x[i] }
            case .abs(let d, let a):
                let out = registers.register(d), x = registers.register(a)
                for i in 0..<n { out[i] = Swift.abs(x[i]) }
            case .round(let d, let a, let digits):
                let out = registers.register(d), x = registers.register(a)
                if let digits {
                    let places = registers.register(digits)
                    for i in 0..<n { out[i] = x[i].isNaN ? .nan : ScalarInterpreter.round(x[i], digits: places[i]) }
                } else {
                    for i in 0..<n { out[i] = x[i].rounded(.toNearestOrAwayFromZero) }
                }
            case .arithmetic(let op, let d, let a, let b):
                Self.arithmetic(op, registers.register(d), registers.register(a), registers.register(b), n)
            case .compare(let op, let d, let a, let b):
                Self.compare(op, registers.register(d), registers.register(a), registers.register(b), n)
            case .compareConstant(let op, let d, let a, let constant):
                Self.compare(op, registers.register(d), UnsafePointer(registers.register(a)), constant, n)
            case .compareColumn(let op, let d, let column, let constant, let boolean):
                let out = registers.register(d)
                column.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress, source.count >= start + n else {
                        out.update(repeating: .nan, count: n)
                        return
                    }
                    if boolean {
                        // Booleans are stored as 0/1 but any non-zero counts as true.
                        let normalised = registers.register(registerCount)
                        for i in 0..<n {
                            let value = base[start + i]
                            normalised[i] = value != 0 && !value.isNaN ? 1 : value
                        }
                        Self.compare(op, out, UnsafePointer(normalised), constant, n)
                    } else {
                        Self.compare(op, out, base + start, constant, n)
                    }
                }
            case .and(let d, let a, let b):
                let out = registers.register(d), x = registers.register(a), y = registers.register(b)
                for i in 0..<n {
                    // On {0, 1, NaN}: the product, except that false beats null.
                    let product = x[i] * y[i]
                    out[i] = (x[i] == 0) || (y[i] == 0) ? 0 : product
                }
            case .or(let d, let a, let b):
                let out = registers.register(d), x = registers.register(a), y = registers.register(b)
                for i in 0..<n {
                    // On {0, 1, NaN}: the larger, except that true beats null.
                    let sum = x[i] + y[i]
                    out[i] = (x[i] == 1) || (y[i] == 1) ? 1 : sum
                }
            case .not(let d, let a):
                let out = registers.register(d), x = registers.register(a)
                for i in 0..<n { out[i] = 1 - x[i] }  // NaN stays NaN
            case .isNull(let d, let a):
                let out = registers.register(d), x = registers.register(a)
                for i in 0..<n { out[i] = x[i].isNaN ? 1 : 0 }
            case .coalesce(let d, let arguments):
                let out = registers.register(d)
                out.update(from: registers.register(arguments[0]), count: n)
                for argument in arguments.dropFirst() {
                    let x = registers.register(argument)
                    for i in 0..<n where out[i].isNaN { out[i] = x[i] }
                }
            case .least(let d, let arguments), .greatest(let d, let arguments):
                let isLeast = if case .least = instruction { true } else { false }
                let out = registers.register(d)
                out.update(from: registers.register(arguments[0]), count: n)
                for argument in arguments.dropFirst() {
                    let x = registers.register(argument)
                    for i in 0..<n where !x[i].isNaN {
                        if out[i].isNaN || (isLeast ? x[i] < out[i] : x[i] > out[i]) { out[i] = x[i] }
                    }
                }
            case .rowwise(let d, let expression):
                let out = registers.register(d)
                for i in 0..<n {
                    let value = interpreter.evaluate(expression) { context.value($0, row: start + i) }
                    out[i] = value.columnar
                }
            }
        }
        return registers.register(result)
    }

    private static func load(_ column: [Double], start: Int, count n: Int,
                              into out: UnsafeMutablePointer<Double>, boolean: Bool) {
        column.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress, source.count >= start + n else {
                out.update(repeating: .nan, count: n)  // a column the snapshot lacks reads as null
                return
            }
            if boolean {
                for i in 0..<n {
                    let value = base[start + i]
                    out[i] = value.isNaN ? .nan : (value != 0 ? 1 : 0)
                }
            } else {
                out.update(from: base + start, count: n)
            }
        }
    }

    private static func arithmetic(_ op: TypedExpression.ArithmeticOperator, _ out: UnsafeMutablePointer<Double>,
                                   _ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        switch op {
        case .add: for i in 0..<n { out[i] = x[i] + y[i] }
        case .subtract: for i in 0..<n { out[i] = x[i] - y[i] }
        case .multiply: for i in 0..<n { out[i] = x[i] * y[i] }
        case .divide: for i in 0..<n { out[i] = y[i] == 0 ? .nan : x[i] / y[i] }
        }
        // inf - inf and 0 * inf give NaN, which already reads as null.
    }

    private static func compare(_ op: TypedExpression.ComparisonOperator, _ out: UnsafeMutablePointer<Double>,
                                _ x: UnsafePointer<Double>, _ y: Double, _ n: Int) {
        // x - x is 0, or NaN for null, so adding it turns the result into null where x is.
        // (An infinite x would also read as null; features are finite.)
        switch op {
        case .equal: for i in 0..<n { out[i] = (x[i] == y ? 1 : 0) + (x[i] - x[i]) }
        case .notEqual: for i in 0..<n { out[i] = (x[i] != y ? 1 : 0) + (x[i] - x[i]) }
        case .less: for i in 0..<n { out[i] = (x[i] < y ? 1 : 0) + (x[i] - x[i]) }
        case .lessEqual: for i in 0..<n { out[i] = (x[i] <= y ? 1 : 0) + (x[i] - x[i]) }
        case .greater: for i in 0..<n { out[i] = (x[i] > y ? 1 : 0) + (x[i] - x[i]) }
        case .greaterEqual: for i in 0..<n { out[i] = (x[i] >= y ? 1 : 0) + (x[i] - x[i]) }
        }
    }

    private static func compare(_ op: TypedExpression.ComparisonOperator, _ out: UnsafeMutablePointer<Double>,
                                _ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        // IEEE comparisons with NaN are false; the null check turns them into null.
        @inline(__always) func result(_ a: Double, _ b: Double, _ holds: Bool) -> Double {
            (a.isNaN || b.isNaN) ? .nan : (holds ? 1 : 0)
        }
        switch op {
        case .equal: for i in 0..<n { out[i] = result(x[i], y[i], x[i] == y[i]) }
        case .notEqual: for i in 0..<n { out[i] = result(x[i], y[i], x[i] != y[i]) }
        case .less: for i in 0..<n { out[i] = result(x[i], y[i], x[i] < y[i]) }
        case .lessEqual: for i in 0..<n { out[i] = result(x[i], y[i], x[i] <= y[i]) }
        case .greater: for i in 0..<n { out[i] = result(x[i], y[i], x[i] > y[i]) }
        case .greaterEqual: for i in 0..<n { out[i] = result(x[i], y[i], x[i] >= y[i]) }
        }
    }
}

extension Value {
    /// The register encoding: numbers as is, booleans 0/1, null (and text) NaN.
    var columnar: Double {
        switch self {
        case .number(let value): value
        case .boolean(let value): value ? 1 : 0
        case .null, .text: .nan
        }
    }
}

import SegflowEngine

/// Lowers a typed expression to register instructions for one snapshot.
struct ProgramBuilder {
    let context: EvaluationContext
    let interpreter: ScalarInterpreter
    private(set) var instructions: [Instruction] = []
    private(set) var registerCount = 0

    init(context: EvaluationContext) {
        self.context = context
        interpreter = ScalarInterpreter(statistics: context.statistics, asOf: context.asOf)
    }

    private mutating func allocate() -> Int {
        defer { registerCount += 1 }
        return registerCount
    }

    private mutating func append(_ make: (Int) -> Instruction) -> Int {
        let register = allocate()
        instructions.append(make(register))
        return register
    }

    /// Emits code for `node` and returns the register that holds its value.
    mutating func emit(_ node: TypedExpression) -> Int {
        let dependencies = node.featureDependencies
        if dependencies.numeric.isEmpty, dependencies.text.isEmpty {
            // Constants, as_of and population statistics fold to one value per snapshot.
            let value = interpreter.evaluate(node) { _ in .null }
            return append { .fill($0, value.columnar) }
        }
        if node.type == .boolean, dependencies.numeric.isEmpty, dependencies.text.count == 1,
           let feature = dependencies.text.first {
            return lookup(node, feature: feature)
        }
        switch node {
        case .constant(let value, _):
            return append { .fill($0, value.columnar) }
        case .asOf, .population:
            let value = interpreter.evaluate(node) { _ in .null }
            return append { .fill($0, value.columnar) }
        case .feature(let key, let type):
            let column = context.columns.numbers(key)
            if type == .boolean { return append { .loadBoolean($0, column) } }
            if type == .number { return append { .load($0, column) } }
            assertionFailure("text feature outside a predicate")
            return append { .fill($0, .nan) }
        case .negate(let operand):
            let a = emit(operand)
            return append { .negate($0, a) }
        case .arithmetic(let op, let left, let right):
            let a = emit(left)
            let b = emit(right)
            return append { .arithmetic(op, $0, a, b) }
        case .compare(_, let left, let right) where left.type == .text || right.type == .text:
            return append { .rowwise($0, node) }
        case .isNull(let operand) where operand.type == .text:
            return append { .rowwise($0, node) }
        case .compare(let op, let left, let right):
            if let fused = compareWithConstant(op, left, right) { return fused }
            let a = emit(left)
            let b = emit(right)
            return append { .compare(op, $0, a, b) }
        case .and(let left, let right):
            let a = emit(left)
            let b = emit(right)
            return append { .and($0, a, b) }
        case .or(let left, let right):
            let a = emit(left)
            let b = emit(right)
            return append { .or($0, a, b) }
        case .not(let operand):
            let a = emit(operand)
            return append { .not($0, a) }
        case .isNull(let operand):
            let a = emit(operand)
            return append { .isNull($0, a) }
        case .call(let function, let arguments, let type):
            if type == .text {
                assertionFailure("text call outside a predicate")
                return append { .fill($0, .nan) }
            }
            let registers = arguments.map { emit($0) }
            switch function {
            case .coalesce: return append { .coalesce($0, registers) }
            case .least: return append { .least($0, registers) }
            case .greatest: return append { .greatest($0, registers) }
            case .abs: return append { .abs($0, registers[0]) }
            case .round: return append { .round($0, registers[0], digits: registers.count > 1 ? registers[1] : nil) }
            case .lower, .upper:
                return append { .fill($0, .nan) }  // text-typed; unreachable after type checking
            }
        }
    }

    /// `x op c` or `c op x` with a snapshot constant `c`, fused into one instruction.
    private mutating func compareWithConstant(_ comparison: TypedExpression.ComparisonOperator, _ left: TypedExpression,
                                              _ right: TypedExpression) -> Int? {
        func constant(_ node: TypedExpression) -> Double? {
            let dependencies = node.featureDependencies
            guard dependencies.numeric.isEmpty, dependencies.text.isEmpty else { return nil }
            return interpreter.evaluate(node) { _ in .null }.columnar
        }
        let op: TypedExpression.ComparisonOperator
        let variable: TypedExpression
        let value: Double
        if let constantRight = constant(right) {
            (op, variable, value) = (comparison, left, constantRight)
        } else if let constantLeft = constant(left) {
            (op, variable, value) = (comparison.mirrored, right, constantLeft)  // `c < x` is `x > c`
        } else {
            return nil
        }
        if value.isNaN {
            return append { .fill($0, .nan) }  // comparing with null is null for every row
        }
        if case .feature(let key, let type) = variable, type != .text {
            let column = context.columns.numbers(key)
            return append { .compareColumn(op, $0, column, value, boolean: type == .boolean) }
        }
        let a = emit(variable)
        return append { .compareConstant(op, $0, a, value) }
    }

    /// A boolean over one text feature: evaluate it once per distinct value (and null).
    private mutating func lookup(_ node: TypedExpression, feature: FeatureKey) -> Int {
        let dictionary = context.dictionary(feature)
        var table = [interpreter.evaluate(node) { _ in .null }.columnar]
        table.reserveCapacity(dictionary.values.count + 1)
        for text in dictionary.values {
            table.append(interpreter.evaluate(node) { _ in .text(text) }.columnar)
        }
        let codes = dictionary.codes
        return append { .lookup($0, codes: codes, table: table) }
    }
}

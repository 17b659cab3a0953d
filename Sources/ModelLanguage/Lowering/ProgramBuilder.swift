/// Appends instructions to a `TrialProgram` while folding constants, dropping identities
/// (x + 0, x·1, select on a known condition) and reusing an identical earlier instruction
/// (common subexpressions: `Q[choice]` read twice is gathered once).
struct ProgramBuilder {
    var program: TrialProgram
    private var seen: [Key: [Int]] = [:]

    private struct Key: Hashable {
        let operation: String
        let operands: [TrialProgram.Value]
    }

    init(optionCount: Int, levels: [Int: Int]) {
        program = TrialProgram(optionCount: optionCount, levels: levels)
    }

    typealias Value = TrialProgram.Value

    mutating func addRegister(_ source: TrialProgram.Register.Source, level: Level) -> Int {
        program.registers.append(TrialProgram.Register(source: source, level: level))
        return program.registers.count - 1
    }

    private func level(of operands: [Value]) -> Level {
        operands.map { program.level($0) }.max() ?? .constant
    }

    /// Emits an instruction (or finds an identical one) and returns its outputs.
    private mutating func emit(
        _ operation: TrialProgram.Instruction.Operation, name: String, _ operands: [Value], outputs: Int,
        location: SourceLocation
    ) -> [Value] {
        let key = Key(operation: name, operands: operands)
        if case .observe = operation {} else if let found = seen[key] { return found.map { .register($0) } }
        let index = program.instructions.count
        let level = max(self.level(of: operands), .data)
        let registers = (0..<outputs).map { addRegister(.instruction(index, output: $0), level: level) }
        program.instructions.append(
            TrialProgram.Instruction(operation: operation, operands: operands, outputs: registers, location: location))
        if case .observe = operation {} else { seen[key] = registers }
        return registers.map { .register($0) }
    }

    mutating func elementwise(_ f: ElementwiseFunction, _ args: [Value], location: SourceLocation) -> Value {
        if let folded = simplify(f, args) { return folded }
        return emit(.elementwise(f), name: f.name, args, outputs: 1, location: location)[0]
    }

    mutating func call(_ name: String, _ args: [Value], location: SourceLocation) -> Value {
        elementwise(ElementwiseFunction.named(name), args, location: location)
    }

    /// Constant folding and algebraic identities; nil when the call must be emitted.
    private func simplify(_ f: ElementwiseFunction, _ args: [Value]) -> Value? {
        let constants = args.map(\.constant)
        if constants.allSatisfy({ $0 != nil }) {
            let lanes = constants.map { Lanes(repeating: $0!) } + [Lanes](repeating: .zero, count: 3 - args.count)
            return .constant(f.evaluate(lanes[0], lanes[1], lanes[2])[0])
        }
        let a = constants.first ?? nil, b = constants.count > 1 ? constants[1] : nil
        switch f.name {
        case "add":
            if a == 0 { return args[1] }
            if b == 0 { return args[0] }
        case "sub":
            if b == 0 { return args[0] }
        case "mul":
            if a == 1 { return args[1] }
            if b == 1 { return args[0] }
            // 0·x = 0: parameters and data are finite, and a model multiplying 0 by an infinite
            // value has no meaningful gradient there anyway.
            if a == 0 || b == 0 { return .constant(0) }
        case "div":
            if b == 1 { return args[0] }
        case "and":
            if a == 0 || b == 0 { return .constant(0) }
            if a != nil { return args[1] }
            if b != nil { return args[0] }
        case "or":
            if let a { return a != 0 ? .constant(1) : args[1] }
            if let b { return b != 0 ? .constant(1) : args[0] }
        case "select":
            if let a { return a != 0 ? args[1] : args[2] }
            if args[1] == args[2] { return args[1] }
        default: break
        }
        return nil
    }

    /// e_index among `elements` (index 1…n, a data value). A constant index picks directly.
    mutating func gather(index: Value, _ elements: [Value], location: SourceLocation) throws -> Value {
        if let i = index.constant {
            return elements[try LoweringError.position(i, count: elements.count, at: location)]
        }
        if elements.allSatisfy({ $0 == elements[0] }) { return elements[0] }
        return emit(.gather, name: "gather", [index] + elements, outputs: 1, location: location)[0]
    }

    /// `elements` with the one at `index` replaced by `value`.
    mutating func scatter(index: Value, value: Value, _ elements: [Value], location: SourceLocation) throws -> [Value] {
        if let i = index.constant {
            var result = elements
            result[try LoweringError.position(i, count: elements.count, at: location)] = value
            return result
        }
        if elements.allSatisfy({ $0 == value }) { return elements }
        return emit(.scatter, name: "scatter", [index, value] + elements, outputs: elements.count, location: location)
    }

    mutating func softmax(_ u: [Value], location: SourceLocation) -> [Value] {
        if u.allSatisfy({ $0.constant != nil }) {
            let x = u.map { $0.constant! }
            let m = x.max()!
            let w = x.map { laneExp(Lanes(repeating: $0 - m))[0] }
            let total = w.reduce(0, +)
            return w.map { .constant($0 / total) }
        }
        return emit(.softmax, name: "softmax", u, outputs: u.count, location: location)
    }

    mutating func observe(
        _ distribution: ObservationDistribution, column: Int, predicate: Value, arguments: [Value],
        offered: Bool, probabilities: [Value], location: SourceLocation
    ) {
        program.outcomeProbabilities[program.instructions.count] = probabilities
        _ = emit(
            .observe(distribution, column: column, offered: offered), name: "observe", [predicate] + arguments,
            outputs: 0, location: location)
    }
}

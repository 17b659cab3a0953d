/// Turns a checked model into the `TrialProgram` for one data shape: K options, each index
/// column's number of levels, and the arguments' values (defaults, or a fit's `--arg`).
///
/// - A vector or table is one value per element (row-major); a scalar broadcasts.
/// - `for k in option` runs its body K times with k a constant; comprehensions likewise.
/// - `x[i]` with i from the data is a `gather`; `x[i] = v` a `scatter` (a constant i picks
///   the element directly). Several data indices combine into one linear index.
/// - `if c { … } else { … }` lowers both branches and merges every value they change with
///   select(c, then, else); an observation inside a branch holds only where the branch's
///   condition does (its predicate). A constant condition keeps one branch.
///
/// Sizes the checker could not know (K or an index column's levels from the data) are checked
/// here: a constant index outside them, or vectors of different lengths combined, is a
/// `ModelFileError` at the place in the file, saying what the data have.
public enum Lowering {
    public static func lower(_ model: CheckedModel, optionCount: Int, levels: [Int: Int], arguments: [Double]? = nil)
        throws -> TrialProgram
    {
        var lowering = LoweringState(
            model: model, optionCount: optionCount, levels: levels,
            arguments: arguments ?? model.arguments.map(\.defaultValue))
        do {
            return try lowering.run()
        } catch let error as LoweringError {
            throw ModelFileError(
                file: model.file, location: error.location,
                problem: error.problem
                    + " (the data have \(optionCount) options\(levels.isEmpty ? "" : "; " + levels.sorted { $0.key < $1.key }.map { "\(model.data[$0.key].name) has \($0.value) categories" }.joined(separator: ", ")))",
                fix: error.fix)
        }
    }
}

/// A size mismatch found while lowering (reported as a `ModelFileError` with the data's sizes).
struct LoweringError: Error {
    let location: SourceLocation
    let problem: String
    let fix: String

    /// The 0-based position of constant index `i` among `count` elements.
    static func position(_ i: Double, count: Int, at location: SourceLocation) throws -> Int {
        guard i >= 1 && i <= Double(count) && i == i.rounded() else {
            throw LoweringError(
                location: location,
                problem:
                    "index \(i == i.rounded() && abs(i) < 1e9 ? String(Int(i)) : String(i)) is outside 1..\(count)",
                fix: "use an index the data's sizes allow, or declare the size in the file (options N, index 1..N)")
        }
        return Int(i) - 1
    }

    /// Checks that vectors combined elementwise have the same length.
    static func sameLength(_ tensors: [Tensor], at location: SourceLocation) throws {
        let lengths = Set(tensors.filter { !$0.isScalar }.map(\.values.count))
        guard lengths.count <= 1 else {
            throw LoweringError(
                location: location,
                problem:
                    "vectors of \(lengths.sorted().map(String.init).joined(separator: " and ")) elements are combined",
                fix: "write vectors with one value per option (e.g. [… for k in option]), or declare options N")
        }
    }
}

/// Values of a vector, table or scalar, row-major, with the element counts per dimension.
struct Tensor {
    var shape: [Int]
    var values: [TrialProgram.Value]

    static func scalar(_ v: TrialProgram.Value) -> Tensor { Tensor(shape: [], values: [v]) }
    var scalar: TrialProgram.Value { values[0] }
    var isScalar: Bool { shape.isEmpty }
}

private struct LoweringState {
    typealias Value = TrialProgram.Value
    let model: CheckedModel
    let optionCount: Int
    let levels: [Int: Int]
    let arguments: [Double]
    var builder: ProgramBuilder
    var locals: [Int: Tensor] = [:]
    var states: [Tensor] = []
    var predicate: Value = .constant(1)

    init(model: CheckedModel, optionCount: Int, levels: [Int: Int], arguments: [Double]) {
        self.model = model
        self.optionCount = optionCount
        self.levels = levels
        self.arguments = arguments
        builder = ProgramBuilder(optionCount: optionCount, levels: levels)
    }

    func size(_ d: Dimension) -> Int {
        switch d {
        case .option: return optionCount
        case let .category(c): return levels[c]!
        case let .literal(n): return n
        }
    }

    mutating func run() throws -> TrialProgram {
        for c in model.data.indices {
            builder.program.dataRegisters[c] = builder.addRegister(.data(column: c), level: .data)
        }
        builder.program.parameterRegisters = model.parameters.indices.map {
            builder.addRegister(.parameter($0), level: .parameter)
        }
        // State elements: a register each for the value at the start of the trial.
        for (s, state) in model.states.enumerated() {
            let shape = state.isIndex ? [] : state.dimensions.map(size)
            let count = shape.reduce(1, *)
            var values: [Value] = []
            for e in 0..<count {
                let element = builder.program.states.count
                let start = builder.addRegister(.stateStart(element: element), level: state.level)
                builder.program.states.append(
                    TrialProgram.StateElement(
                        state: s, label: label(state.name, shape: shape, flat: e), start: start,
                        final: .register(start),
                        initial: initial(state.initial, element: e), acrossBlocks: state.acrossBlocks,
                        level: state.level))
                values.append(.register(start))
            }
            states.append(Tensor(shape: shape, values: values))
        }
        try block(model.trial, topLevel: true)
        for (i, element) in builder.program.states.enumerated() {
            let s = element.state
            let flat = i - builder.program.states.firstIndex { $0.state == s }!
            builder.program.states[i].final = states[s].values[flat]
        }
        if let reward = model.reward {
            builder.program.reward = try expression(reward).scalar
        }
        return builder.program
    }

    func label(_ name: String, shape: [Int], flat: Int) -> String {
        guard !shape.isEmpty else { return name }
        var rest = flat
        var index: [Int] = []
        for n in shape.reversed() { index.append(rest % n + 1); rest /= n }
        return "\(name)[\(index.reversed().map(String.init).joined(separator: ","))]"
    }

    func initial(_ v: CheckedModel.InitialValue, element: Int) -> Value {
        switch v {
        case let .constant(x): return .constant(x)
        case let .argument(a): return .constant(arguments[a])
        case let .parameter(p): return .register(builder.program.parameterRegisters[p])
        case .none: return .constant(0)
        case let .elements(list): return initial(list[element], element: 0)
        }
    }

    // MARK: Statements

    mutating func block(_ statements: [TypedStatement], topLevel: Bool = false) throws {
        for s in statements { try statement(s, topLevel: topLevel) }
    }

    mutating func statement(_ s: TypedStatement, topLevel: Bool) throws {
        switch s {
        case let .assign(target, indices, value, location):
            let v = try expression(value)
            var current: Tensor
            switch target {
            case let .state(i): current = states[i]
            case let .local(l):
                guard let existing = locals[l] else {
                    locals[l] = v
                    if topLevel && model.locals[l].topLevel { addProbes(name: model.locals[l].name, v) }
                    return
                }
                current = existing
            }
            if !v.isScalar && indices.isEmpty && v.values.count != current.values.count {
                throw LoweringError(
                    location: location,
                    problem: "a value of \(v.values.count) elements is assigned to \(current.values.count) elements",
                    fix: "assign one value per element (e.g. [… for k in option]), or declare options N")
            }
            let updated =
                indices.isEmpty
                ? Tensor(shape: current.shape, values: broadcast(v, count: current.values.count))
                : try assignElements(
                    current, indices: try indices.map { try expression($0).scalar }, value: v, location: location)
            switch target {
            case let .state(i): states[i] = updated
            case let .local(l):
                locals[l] = updated
                if topLevel && model.locals[l].topLevel { addProbes(name: model.locals[l].name, updated) }
            }
        case let .observe(column, distribution, arguments, location):
            let args = try arguments.map { try expression($0) }
            if distribution.observesChoice {
                let n: Int
                if case .index = model.data[column].kind { n = levels[column] ?? 1 } else { n = optionCount }
                for a in args where a.values.count != n {
                    throw LoweringError(
                        location: location,
                        problem:
                            "\(model.data[column].name) has \(n) possible values but the \(distribution.rawValue) is given \(a.values.count)",
                        fix: "give one value per option (e.g. [… for k in option]), or declare options N")
                }
            }
            if distribution == .wiener {
                let n: Int
                if case .index = model.data[column].kind { n = levels[column] ?? 1 } else { n = optionCount }
                guard n == 2 else {
                    throw LoweringError(
                        location: location,
                        problem:
                            "wiener observes one of two responses (the boundaries), but \(model.data[column].name) has \(n) possible values",
                        fix: "declare options 2 (1 the upper boundary, 2 the lower)")
                }
            }
            var flat = args[0].values
            if distribution == .softmax || distribution == .sequentialLogit, args.count == 2 { flat += args[1].values }
            if distribution == .wiener { flat = args.flatMap(\.values) }
            let probabilities = try outcomeProbabilities(
                column: column, distribution: distribution, args: args, location: location)
            builder.observe(
                distribution, column: column, predicate: predicate, arguments: flat, offered: args.count == 2,
                probabilities: probabilities, location: location)
        case let .ifElse(condition, then, otherwise, location):
            let c = try expression(condition).scalar
            if let known = c.constant {
                try block(known != 0 ? then : otherwise)
                return
            }
            let outerPredicate = predicate
            let savedLocals = locals, savedStates = states
            predicate = builder.call("and", [outerPredicate, c], location: location)
            try block(then)
            let thenLocals = locals, thenStates = states
            locals = savedLocals
            states = savedStates
            predicate = builder.call(
                "and", [outerPredicate, builder.call("not", [c], location: location)], location: location)
            try block(otherwise)
            predicate = outerPredicate
            // Merge what either branch changed (locals defined inside a branch end with it).
            for i in states.indices {
                states[i] = merge(c, thenStates[i], states[i], location: location)
            }
            for (slot, before) in savedLocals {
                let a = thenLocals[slot] ?? before, b = locals[slot] ?? before
                locals[slot] = merge(c, a, b, location: location)
            }
            locals = locals.filter { savedLocals[$0.key] != nil }
        case let .forEach(variable, dimension, body, _):
            for k in 1...size(dimension) {
                locals[variable] = .scalar(.constant(Double(k)))
                try block(body)
            }
            locals[variable] = nil
        }
    }

    mutating func merge(_ c: Value, _ a: Tensor, _ b: Tensor, location: SourceLocation) -> Tensor {
        Tensor(
            shape: a.shape,
            values: zip(a.values, b.values).map { x, y in
                x == y ? x : builder.call("select", [c, x, y], location: location)
            })
    }

    func broadcast(_ v: Tensor, count: Int) -> [Value] {
        v.values.count == count ? v.values : [Value](repeating: v.values[0], count: count)
    }

    /// `current` with the elements addressed by `indices` (a prefix of its dimensions) set to
    /// `value` (one value per remaining position, or one for all).
    mutating func assignElements(_ current: Tensor, indices: [Value], value: Tensor, location: SourceLocation) throws
        -> Tensor
    {
        let prefix = Array(current.shape.prefix(indices.count))
        let trailing = current.shape.dropFirst(indices.count).reduce(1, *)
        let prefixCount = prefix.reduce(1, *)
        let linear = linearIndex(indices, shape: prefix, location: location)
        var result = current
        let values = broadcast(value, count: trailing)
        for q in 0..<trailing {
            let elements = (0..<prefixCount).map { current.values[$0 * trailing + q] }
            let updated = try builder.scatter(index: linear, value: values[q], elements, location: location)
            for p in 0..<prefixCount { result.values[p * trailing + q] = updated[p] }
        }
        return result
    }

    /// The 1-based position among the prefix elements: Σ (iₖ − 1)·strideₖ + 1 (data arithmetic,
    /// computed once when the data are loaded).
    mutating func linearIndex(_ indices: [Value], shape: [Int], location: SourceLocation) -> Value {
        if indices.count == 1 { return indices[0] }
        var total: Value = .constant(1)
        var stride = shape.reduce(1, *)
        for (i, index) in indices.enumerated() {
            stride /= shape[i]
            let zeroBased = builder.call("sub", [index, .constant(1)], location: location)
            total = builder.call(
                "add", [total, builder.call("mul", [zeroBased, .constant(Double(stride))], location: location)],
                location: location)
        }
        return total
    }

    mutating func addProbes(name: String, _ v: Tensor) {
        builder.program.probes.removeAll { $0.name == name || $0.name.hasPrefix(name + "[") }
        if v.isScalar {
            builder.program.probes.append(TrialProgram.Probe(name: name, value: v.scalar))
        } else {
            for (i, x) in v.values.enumerated() {
                builder.program.probes.append(TrialProgram.Probe(name: label(name, shape: v.shape, flat: i), value: x))
            }
        }
    }

    /// The observed column's probability of each outcome, computed before the observation
    /// (simulation samples from them) and reported by replays as `p_choice[k]` or `p_pressed`;
    /// a compiled fit drops them. A count (sequential_logit) has no finite list of outcomes:
    /// its draw reads the coefficients of the log-odds, and replays report its log p only; a
    /// wiener response comes with its time, and its draw reads a, τ, β, δ.
    mutating func outcomeProbabilities(
        column: Int, distribution: ObservationDistribution, args: [Tensor],
        location: SourceLocation
    ) throws -> [Value] {
        if distribution == .sequentialLogit { return args[0].values }
        if distribution == .wiener { return args.prefix(4).flatMap(\.values) }
        let name = "p_" + model.data[column].name
        let p: Tensor
        switch distribution {
        case .softmax:
            var u = args[0].values
            if args.count == 2 {
                u = zip(u, args[1].values).map {
                    builder.call("select", [$1, $0, .constant(-.infinity)], location: location)
                }
            }
            p = Tensor(shape: [u.count], values: builder.softmax(u, location: location))
        case .categorical: p = args[0]
        case .bernoulliLogit: p = .scalar(builder.call("logistic", [args[0].scalar], location: location))
        case .bernoulli: p = args[0]
        case .sequentialLogit, .wiener: preconditionFailure("returned above")
        }
        addProbes(name: name, p)
        return p.values
    }

    // MARK: Expressions

    mutating func expression(_ e: TypedExpression) throws -> Tensor {
        switch e.node {
        case let .constant(x): return .scalar(.constant(x))
        case let .argument(a): return .scalar(.constant(arguments[a]))
        case let .parameter(p): return .scalar(.register(builder.program.parameterRegisters[p]))
        case let .data(c): return .scalar(.register(builder.program.dataRegisters[c]!))
        case let .state(s): return states[s]
        case let .local(l), let .loopVariable(l): return locals[l]!
        case .optionCount: return .scalar(.constant(Double(optionCount)))
        case .none: return .scalar(.constant(0))
        case let .element(base, indices):
            let tensor = try expression(base)
            let index = try indices.map { try expression($0).scalar }
            let prefix = Array(tensor.shape.prefix(index.count))
            let rest = Array(tensor.shape.dropFirst(index.count))
            let trailing = rest.reduce(1, *), prefixCount = prefix.reduce(1, *)
            let linear = linearIndex(index, shape: prefix, location: e.location)
            let values = try (0..<trailing).map { q in
                try builder.gather(
                    index: linear, (0..<prefixCount).map { tensor.values[$0 * trailing + q] }, location: e.location)
            }
            return Tensor(shape: rest, values: values)
        case let .elementwise(f, args):
            let lowered = try args.map { try expression($0) }
            try LoweringError.sameLength(lowered, at: e.location)
            let shape = lowered.first { !$0.isScalar }?.shape ?? []
            let count = shape.reduce(1, *)
            let values = (0..<count).map { i in
                builder.elementwise(f, lowered.map { $0.isScalar ? $0.scalar : $0.values[i] }, location: e.location)
            }
            return Tensor(shape: shape, values: values)
        case let .softmax(v):
            let u = try expression(v)
            return Tensor(shape: u.shape, values: builder.softmax(u.values, location: e.location))
        case let .sum(v):
            let u = try expression(v)
            return .scalar(
                u.values.dropFirst().reduce(u.values[0]) { builder.call("add", [$0, $1], location: e.location) })
        case let .vector(items):
            return Tensor(shape: [items.count], values: try items.map { try expression($0).scalar })
        case let .comprehension(variable, dimension, body):
            let n = size(dimension)
            var values: [Value] = []
            for k in 1...n {
                locals[variable] = .scalar(.constant(Double(k)))
                values.append(try expression(body).scalar)
            }
            locals[variable] = nil
            return Tensor(shape: [n], values: values)
        }
    }
}

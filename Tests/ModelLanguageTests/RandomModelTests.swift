import Foundation
import Testing
import PropertyBased
import ModelLanguage

// Property-based tests: random well-formed model files (as text) must pass the checker, and the
// lane machine's log-likelihood and gradient must equal the reference interpreter's on random
// data. The files draw on parameters of every range, vector, scalar, table and option states
// (kept across blocks or not, started at constants, arguments or parameters), locals (scalars
// and vectors), expressions over every function, if / else if / else on data- and
// parameter-dependent conditions, loops and comprehensions over options and categories, a
// softmax (with or without offered options) or categorical observation of the choice (in a
// branch or not), and optionally a bernoulli_logit or bernoulli observation of a binary column.
// Values are kept tame: exponentials, logs and powers only see squashed arguments, and states
// move by convex steps toward bounded targets.

/// One generated model: its text and the K it is run with.
struct RandomModelCase: Sendable, CustomStringConvertible {
    let seed: UInt64
    let text: String
    let optionCount: Int
    let cueLevels: Int

    init(seed: UInt64) {
        var writer = RandomModelWriter(seed: seed)
        text = writer.write()
        optionCount = writer.K
        cueLevels = writer.cueLevels
        self.seed = seed
    }

    var description: String { "RandomModelCase(seed: \(seed)) K = \(optionCount):\n\(text)" }

    static var generator: Generator<RandomModelCase, Shrink.None<RandomModelCase>> {
        Generator { rng in RandomModelCase(seed: rng.next()) }
    }
}

/// Writes a random well-formed model file.
struct RandomModelWriter {
    enum ParameterKind: CaseIterable { case unit, real, positive }

    var rng: RefRNG
    let K: Int
    let fixedK: Bool
    /// 0: no cue column.
    let cueLevels: Int
    let hasW: Bool
    let hasPress: Bool
    let hasBlocked: Bool
    let hasPrevious: Bool
    let hasArgument: Bool
    var parameters: [(name: String, kind: ParameterKind)] = []
    var used = Set<String>()
    var counter = 0

    struct Scope {
        var reals: [String] = []
        var vectors: [String] = []
        var optionVariables: [String] = []
        var cueVariables: [String] = []
        var choiceKnown = false
        var pressKnown = false
        /// Inside an `if`: conditions may depend on the parameters, and option numbers
        /// assigned there would too (the checker rejects that), so `previous` is not set here.
        var insideCondition = false
    }

    init(seed: UInt64) {
        rng = RefRNG(seed: seed)
        K = rng.chance(0.5) ? 2 : 3
        fixedK = rng.chance(0.6)
        cueLevels = rng.chance(0.4) ? rng.int(2...4) : 0
        let table = rng.chance(0.7)
        hasW = cueLevels > 0 && table
        hasPress = rng.chance(0.35)
        hasBlocked = rng.chance(0.2)
        hasPrevious = rng.chance(0.4)
        hasArgument = rng.chance(0.4)
        let count = rng.int(2...5)
        parameters = (0..<count).map { i in
            (name: "p\(i)", kind: i == 0 ? .positive : ParameterKind.allCases[rng.int(0...2)])
        }
    }

    // MARK: Pieces

    mutating func fresh(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    mutating func pick<T>(_ xs: [T]) -> T { xs[rng.int(0...(xs.count - 1))] }

    mutating func literal(_ low: Double, _ high: Double) -> String {
        let x = (rng.uniform(low, high) * 100).rounded() / 100
        let s = String(format: "%.2f", Swift.abs(x))
        return x < 0 ? "(-\(s))" : s
    }

    mutating func parameter(_ kind: ParameterKind? = nil) -> String? {
        let candidates = parameters.filter { kind == nil || $0.kind == kind }
        guard !candidates.isEmpty else { return nil }
        let name = pick(candidates).name
        used.insert(name)
        return name
    }

    /// A rate in (0, 1).
    mutating func rate(_ scope: Scope) -> String {
        switch rng.int(0...3) {
        case 0: return parameter(.unit) ?? "0.35"
        case 1: return "logistic(\(expression(scope, depth: 1)))"
        case 2: return literal(0.05, 0.9)
        default: return "(0.5 * \(parameter(.unit) ?? "0.6"))"
        }
    }

    /// A positive scale for utilities.
    mutating func scale(_ scope: Scope) -> String {
        switch rng.int(0...2) {
        case 0: return parameter(.positive) ?? "1.5"
        case 1: return "exp(\(squash(expression(scope, depth: 1))))"
        default: return literal(0.5, 3)
        }
    }

    /// A bounded function of x, within [−1.5, 1.5] (so 1.7 + it stays positive and 2 + it away from 0).
    mutating func squash(_ x: String) -> String {
        switch rng.int(0...4) {
        case 0: return "logistic(\(x))"
        case 1: return "inv_logit(\(x))"
        case 2: return "(2 * Phi_approx(\(x)) - 1)"
        case 3: return "min(max(\(x), -1.2), 1.2)"
        default: return "(1.5 * (2 * logistic(\(x)) - 1))"
        }
    }

    mutating func optionIndex(_ scope: Scope) -> String {
        var list = ["1", "2", "K"] + scope.optionVariables + scope.optionVariables
        if fixedK && K == 3 { list.append("3") }
        if scope.choiceKnown { list += ["choice", "choice", "K + 1 - choice"] }
        return pick(list)
    }

    mutating func cueIndex(_ scope: Scope) -> String {
        pick(["cue", "cue", "1", "\(cueLevels)"] + scope.cueVariables)
    }

    /// An option number (index kind) for comparisons.
    mutating func optionValue(_ scope: Scope) -> String {
        var list = ["1", "2"] + scope.optionVariables
        if scope.choiceKnown { list.append("choice") }
        if hasPrevious { list.append("previous") }
        if hasBlocked { list.append("blocked") }
        return pick(list)
    }

    // MARK: Expressions

    mutating func atom(_ scope: Scope) -> String {
        while true {
            switch rng.int(0...15) {
            case 0, 1: if let p = parameter() { return p }
            case 2: return literal(-1.5, 1.5)
            case 3: if hasArgument { return "arg0" }
            case 4: return "outcome"
            case 5: return "V"
            case 6, 7: return "Q[\(optionIndex(scope))]"
            case 8: if hasW { return "W[\(cueIndex(scope)), \(optionIndex(scope))]" }
            case 9: if !scope.vectors.isEmpty { return "\(pick(scope.vectors))[\(optionIndex(scope))]" }
            case 10, 11: if !scope.reals.isEmpty { return pick(scope.reals) }
            case 12:
                if hasPrevious && (scope.choiceKnown || !scope.optionVariables.isEmpty) {
                    let a =
                        scope.choiceKnown && (scope.optionVariables.isEmpty || rng.chance(0.5))
                        ? "choice" : pick(scope.optionVariables)
                    return "(0.5 * (\(a) == previous))"
                }
                if scope.choiceKnown { return "(0.7 * (choice == \(optionIndex(scope))))" }
            case 13: if scope.pressKnown { return "(0.6 * press)" }
            case 14: return rng.chance(0.5) || scope.vectors.isEmpty ? "sum(Q)" : "sum(\(pick(scope.vectors)))"
            default:
                if cueLevels > 0 && rng.chance(0.5) { return "(0.3 * cue)" }
                return "(0.2 * K)"
            }
        }
    }

    mutating func expression(_ scope: Scope, depth: Int) -> String {
        if depth <= 0 || rng.chance(0.25) { return atom(scope) }
        let d = depth - 1
        switch rng.int(0...21) {
        case 0, 1: return "(\(expression(scope, depth: d)) + \(expression(scope, depth: d)))"
        case 2: return "(\(expression(scope, depth: d)) - \(expression(scope, depth: d)))"
        case 3, 4: return "(\(expression(scope, depth: d)) * \(expression(scope, depth: d)))"
        case 5: return "(\(expression(scope, depth: d)) / (2.0 + \(squash(expression(scope, depth: d)))))"
        case 6: return "(-\(expression(scope, depth: d)))"
        case 7: return "exp(\(squash(expression(scope, depth: d))))"
        case 8: return "log(1.7 + \(squash(expression(scope, depth: d))))"
        case 9: return "log1p(logistic(\(expression(scope, depth: d))))"
        case 10: return "expm1(\(squash(expression(scope, depth: d))))"
        case 11:
            let a = atom(scope)
            return "sqrt(1 + \(a) * \(a))"
        case 12: return "abs(\(expression(scope, depth: d)))"
        case 13: return "(sign(\(expression(scope, depth: d))) * \(expression(scope, depth: d)))"
        case 14:
            return rng.chance(0.5)
                ? "logistic(\(expression(scope, depth: d)))" : "Phi_approx(\(expression(scope, depth: d)))"
        case 15:
            let base = "(1.7 + \(squash(expression(scope, depth: d))))", exponent = squash(expression(scope, depth: d))
            return rng.chance(0.5) ? "pow(\(base), \(exponent))" : "(\(base) ^ \(exponent))"
        case 16:
            // A negative base with a whole exponent.
            return "((\(squash(expression(scope, depth: d))) - 2) ^ \(pick(["2", "3"])))"
        case 17: return "min(\(expression(scope, depth: d)), \(expression(scope, depth: d)))"
        case 18: return "max(\(expression(scope, depth: d)), \(expression(scope, depth: d)))"
        case 19:
            return
                "select(\(condition(scope, depth: 1)), \(expression(scope, depth: d)), \(expression(scope, depth: d)))"
        case 20:
            var inner = scope
            if cueLevels > 0 && rng.chance(0.3) {
                let c = fresh("c")
                inner.cueVariables.append(c)
                return "sum([\(expression(inner, depth: d)) for \(c) in cue])"
            }
            let j = fresh("j")
            inner.optionVariables.append(j)
            return "sum([\(expression(inner, depth: d)) for \(j) in option])"
        default:
            return "sum(\(vector(scope, depth: 1)))"
        }
    }

    /// A vector over the options.
    mutating func vector(_ scope: Scope, depth: Int) -> String {
        while true {
            switch rng.int(0...7) {
            case 0: return "Q"
            case 1: return "(\(scale(scope)) * Q)"
            case 2: if !scope.vectors.isEmpty { return pick(scope.vectors) }
            case 3:
                let j = fresh("j")
                var inner = scope
                inner.optionVariables.append(j)
                return "[\(expression(inner, depth: 2)) for \(j) in option]"
            case 4: if hasW { return "W[\(cueIndex(scope))]" }
            case 5: if depth > 0 { return "softmax(\(vector(scope, depth: depth - 1)))" }
            case 6: if depth > 0 { return "(\(vector(scope, depth: depth - 1)) + \(expression(scope, depth: 1)))" }
            default:
                if depth > 0 { return "(\(vector(scope, depth: depth - 1)) * \(squash(expression(scope, depth: 1))))" }
            }
        }
    }

    /// Real comparisons are offset by `tieBreak`, so that two sides equal in exact arithmetic
    /// do not leave the branch to rounding, which the machine and the reference do differently
    /// (fused multiply-adds, summation order): seed 13455577926183227565 wrote
    /// `(sum(Q) - (Q[1] - V)) >= p2` with state V = p2, a tie while Q[2] = Q[3] = 0, and the two
    /// took different branches. A tie now needs the sides to differ by exactly the offset.
    static let tieBreak = "0.00000012345679"

    mutating func condition(_ scope: Scope, depth: Int) -> String {
        let d = max(depth - 1, 0)
        let t = Self.tieBreak
        while true {
            switch rng.int(0...9) {
            case 0, 1: return "(\(expression(scope, depth: 1)) > \(expression(scope, depth: 1)) + \(t))"
            case 2: return "(\(expression(scope, depth: 1)) <= \(literal(-1, 1)) + \(t))"
            case 3: return "(\(expression(scope, depth: 2)) >= \(parameter() ?? "0.0") + \(t))"
            case 4: return "(\(optionValue(scope)) == \(optionValue(scope)))"
            case 5: return "(\(optionValue(scope)) != \(optionValue(scope)))"
            case 6: if depth > 0 { return "(not \(condition(scope, depth: d)))" }
            case 7: if depth > 0 { return "(\(condition(scope, depth: d)) and \(condition(scope, depth: d)))" }
            case 8: if depth > 0 { return "(\(condition(scope, depth: d)) or \(condition(scope, depth: d)))" }
            default:
                if scope.pressKnown { return "(press == \(pick(["0", "1"])))" }
                if cueLevels > 0 { return "(cue \(pick(["==", "!=", "<=", ">"])) \(rng.int(1...cueLevels)))" }
            }
        }
    }

    /// A bounded target for a state's convex step.
    mutating func target(_ scope: Scope) -> String {
        rng.chance(0.3) ? "outcome" : squash(expression(scope, depth: 2))
    }

    // MARK: Statements

    mutating func block(_ scope: inout Scope, count: Int, depth: Int, indent: String) -> [String] {
        (0..<count).flatMap { _ in statement(&scope, depth: depth, indent: indent) }
    }

    mutating func statement(_ scope: inout Scope, depth: Int, indent: String) -> [String] {
        while true {
            switch rng.int(0...13) {
            case 0, 1:
                let x = fresh("x")
                let line = "\(x) = \(expression(scope, depth: 3))"
                scope.reals.append(x)
                return [indent + line]
            case 2:
                let v = fresh("v")
                let line = "\(v) = \(vector(scope, depth: 2))"
                scope.vectors.append(v)
                return [indent + line]
            case 3:
                guard !scope.vectors.isEmpty else { continue }
                let v = pick(scope.vectors), i = optionIndex(scope)
                return [indent + "\(v)[\(i)] \(pick(["=", "+=", "-=", "*="])) \(squash(expression(scope, depth: 2)))"]
            case 4:
                guard !scope.reals.isEmpty else { continue }
                let x = pick(scope.reals)
                return [indent + "\(x) \(pick(["=", "+=", "*="])) \(squash(expression(scope, depth: 2)))"]
            case 5:
                switch rng.int(0...2) {
                case 0: return [indent + "V += \(rate(scope)) * (\(target(scope)) - V)"]
                case 1: return [indent + "V = \(target(scope))"]
                default:
                    let r = rate(scope)
                    return [indent + "V = \(r) * V + (1 - \(r)) * \(target(scope))"]
                }
            case 6, 7:
                switch rng.int(0...4) {
                case 0, 1:
                    let i = optionIndex(scope)
                    return [indent + "Q[\(i)] += \(rate(scope)) * (\(target(scope)) - Q[\(i)])"]
                case 2:
                    let i = optionIndex(scope)
                    return [indent + "Q[\(i)] -= \(rate(scope)) * Q[\(i)]"]
                case 3: return [indent + "Q = Q * \(rate(scope))"]
                default:
                    let j = fresh("j")
                    var inner = scope
                    inner.optionVariables.append(j)
                    return [indent + "Q = [Q[\(j)] + \(rate(inner)) * (\(target(inner)) - Q[\(j)]) for \(j) in option]"]
                }
            case 8:
                guard hasW else { continue }
                if rng.chance(0.7) {
                    let c = cueIndex(scope), i = optionIndex(scope)
                    return [indent + "W[\(c), \(i)] += \(rate(scope)) * (\(target(scope)) - W[\(c), \(i)])"]
                }
                let c = cueIndex(scope)
                return [indent + "W[\(c)] = W[\(c)] * \(rate(scope))"]
            case 9:
                guard hasPrevious && scope.choiceKnown && !scope.insideCondition else { continue }
                return [indent + "previous = choice"]
            case 10, 11:
                guard depth > 0 else { continue }
                var thenScope = scope, elseScope = scope
                thenScope.insideCondition = true
                elseScope.insideCondition = true
                var lines = [indent + "if \(condition(scope, depth: 2)) {"]
                lines += block(&thenScope, count: rng.int(1...3), depth: depth - 1, indent: indent + "  ")
                switch rng.int(0...2) {
                case 0: lines.append(indent + "}")
                case 1:
                    lines.append(indent + "} else {")
                    lines += block(&elseScope, count: rng.int(1...2), depth: depth - 1, indent: indent + "  ")
                    lines.append(indent + "}")
                default:
                    lines.append(indent + "} else if \(condition(scope, depth: 1)) {")
                    lines += block(&elseScope, count: rng.int(1...2), depth: depth - 1, indent: indent + "  ")
                    lines.append(indent + "} else {")
                    var lastScope = scope
                    lastScope.insideCondition = true
                    lines += block(&lastScope, count: 1, depth: depth - 1, indent: indent + "  ")
                    lines.append(indent + "}")
                }
                return lines
            default:
                guard depth > 0 else { continue }
                var inner = scope
                let variable: String, dimension: String
                if cueLevels > 0 && rng.chance(0.3) {
                    variable = fresh("c"); dimension = "cue"; inner.cueVariables.append(variable)
                } else {
                    variable = fresh("k"); dimension = "option"; inner.optionVariables.append(variable)
                }
                var lines = [indent + "for \(variable) in \(dimension) {"]
                lines += block(&inner, count: rng.int(1...2), depth: depth - 1, indent: indent + "  ")
                lines.append(indent + "}")
                return lines
            }
        }
    }

    // MARK: The file

    mutating func initial(vector: Bool) -> String {
        switch rng.int(0...4) {
        case 0: return "0"
        case 1: return literal(-0.5, 0.5)
        case 2: if hasArgument { return "arg0" }
        case 3: if let p = parameter(rng.chance(0.5) ? .real : .unit) { return p }
        default:
            if vector && fixedK { return "[" + (0..<K).map { _ in literal(-0.5, 0.5) }.joined(separator: ", ") + "]" }
        }
        return "0"
    }

    mutating func write() -> String {
        var lines = ["model random_\(counter) \"a generated model\""]
        lines.append(fixedK ? "options \(K)" : "options from data")
        lines.append("data choice: option")
        lines.append("data outcome: real")
        if cueLevels > 0 { lines.append("data cue: index 1..\(cueLevels)") }
        if hasPress { lines.append("data press: binary") }
        if hasBlocked { lines.append("data blocked: option") }
        if hasArgument {
            lines.append(
                "argument arg0 = \(literal(-0.8, 0.8).replacingOccurrences(of: "(", with: "").replacingOccurrences(of: ")", with: ""))"
            )
        }
        for p in parameters {
            switch p.kind {
            case .unit: lines.append("parameter \(p.name) in (0, 1)")
            case .real: lines.append("parameter \(p.name) real")
            case .positive: lines.append("parameter \(p.name) positive")
            }
        }
        func across(_ w: inout RandomModelWriter) -> String { w.rng.chance(0.3) ? " across blocks" : "" }
        lines.append("state Q[option] = \(initial(vector: true))\(across(&self))")
        lines.append("state V = \(initial(vector: false))\(across(&self))")
        if hasW { lines.append("state W[cue, option] = \(initial(vector: false))\(across(&self))") }
        if hasPrevious { lines.append("state previous: option = none\(across(&self))") }

        var scope = Scope()
        var body = block(&scope, count: rng.int(0...3), depth: 2, indent: "  ")
        // The choice: every parameter the utilities do not read shifts the first option's
        // utility (one used only before, in a local nothing observed reads, would not change
        // the likelihood, which the checker rejects).
        var u = vector(scope, depth: 2)
        let unused = parameters.map(\.name).filter { !u.contains($0) }
        if !unused.isEmpty {
            let j = fresh("j")
            u = "(\(u) + [(\(j) == 1) * (\(unused.joined(separator: " + "))) for \(j) in option])"
            used.formUnion(unused)
        }
        let observation: String
        switch rng.int(0...3) {
        case 0, 1:
            if hasBlocked {
                let j = fresh("j")
                observation = "choice ~ softmax(\(u), [\(j) != blocked for \(j) in option])"
            } else {
                observation = "choice ~ softmax(\(u))"
            }
        case 2:
            let r = rate(scope)
            observation = "choice ~ categorical((1 - \(r)) * softmax(\(u)) + \(r) / K)"
        default:
            observation = "choice ~ categorical(softmax(\(u)))"
        }
        if rng.chance(0.15) {
            body += ["  if \(condition(scope, depth: 1)) {", "    " + observation, "  }"]
        } else {
            body.append("  " + observation)
        }
        scope.choiceKnown = true
        if hasPress {
            let press =
                rng.chance(0.5)
                ? "press ~ bernoulli_logit(\(expression(scope, depth: 2)))"
                : "press ~ bernoulli(0.05 + 0.9 * logistic(\(expression(scope, depth: 2))))"
            if rng.chance(0.3) {
                body += ["  if \(condition(scope, depth: 1)) {", "    " + press, "  }"]
            } else {
                body.append("  " + press)
            }
            scope.pressKnown = true
        }
        body.append("  Q[choice] += \(rate(scope)) * (\(target(scope)) - Q[choice])")
        body += block(&scope, count: rng.int(0...3), depth: 2, indent: "  ")
        lines.append("trial {")
        lines += body
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Which states and indices really depend on the parameters, worked out independently of the
/// checker: a value assigned inside an `if` depends on the condition too, and that carries over
/// trials through the states. The machine compiler relies on the checker's levels (a state it
/// is told is data-level runs in the pre-pass; an index must come from the data), so every
/// generated model that checks must agree with this analysis.
struct ParameterDependence {
    let model: CheckedModel
    var states: [Bool]
    var locals: [Int: Bool] = [:]
    /// An index (of an element read or assigned) that depends on the parameters.
    var parameterIndex = false

    init(_ model: CheckedModel) {
        self.model = model
        func initial(_ v: CheckedModel.InitialValue) -> Bool {
            switch v {
            case .parameter: return true
            case let .elements(list): return list.contains(where: initial)
            default: return false
            }
        }
        states = model.states.map { initial($0.initial) }
        // The states carry dependence from one trial to the next: iterate to the fixed point.
        while true {
            let before = states
            locals = [:]
            block(model.trial, condition: false)
            if states == before { break }
        }
    }

    /// States the checker calls data-level although their values depend on the parameters.
    var misleveledStates: [String] {
        model.states.indices.filter { states[$0] && model.states[$0].level != .parameter }.map { model.states[$0].name }
    }

    /// The checker accepted something whose level it got wrong.
    var contradictsTheChecker: Bool { !misleveledStates.isEmpty || parameterIndex }

    mutating func block(_ statements: [TypedStatement], condition: Bool) {
        for s in statements {
            switch s {
            case let .assign(target, indices, value, _):
                let indexDependence = indices.contains { depends($0) }
                if indexDependence { parameterIndex = true }
                let d = depends(value) || indexDependence || condition
                switch target {
                case let .state(i): states[i] = states[i] || d
                case let .local(l): locals[l] = (indices.isEmpty && !condition ? false : (locals[l] ?? false)) || d
                }
            case let .observe(_, _, arguments, _):
                for a in arguments { _ = depends(a) }
            case let .ifElse(c, then, otherwise, _):
                let d = condition || depends(c)
                // The branches exclude each other within a trial: each starts from the locals
                // before the if, and after it a local depends on the parameters if it does
                // after either branch.
                let before = locals
                block(then, condition: d)
                let afterThen = locals
                locals = before
                block(otherwise, condition: d)
                locals.merge(afterThen) { $0 || $1 }
            case let .forEach(variable, _, body, _):
                locals[variable] = false
                // Twice: a local raised late in the body is read early in the next iteration.
                block(body, condition: condition)
                block(body, condition: condition)
            }
        }
    }

    mutating func depends(_ e: TypedExpression) -> Bool {
        switch e.node {
        case .parameter: return true
        case .constant, .argument, .data, .optionCount, .none: return false
        case let .state(s): return states[s]
        case let .local(l), let .loopVariable(l): return locals[l] ?? false
        case let .element(base, indices):
            let i = indices.map { depends($0) }.contains(true)
            if i { parameterIndex = true }
            return depends(base) || i
        case let .elementwise(_, args): return args.map { depends($0) }.contains(true)
        case let .softmax(v), let .sum(v): return depends(v)
        case let .vector(items): return items.map { depends($0) }.contains(true)
        case let .comprehension(variable, _, body):
            locals[variable] = false
            return depends(body)
        }
    }
}

@Suite struct RandomModelTests {
    /// The same seed writes the same file.
    @Test func generationIsReproducible() {
        for seed: UInt64 in [1, 2, 3, 12345] {
            #expect(RandomModelCase(seed: seed).text == RandomModelCase(seed: seed).text)
        }
    }

    /// Machine vs reference on one generated model (several subjects, blocks, missed trials,
    /// padding); nil (and an issue recorded) when the file does not check or the checker's
    /// levels are wrong.
    static func run(_ c: RandomModelCase, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> GradientHarness
        .CheckResult?
    {
        let model: CheckedModel
        do {
            model = try ModelFile.check(text: c.text, file: "random_\(c.seed).rlm")
        } catch {
            Issue.record("a generated model does not check: \(error)\n\(c.text)", sourceLocation: sourceLocation)
            return nil
        }
        let dependence = ParameterDependence(model)
        if dependence.contradictsTheChecker {
            Issue.record(
                "the checker leveled a parameter-dependent value as data: states \(dependence.misleveledStates), parameter-dependent index: \(dependence.parameterIndex)\n\(c.text)",
                sourceLocation: sourceLocation)
            return nil
        }
        var shape = GradientHarness.shape(model, optionCount: c.optionCount)
        if let cue = model.dataIndex("cue") { shape.levels[cue] = c.cueLevels }
        var rng = RefRNG(seed: c.seed ^ 0xA5A5_5A5A)
        let choice = model.dataIndex("choice")!, blocked = model.dataIndex("blocked")
        let K = shape.optionCount
        let data = GradientHarness.makeData(
            model, shape: shape, lanes: 5, trialRange: 8...25, blockRate: 0.1, rng: &rng
        ) { row, rng in
            if let blocked {
                row[blocked] = rng.chance(0.3) ? 0 : Double(rng.int(1...K))
                while row[choice] == row[blocked] { row[choice] = Double(rng.int(1...K)) }
            }
        }
        let theta = GradientHarness.randomParameters(model, lanes: 5, rng: &rng)
        return GradientHarness.check(
            model, shape: shape, data: data, theta: theta, finiteDifferenceTolerance: nil,
            label: "random model seed \(c.seed)\n\(c.text)", sourceLocation: sourceLocation)
    }

    @Test func randomModelsCheckAndMatchTheReference() async {
        var worst = 0.0, models = 0
        let start = Date()
        // RANDOM_MODEL_COUNT=5000 for a longer search.
        let count = ProcessInfo.processInfo.environment["RANDOM_MODEL_COUNT"].flatMap { Int($0) } ?? 250
        await propertyCheck(count: count, input: RandomModelCase.generator) { c in
            guard let result = Self.run(c) else { return }
            models += 1
            worst = max(worst, result.reference.logLikelihood, result.reference.gradient)
        }
        print(
            "random models: \(models) compared, worst relative difference machine vs reference \(worst), \(Date().timeIntervalSince(start)) s"
        )
        #expect(models == count)
    }
}

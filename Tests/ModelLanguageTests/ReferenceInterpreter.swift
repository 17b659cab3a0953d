import Foundation
import ModelLanguage

// An independent, slow reference for the lane machine: a tree-walking interpreter of a
// `CheckedModel` (it never touches `Lowering`, the trial program or the machine), one subject
// at a time and one trial at a time, with forward-mode derivatives. It follows the language's
// semantics as documented:
//
// - A trial is answered when every observed column is present (the caller's `answered` flag).
//   An unanswered trial adds nothing and changes no state.
// - At trial 0 every state takes its initial value; at a later block start (answered or not)
//   every state not declared `across blocks` does.
// - Statements run in order; `if` runs the branch its condition picks (an observation in the
//   other branch does not count, and its values are not used: the same as the machine's
//   predication and select); `for` runs its body once per value of the dimension.
// - The log-likelihood is Σ log p(observed value) over the observations that run.

/// A value and its derivatives with respect to every parameter of one subject. An empty
/// `derivative` means all zeros (constants and data).
struct RefDual {
    var value: Double
    var derivative: [Double]

    init(_ value: Double, _ derivative: [Double] = []) {
        self.value = value
        self.derivative = derivative
    }

    /// The p-th of n parameters, at `value`.
    static func parameter(_ value: Double, index p: Int, count n: Int) -> RefDual {
        var d = [Double](repeating: 0, count: n)
        d[p] = 1
        return RefDual(value, d)
    }

    var isConstant: Bool { derivative.isEmpty }

    /// Σ partialᵢ · dxᵢ. A term whose input has a zero derivative contributes nothing, even when
    /// its partial is infinite or NaN (log at 0 of a data value, say): the chain rule only
    /// applies to what depends on the parameters (the machine gives such values no λ).
    static func chain(_ terms: [(partial: Double, of: RefDual)]) -> [Double] {
        var result: [Double] = []
        for (partial, x) in terms where !x.isConstant {
            if result.isEmpty { result = [Double](repeating: 0, count: x.derivative.count) }
            for i in x.derivative.indices where x.derivative[i] != 0 {
                result[i] += partial * x.derivative[i]
            }
        }
        return result
    }

    static func unary(_ x: RefDual, value: Double, derivative: Double) -> RefDual {
        RefDual(value, chain([(derivative, x)]))
    }

    static func + (a: RefDual, b: RefDual) -> RefDual { RefDual(a.value + b.value, chain([(1, a), (1, b)])) }
    static func - (a: RefDual, b: RefDual) -> RefDual { RefDual(a.value - b.value, chain([(1, a), (-1, b)])) }
    static func * (a: RefDual, b: RefDual) -> RefDual {
        RefDual(a.value * b.value, chain([(b.value, a), (a.value, b)]))
    }
    static func / (a: RefDual, b: RefDual) -> RefDual {
        let y = a.value / b.value
        return RefDual(y, chain([(1 / b.value, a), (-y / b.value, b)]))
    }
    static prefix func - (a: RefDual) -> RefDual { RefDual(-a.value, chain([(-1, a)])) }
}

/// Scalar, vector or table of duals, row-major.
struct RefTensor {
    var shape: [Int]
    var elements: [RefDual]

    static func scalar(_ x: RefDual) -> RefTensor { RefTensor(shape: [], elements: [x]) }
    static func constant(_ x: Double) -> RefTensor { .scalar(RefDual(x)) }
    var scalar: RefDual {
        precondition(elements.count == 1, "a scalar was expected, found \(elements.count) elements")
        return elements[0]
    }
    var isScalar: Bool { shape.isEmpty }
}

/// One trial of one subject as the reference reads it: the masks and every data column's value
/// (by column index; option and index columns 1-based, 0 when missing).
struct RefTrial {
    var answered: Bool
    var blockStart: Bool
    var data: [Double]
}

/// The scalar functions of the language, value and partial derivatives, written from their
/// mathematical definitions with Foundation's functions (not the lane math).
enum RefMath {
    static func logistic(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
    }

    /// log σ(x), stably.
    static func logSigmoid(_ x: Double) -> Double {
        x >= 0 ? -Foundation.log1p(Foundation.exp(-x)) : x - Foundation.log1p(Foundation.exp(x))
    }

    static func sign(_ x: Double) -> Double { x.isNaN ? .nan : (x > 0 ? 1 : (x < 0 ? -1 : 0)) }

    static let phiCubic = 0.07056, phiLinear = 1.5976

    /// f(args) for the elementwise function called `name` (the checker's internal names for
    /// operators: add, sub, …).
    static func apply(_ name: String, _ a: [RefDual]) -> RefDual {
        func truth(_ b: Bool) -> RefDual { RefDual(b ? 1 : 0) }
        switch name {
        case "add": return a[0] + a[1]
        case "sub": return a[0] - a[1]
        case "mul": return a[0] * a[1]
        case "div": return a[0] / a[1]
        case "neg": return -a[0]
        case "min": return a[1].value < a[0].value ? a[1] : a[0]
        case "max": return a[1].value > a[0].value ? a[1] : a[0]
        case "abs": return .unary(a[0], value: Swift.abs(a[0].value), derivative: sign(a[0].value))
        case "sign": return RefDual(sign(a[0].value))
        case "floor": return RefDual(Foundation.floor(a[0].value))
        case "exp":
            let y = Foundation.exp(a[0].value)
            return .unary(a[0], value: y, derivative: y)
        case "log": return .unary(a[0], value: Foundation.log(a[0].value), derivative: 1 / a[0].value)
        case "log1p": return .unary(a[0], value: Foundation.log1p(a[0].value), derivative: 1 / (1 + a[0].value))
        case "expm1":
            let y = Foundation.expm1(a[0].value)
            return .unary(a[0], value: y, derivative: y + 1)
        case "logistic":
            let y = logistic(a[0].value)
            return .unary(a[0], value: y, derivative: y * (1 - y))
        case "Phi_approx":
            let x = a[0].value
            let y = logistic(phiCubic * x * x * x + phiLinear * x)
            return .unary(a[0], value: y, derivative: y * (1 - y) * (3 * phiCubic * x * x + phiLinear))
        case "sqrt":
            let y = a[0].value.squareRoot()
            return .unary(a[0], value: y, derivative: 0.5 / y)
        case "pow":
            let (x, b) = (a[0].value, a[1].value)
            let y = Foundation.pow(x, b)
            return RefDual(y, RefDual.chain([(b * y / x, a[0]), (y * Foundation.log(x), a[1])]))
        case "lt": return truth(a[0].value < a[1].value)
        case "le": return truth(a[0].value <= a[1].value)
        case "gt": return truth(a[0].value > a[1].value)
        case "ge": return truth(a[0].value >= a[1].value)
        case "eq": return truth(a[0].value == a[1].value)
        case "ne": return truth(a[0].value != a[1].value)
        case "and": return truth(a[0].value != 0 && a[1].value != 0)
        case "or": return truth(a[0].value != 0 || a[1].value != 0)
        case "not": return truth(a[0].value == 0)
        case "select": return a[0].value != 0 ? a[1] : a[2]
        default:
            preconditionFailure("the reference interpreter does not know the function '\(name)'")
        }
    }

    /// softmax(u) over the elements of u, with its derivative dpₖ = pₖ·(duₖ − Σⱼ pⱼ duⱼ).
    static func softmax(_ u: [RefDual]) -> [RefDual] {
        let m = u.map(\.value).max()!
        let e = u.map { Foundation.exp($0.value - m) }
        let total = e.reduce(0, +)
        let p = e.map { $0 / total }
        // Σⱼ pⱼ duⱼ
        let mean = RefDual.chain(zip(p, u).map { ($0, $1) })
        return u.indices.map { k in
            var d = RefDual.chain([(p[k], u[k])])
            if !mean.isEmpty {
                if d.isEmpty { d = [Double](repeating: 0, count: mean.count) }
                for i in d.indices { d[i] -= p[k] * mean[i] }
            }
            return RefDual(p[k], d)
        }
    }
}

/// Interprets a checked model for one subject at a time.
struct ReferenceInterpreter {
    let model: CheckedModel
    let optionCount: Int
    /// Each index column's number of levels (by column index).
    let levels: [Int: Int]
    let arguments: [Double]

    init(model: CheckedModel, optionCount: Int, levels: [Int: Int] = [:], arguments: [Double]? = nil) {
        self.model = model
        self.optionCount = optionCount
        self.levels = levels
        self.arguments = arguments ?? model.arguments.map(\.defaultValue)
    }

    func size(_ d: ModelLanguage.Dimension) -> Int {
        switch d {
        case .option: return optionCount
        case let .category(c):
            guard let n = levels[c] else {
                preconditionFailure("no levels given for index column \(model.data[c].name)")
            }
            return n
        case let .literal(n): return n
        }
    }

    /// The subject's log-likelihood and its gradient (one entry per parameter) at `parameters`
    /// (natural scale).
    func logLikelihood(parameters: [Double], trials: [RefTrial]) -> (value: Double, gradient: [Double]) {
        precondition(parameters.count == model.parameters.count)
        var run = Run(
            interpreter: self,
            parameters: parameters.enumerated().map { RefDual.parameter($1, index: $0, count: parameters.count) })
        for (t, trial) in trials.enumerated() {
            if t == 0 {
                run.resetStates(all: true)
            } else if trial.blockStart {
                run.resetStates(all: false)
            }
            guard trial.answered else { continue }
            run.locals = [:]
            run.data = trial.data
            run.block(model.trial)
        }
        let d =
            run.logLikelihood.isConstant
            ? [Double](repeating: 0, count: parameters.count) : run.logLikelihood.derivative
        return (run.logLikelihood.value, d)
    }

    /// The state of one subject's interpretation.
    struct Run {
        let interpreter: ReferenceInterpreter
        let parameters: [RefDual]
        var states: [RefTensor] = []
        var locals: [Int: RefTensor] = [:]
        var data: [Double] = []
        var logLikelihood = RefDual(0)

        init(interpreter: ReferenceInterpreter, parameters: [RefDual]) {
            self.interpreter = interpreter
            self.parameters = parameters
            states = interpreter.model.states.map { _ in RefTensor.constant(0) }
        }

        var model: CheckedModel { interpreter.model }

        func initialValue(_ v: CheckedModel.InitialValue, element: Int) -> RefDual {
            switch v {
            case let .constant(x): return RefDual(x)
            case let .argument(a): return RefDual(interpreter.arguments[a])
            case let .parameter(p): return parameters[p]
            case .none: return RefDual(0)
            case let .elements(list): return initialValue(list[element], element: 0)
            }
        }

        mutating func resetStates(all: Bool) {
            for (s, state) in model.states.enumerated() where all || !state.acrossBlocks {
                let shape = state.isIndex ? [] : state.dimensions.map(interpreter.size)
                let count = shape.reduce(1, *)
                states[s] = RefTensor(
                    shape: shape, elements: (0..<count).map { initialValue(state.initial, element: $0) })
            }
        }

        // MARK: Statements

        mutating func block(_ statements: [TypedStatement]) {
            for s in statements { statement(s) }
        }

        mutating func statement(_ s: TypedStatement) {
            switch s {
            case let .assign(target, indices, value, _):
                let v = expression(value)
                let current: RefTensor?
                switch target {
                case let .state(i): current = states[i]
                case let .local(l): current = locals[l]
                }
                let updated: RefTensor
                if let current {
                    if indices.isEmpty {
                        updated = RefTensor(shape: current.shape, elements: broadcast(v, count: current.elements.count))
                    } else {
                        updated = assignElements(
                            current, indices: indices.map { expression($0).scalar.value }, value: v)
                    }
                } else {
                    precondition(indices.isEmpty, "elements of an undefined local assigned")
                    updated = v
                }
                switch target {
                case let .state(i): states[i] = updated
                case let .local(l): locals[l] = updated
                }
            case let .observe(column, distribution, arguments, _):
                let args = arguments.map { expression($0) }
                let y = data[column]
                logLikelihood = logLikelihood + logProbability(distribution, y: y, args: args)
            case let .ifElse(condition, then, otherwise, _):
                let c = expression(condition).scalar.value
                block(c != 0 ? then : otherwise)
            case let .forEach(variable, dimension, body, _):
                for k in 1...interpreter.size(dimension) {
                    locals[variable] = .constant(Double(k))
                    block(body)
                }
                locals[variable] = nil
            }
        }

        func broadcast(_ v: RefTensor, count: Int) -> [RefDual] {
            if v.elements.count == count { return v.elements }
            precondition(v.elements.count == 1, "a value of \(v.elements.count) elements assigned to \(count)")
            return [RefDual](repeating: v.elements[0], count: count)
        }

        /// The position (0-based) of the element or row addressed by 1-based `indices` over the
        /// leading dimensions of `shape`, and the number of trailing elements per position.
        func locate(_ indices: [Double], shape: [Int]) -> (offset: Int, trailing: Int) {
            precondition(indices.count <= shape.count)
            var linear = 0
            for (i, x) in indices.enumerated() {
                let k = Int(x)
                precondition(
                    Double(k) == x && k >= 1 && k <= shape[i], "index \(x) outside 1...\(shape[i]) on an answered trial"
                )
                linear = linear * shape[i] + (k - 1)
            }
            let trailing = shape.dropFirst(indices.count).reduce(1, *)
            return (linear * trailing, trailing)
        }

        func assignElements(_ current: RefTensor, indices: [Double], value: RefTensor) -> RefTensor {
            let (offset, trailing) = locate(indices, shape: current.shape)
            let values = broadcast(value, count: trailing)
            var result = current
            for q in 0..<trailing { result.elements[offset + q] = values[q] }
            return result
        }

        // MARK: Observations

        func logProbability(_ distribution: ObservationDistribution, y: Double, args: [RefTensor]) -> RefDual {
            switch distribution {
            case .softmax:
                let u = args[0].elements
                let offered =
                    args.count == 2 ? args[1].elements.map { $0.value != 0 } : [Bool](repeating: true, count: u.count)
                let chosen = Int(y) - 1
                precondition(chosen >= 0 && chosen < u.count, "observed option \(y) outside 1...\(u.count)")
                precondition(offered[chosen], "the observed option \(y) was not offered")
                let available = u.indices.filter { offered[$0] }
                let m = available.map { u[$0].value }.max()!
                let e = available.map { Foundation.exp(u[$0].value - m) }
                let total = e.reduce(0, +)
                // d log p = du_y − Σ_k p_k du_k (k offered)
                var terms: [(partial: Double, of: RefDual)] = [(1, u[chosen])]
                for (i, k) in available.enumerated() { terms.append((-e[i] / total, u[k])) }
                return RefDual(u[chosen].value - m - Foundation.log(total), RefDual.chain(terms))
            case .categorical:
                let p = args[0].elements
                let chosen = Int(y) - 1
                precondition(chosen >= 0 && chosen < p.count, "observed option \(y) outside 1...\(p.count)")
                return .unary(p[chosen], value: Foundation.log(p[chosen].value), derivative: 1 / p[chosen].value)
            case .bernoulliLogit:
                let x = args[0].scalar
                precondition(y == 0 || y == 1)
                if y == 1 {
                    return .unary(x, value: RefMath.logSigmoid(x.value), derivative: RefMath.logistic(-x.value))
                }
                return .unary(x, value: RefMath.logSigmoid(-x.value), derivative: -RefMath.logistic(x.value))
            case .bernoulli:
                let p = args[0].scalar
                precondition(y == 0 || y == 1)
                if y == 1 { return .unary(p, value: Foundation.log(p.value), derivative: 1 / p.value) }
                return .unary(p, value: Foundation.log1p(-p.value), derivative: -1 / (1 - p.value))
            case .sequentialLogit:
                // Decisions m = 0…n−1 go on, decision n stops unless the run was cut short;
                // q(m) summed term by term (the machine uses Horner's rule).
                let x = args[0].elements, stopped = args[1].scalar.value != 0
                let n = Int(y)
                precondition(y >= 0 && Double(n) == y, "a count is a whole number ≥ 0, found \(y)")
                var value = 0.0
                var partial = [Double](repeating: 0, count: x.count)
                for m in 0...n where m < n || !stopped {
                    let q = x.indices.reduce(0.0) { $0 + x[$1].value * Foundation.pow(Double(m), Double($1)) }
                    let sign = m < n ? 1.0 : -1.0
                    value += RefMath.logSigmoid(sign * q)
                    for k in x.indices {
                        partial[k] += sign * RefMath.logistic(-sign * q) * Foundation.pow(Double(m), Double(k))
                    }
                }
                return RefDual(value, RefDual.chain(x.indices.map { (partial[$0], x[$0]) }))
            case .wiener:
                // The density itself is checked against 40-digit values in WienerFirstPassageTests.
                let a = args[0].scalar, tau = args[1].scalar, beta = args[2].scalar, delta = args[3].scalar
                precondition(y == 1 || y == 2, "a wiener response is 1 or 2, found \(y)")
                let v = WienerFirstPassage.logDensity(
                    time: args[4].scalar.value, boundary: a.value, nondecision: tau.value,
                    bias: beta.value, drift: delta.value, upper: y == 1)
                return RefDual(
                    v.logDensity,
                    RefDual.chain([(v.dBoundary, a), (v.dNondecision, tau), (v.dBias, beta), (v.dDrift, delta)]))
            }
        }

        // MARK: Expressions

        mutating func expression(_ e: TypedExpression) -> RefTensor {
            switch e.node {
            case let .constant(x): return .constant(x)
            case let .argument(a): return .constant(interpreter.arguments[a])
            case let .parameter(p): return .scalar(parameters[p])
            case let .data(c): return .constant(data[c])
            case let .state(s): return states[s]
            case let .local(l), let .loopVariable(l):
                guard let v = locals[l] else {
                    preconditionFailure("local \(model.locals[l].name) read before it is assigned")
                }
                return v
            case .optionCount: return .constant(Double(interpreter.optionCount))
            case .none: return .constant(0)
            case let .element(base, indices):
                let tensor = expression(base)
                let index = indices.map { expression($0).scalar.value }
                let (offset, trailing) = locate(index, shape: tensor.shape)
                return RefTensor(
                    shape: Array(tensor.shape.dropFirst(index.count)),
                    elements: Array(tensor.elements[offset..<(offset + trailing)]))
            case let .elementwise(f, args):
                let values = args.map { expression($0) }
                let shaped = values.first { !$0.isScalar }
                let shape = shaped?.shape ?? []
                let count = shape.reduce(1, *)
                for v in values where !v.isScalar {
                    precondition(v.elements.count == count, "elementwise shapes differ")
                }
                let elements = (0..<count).map { i in
                    RefMath.apply(f.name, values.map { $0.isScalar ? $0.elements[0] : $0.elements[i] })
                }
                return RefTensor(shape: shape, elements: elements)
            case let .softmax(v):
                let u = expression(v)
                return RefTensor(shape: u.shape, elements: RefMath.softmax(u.elements))
            case let .sum(v):
                let u = expression(v).elements
                return .scalar(u.dropFirst().reduce(u[0], +))
            case let .vector(items):
                return RefTensor(shape: [items.count], elements: items.map { expression($0).scalar })
            case let .comprehension(variable, dimension, body):
                let n = interpreter.size(dimension)
                var elements: [RefDual] = []
                for k in 1...n {
                    locals[variable] = .constant(Double(k))
                    elements.append(expression(body).scalar)
                }
                locals[variable] = nil
                return RefTensor(shape: [n], elements: elements)
            }
        }
    }
}

/// An elementwise primitive as the language and the machine see it: its name and typing rule
/// (for the checker), which arguments carry a gradient and what the adjoint reads (for the
/// compiler), its value (for constant folding) and its forward and backward loops (for the
/// machine). Built from a primitive type, so everything about a primitive is written once, in
/// its type; the table `ElementwiseFunction.all` lists them.
public struct ElementwiseFunction: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let arity: Int
    public let typing: ElementwiseTyping
    /// Per argument: whether a gradient flows into it.
    let differentiableArguments: [Bool]
    /// Per argument: whether the backward loop reads its value; and whether it reads the output.
    let readsArguments: [Bool]
    let readsOutput: Bool
    /// The value on lanes (arguments beyond the arity are ignored).
    let evaluate: @Sendable (Lanes, Lanes, Lanes) -> Lanes
    /// The primitive's loops (its type).
    let loops: any ElementwiseLoops.Type

    public var description: String { name }
    public var isDifferentiable: Bool { differentiableArguments.contains(true) }

    public static func == (a: ElementwiseFunction, b: ElementwiseFunction) -> Bool { a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(name) }

    init<P: UnaryPrimitive>(_ p: P.Type) {
        name = P.name
        arity = 1
        typing = P.typing
        differentiableArguments = [P.differentiable]
        readsArguments = [P.differentiable && P.derivativeReads.x]
        readsOutput = P.differentiable && P.derivativeReads.y
        evaluate = { a, _, _ in P.value(a) }
        loops = P.self
    }

    init<P: BinaryPrimitive>(_ p: P.Type) {
        name = P.name
        arity = 2
        typing = P.typing
        differentiableArguments = [P.differentiable, P.differentiable]
        readsArguments = [P.differentiable && P.partialsRead.a, P.differentiable && P.partialsRead.b]
        readsOutput = P.differentiable && P.partialsRead.y
        evaluate = { a, b, _ in P.value(a, b) }
        loops = P.self
    }

    init<P: TernaryPrimitive>(_ p: P.Type) {
        name = P.name
        arity = 3
        typing = P.typing
        let d = P.differentiableArguments
        differentiableArguments = [d.a, d.b, d.c]
        readsArguments = [P.partialsRead.a, P.partialsRead.b, P.partialsRead.c]
        readsOutput = P.partialsRead.y
        evaluate = { a, b, c in P.value(a, b, c) }
        loops = P.self
    }

    /// Every elementwise primitive. A new one is a type conforming to `UnaryPrimitive`,
    /// `BinaryPrimitive` or `TernaryPrimitive` plus its line here.
    public static let all: [ElementwiseFunction] = [
        ElementwiseFunction(Add.self), ElementwiseFunction(Subtract.self), ElementwiseFunction(Multiply.self),
        ElementwiseFunction(Divide.self), ElementwiseFunction(Negate.self), ElementwiseFunction(MultiplyAdd.self),
        ElementwiseFunction(NegatedMultiplyAdd.self), ElementwiseFunction(Lerp.self), ElementwiseFunction(Minimum.self),
        ElementwiseFunction(Maximum.self),
        ElementwiseFunction(AbsoluteValue.self), ElementwiseFunction(Sign.self), ElementwiseFunction(Floor.self),
        ElementwiseFunction(Exponential.self),
        ElementwiseFunction(Logarithm.self), ElementwiseFunction(LogOnePlus.self),
        ElementwiseFunction(ExponentialMinusOne.self),
        ElementwiseFunction(Logistic.self), ElementwiseFunction(PhiApproximation.self),
        ElementwiseFunction(SquareRoot.self),
        ElementwiseFunction(Power.self), ElementwiseFunction(Less.self), ElementwiseFunction(LessOrEqual.self),
        ElementwiseFunction(Greater.self), ElementwiseFunction(GreaterOrEqual.self), ElementwiseFunction(Equal.self),
        ElementwiseFunction(NotEqual.self), ElementwiseFunction(And.self), ElementwiseFunction(Or.self),
        ElementwiseFunction(Not.self), ElementwiseFunction(Select.self)
    ]

    static let byName: [String: ElementwiseFunction] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The function a model file calls `name` (`inv_logit` is Stan's name for `logistic`).
    /// Operators and internal fusions (add, fma, lt, …) are not callable by name.
    public static func callable(_ name: String) -> ElementwiseFunction? {
        let internalNames: Set<String> = [
            "add", "sub", "mul", "div", "neg", "fma", "fnma", "lerp", "lt", "le", "gt", "ge", "eq", "ne", "and", "or",
            "not"
        ]
        if name == "inv_logit" { return byName["logistic"] }
        guard !internalNames.contains(name) else { return nil }
        return byName[name]
    }

    static func named(_ name: String) -> ElementwiseFunction { byName[name]! }

    /// The names a model file can call, for messages.
    public static var callableNames: [String] {
        all.map(\.name).filter { callable($0) != nil } + ["inv_logit", "softmax", "sum"]
    }
}

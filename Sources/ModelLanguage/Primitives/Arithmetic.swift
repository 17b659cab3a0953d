/// a + b.
public enum Add: BinaryPrimitive {
    public static let name = "add"
    public static let typing = ElementwiseTyping.arithmetic
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { a + b }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) {
        (Lanes(repeating: 1), Lanes(repeating: 1))
    }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let guardsZeroAdjoint = false
}

/// a − b.
public enum Subtract: BinaryPrimitive {
    public static let name = "sub"
    public static let typing = ElementwiseTyping.arithmetic
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { a - b }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) {
        (Lanes(repeating: 1), Lanes(repeating: -1))
    }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let guardsZeroAdjoint = false
}

/// a · b.
public enum Multiply: BinaryPrimitive {
    public static let name = "mul"
    public static let typing = ElementwiseTyping.arithmetic
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { a * b }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (b, a) }
    public static let partialsRead = (a: true, b: true, y: false)
}

/// a / b; ∂/∂a = 1/b, ∂/∂b = −y/b. Division by 0 gives ±∞ or NaN (a non-finite log density,
/// which the sampler treats as a divergence).
public enum Divide: BinaryPrimitive {
    public static let name = "div"
    public static let typing = ElementwiseTyping.real
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { a / b }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (1 / b, -y / b) }
    public static let partialsRead = (a: false, b: true, y: true)
    public static let guardsZeroAdjoint = true
}

/// −x.
public enum Negate: UnaryPrimitive {
    public static let name = "neg"
    public static let typing = ElementwiseTyping.arithmetic
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { -x }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { Lanes(repeating: -1) }
    public static let derivativeReads = (x: false, y: false)
    public static let guardsZeroAdjoint = false
}

/// a·b + c in one rounding (the machine fuses `a * b + c` into it).
public enum MultiplyAdd: TernaryPrimitive {
    public static let name = "fma"
    public static let typing = ElementwiseTyping.real
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes { c.addingProduct(a, b) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, c: Lanes, y: Lanes) -> (Lanes, Lanes, Lanes) {
        (b, a, Lanes(repeating: 1))
    }
    public static let partialsRead = (a: true, b: true, c: false, y: false)
    public static let differentiableArguments = (a: true, b: true, c: true)
}

/// c − a·b in one rounding (the machine fuses `c - a * b` into it).
public enum NegatedMultiplyAdd: TernaryPrimitive {
    public static let name = "fnma"
    public static let typing = ElementwiseTyping.real
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes { c.addingProduct(-a, b) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, c: Lanes, y: Lanes) -> (Lanes, Lanes, Lanes) {
        (-b, -a, Lanes(repeating: 1))
    }
    public static let partialsRead = (a: true, b: true, c: false, y: false)
    public static let differentiableArguments = (a: true, b: true, c: true)
}

/// min(a, b); the gradient goes to the smaller argument (to a on a tie).
public enum Minimum: BinaryPrimitive {
    public static let name = "min"
    public static let typing = ElementwiseTyping.real
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .< a) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) {
        let second = b .< a
        return (
            Lanes(repeating: 1).replacing(with: 0, where: second), Lanes(repeating: 0).replacing(with: 1, where: second)
        )
    }
    public static let partialsRead = (a: true, b: true, y: false)
    public static let guardsZeroAdjoint = false
}

/// max(a, b); the gradient goes to the larger argument (to a on a tie).
public enum Maximum: BinaryPrimitive {
    public static let name = "max"
    public static let typing = ElementwiseTyping.real
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .> a) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) {
        let second = b .> a
        return (
            Lanes(repeating: 1).replacing(with: 0, where: second), Lanes(repeating: 0).replacing(with: 1, where: second)
        )
    }
    public static let partialsRead = (a: true, b: true, y: false)
    public static let guardsZeroAdjoint = false
}

/// |x|; derivative sign(x) (0 at 0).
public enum AbsoluteValue: UnaryPrimitive {
    public static let name = "abs"
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { laneAbs(x) }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { Sign.value(x) }
    public static let derivativeReads = (x: true, y: false)
}

/// sign(x): −1, 0 or 1 (NaN → NaN); no gradient.
public enum Sign: UnaryPrimitive {
    public static let name = "sign"
    @inline(__always) public static func value(_ x: Lanes) -> Lanes {
        Lanes(repeating: 0).replacing(with: 1, where: x .> 0).replacing(with: -1, where: x .< 0).replacing(
            with: x, where: x .!= x)
    }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { Lanes(repeating: 0) }
    public static let derivativeReads = (x: false, y: false)
    public static let differentiable = false
}

/// floor(x): the largest whole number ≤ x (NaN → NaN); a whole number, so it can index
/// (`floor(type / 10)` is hBayesDM's PST pair code's first stimulus); no gradient.
public enum Floor: UnaryPrimitive {
    public static let name = "floor"
    public static let typing = ElementwiseTyping.rounding
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { x.rounded(.down) }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { Lanes(repeating: 0) }
    public static let derivativeReads = (x: false, y: false)
    public static let differentiable = false
}

/// c + a·(b − c): the delta rule's step from c toward b at rate a (the machine fuses
/// `y + a * (x - y)` into it). ∂/∂a = b − c, ∂/∂b = a, ∂/∂c = 1 − a.
public enum Lerp: TernaryPrimitive {
    public static let name = "lerp"
    public static let typing = ElementwiseTyping.real
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes {
        c.addingProduct(a, b - c)
    }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, c: Lanes, y: Lanes) -> (Lanes, Lanes, Lanes) {
        (b - c, a, 1 - a)
    }
    public static let partialsRead = (a: true, b: true, c: true, y: false)
    public static let differentiableArguments = (a: true, b: true, c: true)
}

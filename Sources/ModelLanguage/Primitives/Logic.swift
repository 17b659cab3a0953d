/// Comparisons and logic give 1 (true) or 0 (false) per lane and carry no gradient; `select`
/// picks per lane and sends the gradient to the argument it picked.

/// a < b.
public enum Less: BinaryPrimitive {
    public static let name = "lt"
    public static let typing = ElementwiseTyping.order
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { truth(a .< b) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (.zero, .zero) }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let differentiable = false
}

/// a ≤ b.
public enum LessOrEqual: BinaryPrimitive {
    public static let name = "le"
    public static let typing = ElementwiseTyping.order
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { truth(a .<= b) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (.zero, .zero) }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let differentiable = false
}

/// a > b.
public enum Greater: BinaryPrimitive {
    public static let name = "gt"
    public static let typing = ElementwiseTyping.order
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { truth(a .> b) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (.zero, .zero) }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let differentiable = false
}

/// a ≥ b.
public enum GreaterOrEqual: BinaryPrimitive {
    public static let name = "ge"
    public static let typing = ElementwiseTyping.order
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { truth(a .>= b) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (.zero, .zero) }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let differentiable = false
}

/// a = b.
public enum Equal: BinaryPrimitive {
    public static let name = "eq"
    public static let typing = ElementwiseTyping.equality
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { truth(a .== b) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (.zero, .zero) }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let differentiable = false
}

/// a ≠ b.
public enum NotEqual: BinaryPrimitive {
    public static let name = "ne"
    public static let typing = ElementwiseTyping.equality
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { truth(a .!= b) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (.zero, .zero) }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let differentiable = false
}

/// a and b.
public enum And: BinaryPrimitive {
    public static let name = "and"
    public static let typing = ElementwiseTyping.logical
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { truth((a .!= 0) .& (b .!= 0)) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (.zero, .zero) }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let differentiable = false
}

/// a or b.
public enum Or: BinaryPrimitive {
    public static let name = "or"
    public static let typing = ElementwiseTyping.logical
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes { truth((a .!= 0) .| (b .!= 0)) }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) { (.zero, .zero) }
    public static let partialsRead = (a: false, b: false, y: false)
    public static let differentiable = false
}

/// not x.
public enum Not: UnaryPrimitive {
    public static let name = "not"
    public static let typing = ElementwiseTyping.logical
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { truth(x .== 0) }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { .zero }
    public static let derivativeReads = (x: false, y: false)
    public static let differentiable = false
}

/// select(condition, a, b): a where the condition holds (is non-zero), else b. The gradient
/// goes to the argument picked, lane by lane.
public enum Select: TernaryPrimitive {
    public static let name = "select"
    public static let typing = ElementwiseTyping.selection
    @inline(__always) public static func value(_ c: Lanes, _ a: Lanes, _ b: Lanes) -> Lanes {
        b.replacing(with: a, where: c .!= 0)
    }
    @inline(__always) public static func partials(a c: Lanes, b: Lanes, c _: Lanes, y: Lanes) -> (Lanes, Lanes, Lanes) {
        let picked = c .!= 0
        return (
            .zero, Lanes(repeating: 0).replacing(with: 1, where: picked),
            Lanes(repeating: 1).replacing(with: 0, where: picked)
        )
    }
    public static let partialsRead = (a: true, b: false, c: false, y: false)
    public static let differentiableArguments = (a: false, b: true, c: true)
}

/// 1 where the mask holds, else 0.
@inline(__always) func truth(_ mask: SIMDMask<SIMD4<Int64>>) -> Lanes {
    Lanes(repeating: 0).replacing(with: 1, where: mask)
}

/// How the checker types a call of an elementwise primitive (every elementwise primitive
/// applies to scalars, and lane by lane to vectors and tables of one shape, with scalars
/// broadcast).
public enum ElementwiseTyping: Sendable {
    /// + − *: whole numbers stay whole (so `3 - choice` can index), otherwise real.
    case arithmetic
    /// A real-valued function of numbers.
    case real
    /// A whole number from any number (floor): it can index.
    case rounding
    /// < <= > >=: numbers to a boolean.
    case order
    /// == !=: numbers, or indices of the same dimension, to a boolean.
    case equality
    /// and, or, not: booleans to a boolean.
    case logical
    /// select(condition, a, b): a where the condition holds, else b.
    case selection
}

/// A function of one lane vector: its value and its derivative. Written once, it is the
/// language's function (the checker reads `name`), the lane machine's forward kernel and
/// its adjoint (λₓ += λ_y · dy/dx), and the constant folder's arithmetic.
public protocol UnaryPrimitive: ElementwiseLoops {
    /// The name in the model language (`exp`), or the operator's internal name (`neg`).
    static var name: String { get }
    static var typing: ElementwiseTyping { get }
    /// y = f(x).
    static func value(_ x: Lanes) -> Lanes
    /// dy/dx at x, given y = f(x) too (whichever is cheaper). Not called when
    /// `differentiable` is false.
    static func derivative(x: Lanes, y: Lanes) -> Lanes
    /// Whether the adjoint reads x, y (so the machine keeps them for the backward pass).
    static var derivativeReads: (x: Bool, y: Bool) { get }
    /// False for step functions (sign, comparisons): no gradient flows through them.
    static var differentiable: Bool { get }
    /// True (the default) when dy/dx can be infinite or NaN (log at 0, sqrt at 0, exp after
    /// overflow, any NaN input): the adjoint then keeps a zero λ zero, so a branch not taken, a
    /// missed trial or a padding lane never leaks 0·∞ = NaN into the gradient. False only where
    /// the derivative is a constant (+, −, negation) or a 0/1 switch (min, max).
    static var guardsZeroAdjoint: Bool { get }
}

/// A function of two lane vectors and its partial derivatives.
public protocol BinaryPrimitive: ElementwiseLoops {
    static var name: String { get }
    static var typing: ElementwiseTyping { get }
    static func value(_ a: Lanes, _ b: Lanes) -> Lanes
    /// (∂y/∂a, ∂y/∂b) at (a, b) with y = f(a, b).
    static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes)
    static var partialsRead: (a: Bool, b: Bool, y: Bool) { get }
    static var differentiable: Bool { get }
    static var guardsZeroAdjoint: Bool { get }
}

/// A function of three lane vectors and its partial derivatives.
public protocol TernaryPrimitive: ElementwiseLoops {
    static var name: String { get }
    static var typing: ElementwiseTyping { get }
    static func value(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes
    static func partials(a: Lanes, b: Lanes, c: Lanes, y: Lanes) -> (Lanes, Lanes, Lanes)
    static var partialsRead: (a: Bool, b: Bool, c: Bool, y: Bool) { get }
    /// Whether each argument can carry a gradient (select's condition cannot).
    static var differentiableArguments: (a: Bool, b: Bool, c: Bool) { get }
}

extension UnaryPrimitive {
    public static var differentiable: Bool { true }
    public static var guardsZeroAdjoint: Bool { true }
    public static var typing: ElementwiseTyping { .real }
}

extension BinaryPrimitive {
    public static var differentiable: Bool { true }
    public static var guardsZeroAdjoint: Bool { true }
}

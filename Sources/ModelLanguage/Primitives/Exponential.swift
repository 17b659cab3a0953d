/// e^x (`laneExp`); dy/dx = y.
public enum Exponential: UnaryPrimitive {
    public static let name = "exp"
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { laneExp(x) }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { y }
    public static let derivativeReads = (x: false, y: true)
}

/// log x (`laneLog`): −∞ at 0, NaN below; dy/dx = 1/x.
public enum Logarithm: UnaryPrimitive {
    public static let name = "log"
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { laneLog(x) }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { 1 / x }
    public static let derivativeReads = (x: true, y: false)
    public static let guardsZeroAdjoint = true
}

/// log(1 + x) (`laneLog1p`); dy/dx = 1/(1 + x).
public enum LogOnePlus: UnaryPrimitive {
    public static let name = "log1p"
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { laneLog1p(x) }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { 1 / (1 + x) }
    public static let derivativeReads = (x: true, y: false)
    public static let guardsZeroAdjoint = true
}

/// e^x − 1 (`laneExpm1`); dy/dx = y + 1.
public enum ExponentialMinusOne: UnaryPrimitive {
    public static let name = "expm1"
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { laneExpm1(x) }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { y + 1 }
    public static let derivativeReads = (x: false, y: true)
}

/// The logistic function 1/(1 + e^−x) (Stan's `inv_logit`, also accepted under that name);
/// dy/dx = y·(1 − y).
public enum Logistic: UnaryPrimitive {
    public static let name = "logistic"
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { laneLogistic(x) }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { y * (1 - y) }
    public static let derivativeReads = (x: false, y: true)
}

/// Stan's `Phi_approx`: logistic(0.07056·x³ + 1.5976·x), the logistic approximation of the
/// standard normal CDF (Bowling et al. 2009; maximum absolute error 1.4e−4), which hBayesDM
/// uses for every bounded parameter; dy/dx = y·(1 − y)·(3·0.07056·x² + 1.5976).
public enum PhiApproximation: UnaryPrimitive {
    public static let name = "Phi_approx"
    public static let cubic = 0.07056, linear = 1.5976
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { laneLogistic(x * (cubic * x * x + linear)) }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes {
        y * (1 - y) * (3 * cubic * x * x + linear)
    }
    public static let derivativeReads = (x: true, y: true)
}

/// √x (NaN below 0); dy/dx = 1/(2y).
public enum SquareRoot: UnaryPrimitive {
    public static let name = "sqrt"
    @inline(__always) public static func value(_ x: Lanes) -> Lanes { x.squareRoot() }
    @inline(__always) public static func derivative(x: Lanes, y: Lanes) -> Lanes { 0.5 / y }
    public static let derivativeReads = (x: false, y: true)
    public static let guardsZeroAdjoint = true
}

/// a^b (also written `a ^ b`): e^(b·log a) for a > 0; 0^b = 0 for b > 0 and 1 for b = 0; a
/// negative base with a whole exponent keeps its sign rule ((−2)^3 = −8); otherwise NaN.
/// ∂/∂a = b·y/a, ∂/∂b = y·log a; at a = 0 both are taken as 0, as Stan's `pow` does (the
/// limits for b > 1; for 0 < b < 1 ∂/∂a is unbounded there), so a utility x^α of an outcome
/// x = 0 (hBayesDM's IGT models) has a finite gradient.
public enum Power: BinaryPrimitive {
    public static let name = "pow"
    public static let typing = ElementwiseTyping.real
    @inline(__always) public static func value(_ a: Lanes, _ b: Lanes) -> Lanes {
        let magnitude = laneExp(b * laneLog(laneAbs(a)))
        let whole = b .== b.rounded(.towardZero)
        let odd = whole .& ((b * 0.5) .!= (b * 0.5).rounded(.towardZero))
        let negative = a .< 0
        return
            magnitude
            .replacing(with: -magnitude, where: negative .& odd)
            .replacing(with: .nan, where: negative .& .!whole)
            .replacing(with: 1, where: b .== 0)
    }
    @inline(__always) public static func partials(a: Lanes, b: Lanes, y: Lanes) -> (Lanes, Lanes) {
        let atZero = a .== 0
        return ((b * y / a).replacing(with: 0, where: atZero), (y * laneLog(a)).replacing(with: 0, where: atZero))
    }
    public static let partialsRead = (a: true, b: true, y: true)
    public static let guardsZeroAdjoint = true
}

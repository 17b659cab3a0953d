/// The lane machine's loops for elementwise primitives, written once for every primitive from
/// its `value` and `partials`: each primitive type gets its own specialized loops (default
/// implementations of `ElementwiseLoops`), reached through the primitive's metatype, which —
/// unlike a closure — is not reference counted, so instructions stay plain data and a call
/// costs one indirect jump.
///
/// Forward: y[j] = f(a[j], b[j], c[j]) for the j = 0..<n vectors of a trial.
/// Backward: λa[j] ⊕= λy[j]·∂f/∂a, … where ⊕= is "skip" (the argument carries no gradient),
/// "assign" (the first contribution to that adjoint in the backward sweep) or "accumulate".
public protocol ElementwiseLoops: SendableMetatype {
    /// The primitive as a function of three lane vectors (arguments beyond its arity ignored),
    /// its partial derivatives (0 beyond the arity; `y` is the value where the partials read
    /// it), and whether a partial can be infinite (`guardsZeroAdjoint`): what kernels that
    /// apply the primitive inside another step (`ScatterMapKernels`) call.
    static func value3(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes
    static func partials3(_ a: Lanes, _ b: Lanes, _ c: Lanes, y: Lanes) -> (Lanes, Lanes, Lanes)
    static var partialsMayBeInfinite: Bool { get }
    /// The committing scatter over this primitive (`ScatterMapKernels.swift`).
    static func scatterMapForward(_ p: UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>, n: Int, w: Int, starts: Int)
    static func scatterMapBackward(
        _ p: UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>, n: Int, w: Int, starts: Int,
        modes: UnsafePointer<AdjointMode>)
    static func forwardLoop(
        _ y: UnsafeMutablePointer<Lanes>, _ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Lanes>,
        _ c: UnsafePointer<Lanes>, _ n: Int)
    static func backwardLoop(
        _ modes: AdjointModes, _ l: UnsafePointer<Lanes>, _ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Lanes>,
        _ c: UnsafePointer<Lanes>, _ y: UnsafePointer<Lanes>, _ la: UnsafeMutablePointer<Lanes>,
        _ lb: UnsafeMutablePointer<Lanes>, _ lc: UnsafeMutablePointer<Lanes>, _ n: Int)
}

/// How a backward loop writes one argument's adjoint.
public enum AdjointMode: UInt8, Sendable {
    case skip, assign, accumulate
}

/// The adjoint modes of an elementwise step's (up to three) arguments.
public struct AdjointModes: Sendable, Equatable {
    public var a: AdjointMode, b: AdjointMode, c: AdjointMode
    init(_ list: [AdjointMode]) {
        a = list.count > 0 ? list[0] : .skip
        b = list.count > 1 ? list[1] : .skip
        c = list.count > 2 ? list[2] : .skip
    }
}

protocol AdjointWrite: SendableMetatype {
    static func write(_ p: UnsafeMutablePointer<Lanes>, _ j: Int, _ v: @autoclosure () -> Lanes)
}
enum SkipWrite: AdjointWrite {
    @inline(__always) static func write(_ p: UnsafeMutablePointer<Lanes>, _ j: Int, _ v: @autoclosure () -> Lanes) {}
}
enum AssignWrite: AdjointWrite {
    @inline(__always) static func write(_ p: UnsafeMutablePointer<Lanes>, _ j: Int, _ v: @autoclosure () -> Lanes) {
        p[j] = v()
    }
}
enum AccumulateWrite: AdjointWrite {
    @inline(__always) static func write(_ p: UnsafeMutablePointer<Lanes>, _ j: Int, _ v: @autoclosure () -> Lanes) {
        p[j] += v()
    }
}

/// λ·∂, with a zero λ kept zero when the primitive's partial may be infinite (0·∞ = NaN would
/// otherwise leak from a branch not taken into the gradient).
@inline(__always) func scaled(_ lambda: Lanes, _ partial: Lanes, guarded: Bool) -> Lanes {
    let v = lambda * partial
    return guarded ? v.replacing(with: 0, where: lambda .== 0) : v
}

extension UnaryPrimitive {
    @inline(__always) public static func value3(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes { value(a) }
    @inline(__always) public static func partials3(_ a: Lanes, _ b: Lanes, _ c: Lanes, y: Lanes) -> (
        Lanes, Lanes, Lanes
    ) {
        (differentiable ? derivative(x: a, y: y) : .zero, .zero, .zero)
    }
    public static var partialsMayBeInfinite: Bool { guardsZeroAdjoint }

    public static func forwardLoop(
        _ y: UnsafeMutablePointer<Lanes>, _ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Lanes>,
        _ c: UnsafePointer<Lanes>, _ n: Int
    ) {
        for j in 0..<n { y[j] = value(a[j]) }
    }

    public static func backwardLoop(
        _ modes: AdjointModes, _ l: UnsafePointer<Lanes>, _ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Lanes>,
        _ c: UnsafePointer<Lanes>, _ y: UnsafePointer<Lanes>, _ la: UnsafeMutablePointer<Lanes>,
        _ lb: UnsafeMutablePointer<Lanes>, _ lc: UnsafeMutablePointer<Lanes>, _ n: Int
    ) {
        func run<M: AdjointWrite>(_: M.Type) {
            for j in 0..<n { M.write(la, j, scaled(l[j], derivative(x: a[j], y: y[j]), guarded: guardsZeroAdjoint)) }
        }
        switch modes.a {
        case .skip: break
        case .assign: run(AssignWrite.self)
        case .accumulate: run(AccumulateWrite.self)
        }
    }
}

extension BinaryPrimitive {
    @inline(__always) public static func value3(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes { value(a, b) }
    @inline(__always) public static func partials3(_ a: Lanes, _ b: Lanes, _ c: Lanes, y: Lanes) -> (
        Lanes, Lanes, Lanes
    ) {
        guard differentiable else { return (.zero, .zero, .zero) }
        let (da, db) = partials(a: a, b: b, y: y)
        return (da, db, .zero)
    }
    public static var partialsMayBeInfinite: Bool { guardsZeroAdjoint }

    public static func forwardLoop(
        _ y: UnsafeMutablePointer<Lanes>, _ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Lanes>,
        _ c: UnsafePointer<Lanes>, _ n: Int
    ) {
        for j in 0..<n { y[j] = value(a[j], b[j]) }
    }

    public static func backwardLoop(
        _ modes: AdjointModes, _ l: UnsafePointer<Lanes>, _ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Lanes>,
        _ c: UnsafePointer<Lanes>, _ y: UnsafePointer<Lanes>, _ la: UnsafeMutablePointer<Lanes>,
        _ lb: UnsafeMutablePointer<Lanes>, _ lc: UnsafeMutablePointer<Lanes>, _ n: Int
    ) {
        func run<MA: AdjointWrite, MB: AdjointWrite>(_: MA.Type, _: MB.Type) {
            for j in 0..<n {
                let (da, db) = partials(a: a[j], b: b[j], y: y[j])
                let lj = l[j]
                MA.write(la, j, scaled(lj, da, guarded: guardsZeroAdjoint))
                MB.write(lb, j, scaled(lj, db, guarded: guardsZeroAdjoint))
            }
        }
        func second<MA: AdjointWrite>(_: MA.Type) {
            switch modes.b {
            case .skip: run(MA.self, SkipWrite.self)
            case .assign: run(MA.self, AssignWrite.self)
            case .accumulate: run(MA.self, AccumulateWrite.self)
            }
        }
        switch modes.a {
        case .skip: second(SkipWrite.self)
        case .assign: second(AssignWrite.self)
        case .accumulate: second(AccumulateWrite.self)
        }
    }
}

extension TernaryPrimitive {
    @inline(__always) public static func value3(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes { value(a, b, c) }
    @inline(__always) public static func partials3(_ a: Lanes, _ b: Lanes, _ c: Lanes, y: Lanes) -> (
        Lanes, Lanes, Lanes
    ) {
        let (da, db, dc) = partials(a: a, b: b, c: c, y: y)
        let d = differentiableArguments
        return (d.a ? da : .zero, d.b ? db : .zero, d.c ? dc : .zero)
    }
    public static var partialsMayBeInfinite: Bool { true }

    public static func forwardLoop(
        _ y: UnsafeMutablePointer<Lanes>, _ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Lanes>,
        _ c: UnsafePointer<Lanes>, _ n: Int
    ) {
        for j in 0..<n { y[j] = value(a[j], b[j], c[j]) }
    }

    public static func backwardLoop(
        _ modes: AdjointModes, _ l: UnsafePointer<Lanes>, _ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Lanes>,
        _ c: UnsafePointer<Lanes>, _ y: UnsafePointer<Lanes>, _ la: UnsafeMutablePointer<Lanes>,
        _ lb: UnsafeMutablePointer<Lanes>, _ lc: UnsafeMutablePointer<Lanes>, _ n: Int
    ) {
        func run<MA: AdjointWrite, MB: AdjointWrite, MC: AdjointWrite>(_: MA.Type, _: MB.Type, _: MC.Type) {
            for j in 0..<n {
                let (da, db, dc) = partials(a: a[j], b: b[j], c: c[j], y: y[j])
                let lj = l[j]
                MA.write(la, j, scaled(lj, da, guarded: true))
                MB.write(lb, j, scaled(lj, db, guarded: true))
                MC.write(lc, j, scaled(lj, dc, guarded: true))
            }
        }
        func third<MA: AdjointWrite, MB: AdjointWrite>(_: MA.Type, _: MB.Type) {
            switch modes.c {
            case .skip: run(MA.self, MB.self, SkipWrite.self)
            case .assign: run(MA.self, MB.self, AssignWrite.self)
            case .accumulate: run(MA.self, MB.self, AccumulateWrite.self)
            }
        }
        func second<MA: AdjointWrite>(_: MA.Type) {
            switch modes.b {
            case .skip: third(MA.self, SkipWrite.self)
            case .assign: third(MA.self, AssignWrite.self)
            case .accumulate: third(MA.self, AccumulateWrite.self)
            }
        }
        switch modes.a {
        case .skip: second(SkipWrite.self)
        case .assign: second(AssignWrite.self)
        case .accumulate: second(AccumulateWrite.self)
        }
    }
}

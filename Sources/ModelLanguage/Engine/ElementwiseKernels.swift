/// The lane machine's loops for elementwise primitives, generated once per primitive from its
/// `value` and `partials` (generic code specialized at compile time for each primitive, so each
/// loop is straight-line SIMD code with no call per element).
///
/// Forward: y[j] = f(a[j], b[j], c[j]) for the j = 0..<n vectors of a trial.
/// Backward: λa[j] ⊕= λy[j]·∂f/∂a, … where ⊕= is "skip" (the argument carries no gradient),
/// "assign" (the first contribution to that adjoint in the backward sweep) or "accumulate".
typealias ForwardKernel = @Sendable (UnsafeMutablePointer<Lanes>, UnsafePointer<Lanes>, UnsafePointer<Lanes>, UnsafePointer<Lanes>, Int) -> Void
typealias BackwardKernel = @Sendable (
    _ adjoint: UnsafePointer<Lanes>, _ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Lanes>, _ c: UnsafePointer<Lanes>,
    _ y: UnsafePointer<Lanes>, _ adjointA: UnsafeMutablePointer<Lanes>, _ adjointB: UnsafeMutablePointer<Lanes>,
    _ adjointC: UnsafeMutablePointer<Lanes>, _ count: Int
) -> Void

/// How a backward loop writes one argument's adjoint.
public enum AdjointMode: UInt8, Sendable {
    case skip, assign, accumulate
}

protocol AdjointWrite: SendableMetatype {
    static func write(_ p: UnsafeMutablePointer<Lanes>, _ j: Int, _ v: @autoclosure () -> Lanes)
}
enum SkipWrite: AdjointWrite {
    @inline(__always) static func write(_ p: UnsafeMutablePointer<Lanes>, _ j: Int, _ v: @autoclosure () -> Lanes) {}
}
enum AssignWrite: AdjointWrite {
    @inline(__always) static func write(_ p: UnsafeMutablePointer<Lanes>, _ j: Int, _ v: @autoclosure () -> Lanes) { p[j] = v() }
}
enum AccumulateWrite: AdjointWrite {
    @inline(__always) static func write(_ p: UnsafeMutablePointer<Lanes>, _ j: Int, _ v: @autoclosure () -> Lanes) { p[j] += v() }
}

/// λ·∂, with a zero λ kept zero when the primitive's partial may be infinite (0·∞ = NaN would
/// otherwise leak from a branch not taken into the gradient).
@inline(__always) func scaled(_ lambda: Lanes, _ partial: Lanes, guarded: Bool) -> Lanes {
    let v = lambda * partial
    return guarded ? v.replacing(with: 0, where: lambda .== 0) : v
}

enum ElementwiseKernels {
    static func forward<P: UnaryPrimitive>(_: P.Type) -> ForwardKernel {
        { y, a, _, _, n in for j in 0..<n { y[j] = P.value(a[j]) } }
    }

    static func forward<P: BinaryPrimitive>(_: P.Type) -> ForwardKernel {
        { y, a, b, _, n in for j in 0..<n { y[j] = P.value(a[j], b[j]) } }
    }

    static func forward<P: TernaryPrimitive>(_: P.Type) -> ForwardKernel {
        { y, a, b, c, n in for j in 0..<n { y[j] = P.value(a[j], b[j], c[j]) } }
    }

    static func backward<P: UnaryPrimitive>(_: P.Type, _ mode: AdjointMode) -> BackwardKernel {
        func make<M: AdjointWrite>(_: M.Type) -> BackwardKernel {
            { l, a, _, _, y, la, _, _, n in
                for j in 0..<n { M.write(la, j, scaled(l[j], P.derivative(x: a[j], y: y[j]), guarded: P.guardsZeroAdjoint)) }
            }
        }
        switch mode {
        case .skip: return make(SkipWrite.self)
        case .assign: return make(AssignWrite.self)
        case .accumulate: return make(AccumulateWrite.self)
        }
    }

    static func backward<P: BinaryPrimitive>(_: P.Type, _ ma: AdjointMode, _ mb: AdjointMode) -> BackwardKernel {
        func make<MA: AdjointWrite, MB: AdjointWrite>(_: MA.Type, _: MB.Type) -> BackwardKernel {
            { l, a, b, _, y, la, lb, _, n in
                for j in 0..<n {
                    let (da, db) = P.partials(a: a[j], b: b[j], y: y[j])
                    let lj = l[j]
                    MA.write(la, j, scaled(lj, da, guarded: P.guardsZeroAdjoint))
                    MB.write(lb, j, scaled(lj, db, guarded: P.guardsZeroAdjoint))
                }
            }
        }
        func second<MA: AdjointWrite>(_: MA.Type) -> BackwardKernel {
            switch mb {
            case .skip: return make(MA.self, SkipWrite.self)
            case .assign: return make(MA.self, AssignWrite.self)
            case .accumulate: return make(MA.self, AccumulateWrite.self)
            }
        }
        switch ma {
        case .skip: return second(SkipWrite.self)
        case .assign: return second(AssignWrite.self)
        case .accumulate: return second(AccumulateWrite.self)
        }
    }

    static func backward<P: TernaryPrimitive>(_: P.Type, _ ma: AdjointMode, _ mb: AdjointMode, _ mc: AdjointMode) -> BackwardKernel {
        func make<MA: AdjointWrite, MB: AdjointWrite, MC: AdjointWrite>(_: MA.Type, _: MB.Type, _: MC.Type) -> BackwardKernel {
            { l, a, b, c, y, la, lb, lc, n in
                for j in 0..<n {
                    let (da, db, dc) = P.partials(a: a[j], b: b[j], c: c[j], y: y[j])
                    let lj = l[j]
                    MA.write(la, j, scaled(lj, da, guarded: true))
                    MB.write(lb, j, scaled(lj, db, guarded: true))
                    MC.write(lc, j, scaled(lj, dc, guarded: true))
                }
            }
        }
        func third<MA: AdjointWrite, MB: AdjointWrite>(_: MA.Type, _: MB.Type) -> BackwardKernel {
            switch mc {
            case .skip: return make(MA.self, MB.self, SkipWrite.self)
            case .assign: return make(MA.self, MB.self, AssignWrite.self)
            case .accumulate: return make(MA.self, MB.self, AccumulateWrite.self)
            }
        }
        func second<MA: AdjointWrite>(_: MA.Type) -> BackwardKernel {
            switch mb {
            case .skip: return third(MA.self, SkipWrite.self)
            case .assign: return third(MA.self, AssignWrite.self)
            case .accumulate: return third(MA.self, AccumulateWrite.self)
            }
        }
        switch ma {
        case .skip: return second(SkipWrite.self)
        case .assign: return second(AssignWrite.self)
        case .accumulate: return second(AccumulateWrite.self)
        }
    }
}

/// The observations' forward and adjoint loops. Forward adds log p(observed | arguments) to
/// each lane's log-likelihood where the trial counts (answered, and the observation's predicate
/// holds), optionally writes log p per trial (replays: 0 where it does not count), and writes
/// the factors its adjoint needs — already zero where the trial does not count, so the
/// backward pass needs no masks: λ_argument ⊕= factor (× λ of the log-likelihood, which is 1).
///
/// Non-finite arguments give a non-finite log-likelihood (the sampler's divergence), never a trap.
enum ObservationKernels {
    typealias Rows = UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>

    @inline(__always) static func counted(_ answered: Lanes, _ predicate: Lanes) -> SIMDMask<SIMD4<Int64>> {
        (answered .!= 0) .& (predicate .!= 0)
    }

    /// log σ(z) = min(z, 0) − log(1 + e^−|z|), and σ(−z), with one exponential and one log1p.
    @inline(__always) static func logSigmoid(_ z: Lanes) -> (value: Lanes, complement: Lanes) {
        let e = expNonPositive(-laneAbs(z))
        let value = z.replacing(with: 0, where: z .> 0) - log1pUnit(e)
        let inverse = 1 / (1 + e)
        return (value, inverse.replacing(with: e * inverse, where: z .>= 0))
    }

    /// Two options, from d = u₂ − u₁: with x = u_c − u_o, log p = log σ(x), and the factor
    /// ∂ log p/∂u₂ = ±σ(−x) (0 where the trial does not count).
    @inline(__always) static func softmax2(difference d: Lanes, observed: Lanes, counts mask: SIMDMask<SIMD4<Int64>>)
        -> (logP: Lanes, factor: Lanes)
    {
        let second = observed .== 2
        let x = d.replacing(with: -d, where: .!second)
        let (value, complement) = logSigmoid(x)
        return (
            Lanes(repeating: 0).replacing(with: value, where: mask),
            Lanes(repeating: 0).replacing(with: complement.replacing(with: -complement, where: .!second), where: mask)
        )
    }

    /// [observed, answered, predicate, u₁, u₂, factor, (log p)].
    static func softmax2(_ p: Rows, w: Int, logLikelihood ll: UnsafeMutablePointer<Lanes>, writesLogProbability: Bool) {
        let y = p[0], answered = p[1], predicate = p[2], u1 = p[3], u2 = p[4], factor = p[5]
        for j in 0..<w {
            let (logP, f) = softmax2(
                difference: u2[j] - u1[j], observed: y[j], counts: counted(answered[j], predicate[j]))
            ll[j] += logP
            factor[j] = f
            if writesLogProbability { p[6][j] = logP }
        }
    }

    /// [observed, answered, predicate, β, x₁, x₂, factor, (log p)]: softmax(β·x), two options.
    static func scaledSoftmax2(
        _ p: Rows, w: Int, logLikelihood ll: UnsafeMutablePointer<Lanes>, writesLogProbability: Bool
    ) {
        let y = p[0], answered = p[1], predicate = p[2], beta = p[3], x1 = p[4], x2 = p[5], factor = p[6]
        for j in 0..<w {
            let (logP, f) = softmax2(
                difference: beta[j] * (x2[j] - x1[j]), observed: y[j], counts: counted(answered[j], predicate[j]))
            ll[j] += logP
            factor[j] = f
            if writesLogProbability { p[7][j] = logP }
        }
    }

    /// [factor, β, x₁, x₂, λβ, λx₁, λx₂]: λβ ⊕= f·(x₂ − x₁), λx₁ ⊕= −β·f, λx₂ ⊕= β·f.
    static func scaledSoftmax2Adjoint(_ p: Rows, w: Int, modes: UnsafePointer<AdjointMode>) {
        let f = p[0], beta = p[1], x1 = p[2], x2 = p[3]
        for j in 0..<w {
            let fj = f[j], bf = beta[j] * fj
            StructuralKernels.write(modes[0], p[4], j, (fj * (x2[j] - x1[j])).replacing(with: 0, where: fj .== 0))
            StructuralKernels.write(modes[1], p[5], j, -bf)
            StructuralKernels.write(modes[2], p[6], j, bf)
        }
    }

    /// [factor, λu₁, λu₂].
    static func softmax2Adjoint(_ p: Rows, w: Int, modes: UnsafePointer<AdjointMode>) {
        let f = p[0]
        for j in 0..<w {
            StructuralKernels.write(modes[0], p[1], j, -f[j])
            StructuralKernels.write(modes[1], p[2], j, f[j])
        }
    }

    /// [observed, answered, predicate, u₁…uₙ, (offered₁…offeredₙ), factor₁…factorₙ, (log p)]:
    /// log p = u_y − m − log Σ_k e^{u_k − m} over offered k (m their maximum); factor_k =
    /// [y = k] − p_k. An observed option that is not offered has probability 0: log p = −∞ (the
    /// fit's checks name such a data row before sampling).
    static func softmax(
        _ p: Rows, n: Int, w: Int, offered: Bool, logLikelihood ll: UnsafeMutablePointer<Lanes>,
        writesLogProbability: Bool
    ) {
        let u = p + 3
        softmax(
            p, n: n, w: w, available: offered ? p + 3 + n : nil, factors: p + 3 + (offered ? 2 * n : n),
            logLikelihood: ll,
            logProbability: writesLogProbability ? p[3 + (offered ? 3 * n : 2 * n)] : nil
        ) { k, j in u[k][j] }
    }

    /// [observed, answered, predicate, β, x₁…xₙ, factor₁…factorₙ, (log p)]: softmax(β·x).
    static func scaledSoftmax(
        _ p: Rows, n: Int, w: Int, logLikelihood ll: UnsafeMutablePointer<Lanes>, writesLogProbability: Bool
    ) {
        let beta = p[3], x = p + 4
        softmax(
            p, n: n, w: w, available: nil, factors: p + 4 + n, logLikelihood: ll,
            logProbability: writesLogProbability ? p[4 + 2 * n] : nil
        ) { k, j in beta[j] * x[k][j] }
    }

    @inline(__always) static func softmax(
        _ p: Rows, n: Int, w: Int, available: Rows?, factors: Rows, logLikelihood ll: UnsafeMutablePointer<Lanes>,
        logProbability: UnsafeMutablePointer<Lanes>?, utility u: (Int, Int) -> Lanes
    ) {
        let y = p[0], answered = p[1], predicate = p[2]
        for j in 0..<w {
            var m = Lanes(repeating: -.infinity)
            for k in 0..<n {
                var candidate = u(k, j)
                if let available { candidate = candidate.replacing(with: -.infinity, where: available[k][j] .== 0) }
                m = m.replacing(with: candidate, where: candidate .> m)
            }
            var total = Lanes(repeating: 0), chosen = Lanes(repeating: 0)
            let observed = y[j]
            for k in 0..<n {
                let uk = u(k, j)
                var e = expNonPositive(uk - m), value = uk
                if let available {
                    let withheld = available[k][j] .== 0
                    e = e.replacing(with: 0, where: withheld)
                    value = value.replacing(with: -.infinity, where: withheld)
                }
                factors[k][j] = e
                total += e
                chosen = chosen.replacing(with: value, where: observed .== Lanes(repeating: Double(k + 1)))
            }
            let mask = counted(answered[j], predicate[j])
            let logP = Lanes(repeating: 0).replacing(with: chosen - m - logPositive(total), where: mask)
            ll[j] += logP
            let inverse = 1 / total
            for k in 0..<n {
                let indicator = Lanes(repeating: 0).replacing(
                    with: 1, where: observed .== Lanes(repeating: Double(k + 1)))
                factors[k][j] = Lanes(repeating: 0).replacing(with: indicator - factors[k][j] * inverse, where: mask)
            }
            logProbability?[j] = logP
        }
    }

    /// [factor₁…factorₙ, β, x₁…xₙ, λβ, λx₁…λxₙ]: λβ ⊕= Σ f_k·x_k, λx_k ⊕= β·f_k.
    static func scaledSoftmaxAdjoint(_ p: Rows, n: Int, w: Int, modes: UnsafePointer<AdjointMode>) {
        let beta = p[n]
        for j in 0..<w {
            var s = Lanes(repeating: 0)
            for k in 0..<n {
                let f = p[k][j]
                s += (f * p[n + 1 + k][j]).replacing(with: 0, where: f .== 0)
                StructuralKernels.write(modes[1 + k], p[2 * n + 2 + k], j, beta[j] * f)
            }
            StructuralKernels.write(modes[0], p[2 * n + 1], j, s)
        }
    }

    /// [factor₁…factorₙ, λu₁…λuₙ].
    static func softmaxAdjoint(_ p: Rows, n: Int, w: Int, modes: UnsafePointer<AdjointMode>) {
        for k in 0..<n where modes[k] != .skip {
            let f = p[k], target = p[n + k]
            if modes[k] == .assign { for j in 0..<w { target[j] = f[j] } } else { for j in 0..<w { target[j] += f[j] } }
        }
    }

    /// [observed, answered, predicate, p₁…pₙ, factor, (log p)]: log p = log p_y; factor = 1/p_y.
    static func categorical(
        _ p: Rows, n: Int, w: Int, logLikelihood ll: UnsafeMutablePointer<Lanes>, writesLogProbability: Bool
    ) {
        let y = p[0], answered = p[1], predicate = p[2], factor = p[3 + n]
        for j in 0..<w {
            var chosen = p[3][j]
            for k in 1..<n {
                chosen = chosen.replacing(with: p[3 + k][j], where: y[j] .== Lanes(repeating: Double(k + 1)))
            }
            let mask = counted(answered[j], predicate[j])
            let logP = Lanes(repeating: 0).replacing(with: laneLog(chosen), where: mask)
            ll[j] += logP
            factor[j] = Lanes(repeating: 0).replacing(with: 1 / chosen, where: mask)
            if writesLogProbability { p[4 + n][j] = logP }
        }
    }

    /// [observed, answered, predicate, ξ, u₁…uₙ, factor₁…factorₙ, factorξ, (log p)]: the lapse
    /// mixture p_y = (1 − ξ)·s_y + ξ/n with s = softmax(u); log p = log p_y; with w = (1 − ξ)·s_y/p_y,
    /// factor_k = w·([y = k] − s_k) = ∂ log p/∂u_k and factorξ = (1/n − s_y)/p_y.
    ///
    /// With e_k = exp(u_k − max u), T = Σe_k and N = T·p_y = ξ·T/n + (1 − ξ)·e_y, everything needs
    /// 1/T and 1/N, both from one division r = 1/(N·T): 1/T = N·r, 1/N = T·r; then
    /// factorξ = (T/n − e_y)/N and w = (1 − ξ)·e_y/N.
    static func lapseSoftmax(
        _ p: Rows, n: Int, w: Int, workspace: UnsafeMutablePointer<Lanes>,
        logLikelihood ll: UnsafeMutablePointer<Lanes>,
        writesLogProbability: Bool
    ) {
        let y = p[0], answered = p[1], predicate = p[2], xi = p[3], factor = p + 4 + n
        let factorXi = factor[n], logProbability = writesLogProbability ? factor[n + 1] : nil
        let u = p + 4
        if n == 4 {
            lapseSoftmax4(
                y: y, answered: answered, predicate: predicate, xi: xi, utilities: (u[0], u[1], u[2], u[3]),
                factors: factor, w: w, workspace: workspace, logLikelihood: ll, logProbability: logProbability)
            return
        }
        let share = Lanes(repeating: 1 / Double(n))
        // Option-outer loops over whole rows (each inner loop straight-line over the lanes, so
        // the exponentials of neighbouring lane vectors overlap): the maximum, the exponentials
        // and their sum, then the factors.
        let m = workspace, total = workspace + w, chosen = workspace + 2 * w, weight = workspace + 3 * w
        let u0 = u[0]
        for j in 0..<w { m[j] = u0[j] }
        for k in 1..<n {
            let uk = u[k]
            for j in 0..<w { m[j] = m[j].replacing(with: uk[j], where: uk[j] .> m[j]) }
        }
        for j in 0..<w { total[j] = .zero; chosen[j] = .zero }
        for k in 0..<n {
            let uk = u[k], fk = factor[k], key = Lanes(repeating: Double(k + 1))
            for j in 0..<w {
                let e = expNonPositive(uk[j] - m[j])
                fk[j] = e
                total[j] += e
                chosen[j] = chosen[j].replacing(with: e, where: y[j] .== key)
            }
        }
        for j in 0..<w {
            let lapse = xi[j], keep = 1 - lapse, t = total[j], c = chosen[j]
            let scaled = (lapse * share * t).addingProduct(keep, c) // N = T·p_y
            let r = 1 / (scaled * t)
            let inverseTotal = scaled * r, inverseScaled = t * r
            let mask = counted(answered[j], predicate[j])
            workspace[j] = Lanes(repeating: 1).replacing(with: scaled * inverseTotal, where: mask)
            factorXi[j] = Lanes(repeating: 0).replacing(with: (t * share - c) * inverseScaled, where: mask)
            weight[j] = Lanes(repeating: 0).replacing(with: keep * c * inverseScaled, where: mask)
            total[j] = inverseTotal
        }
        for k in 0..<n {
            let fk = factor[k], key = Lanes(repeating: Double(k + 1))
            for j in 0..<w {
                let indicator = Lanes(repeating: 0).replacing(with: 1, where: y[j] .== key)
                fk[j] = weight[j] * (indicator - fk[j] * total[j])
            }
        }
        logOfProbabilities(workspace, w: w, logLikelihood: ll, logProbability: logProbability)
    }

    /// log p_y, added to the log-likelihood, from the row of probabilities p_y the lapse
    /// mixture's pass left (1 on lanes not counted, so log p = 0 there). A pass of its own: with
    /// the logarithm inside the mixture's pass (exponentials → sums → a division → the
    /// logarithm's own division), each lane vector's chain was too long for the next ones to
    /// overlap it, and bandit4arm_lapse's gradient took 1.065× as long (8 alternating pairs,
    /// 2026-12-02).
    @inline(__always)
    static func logOfProbabilities(
        _ probability: UnsafeMutablePointer<Lanes>, w: Int, logLikelihood ll: UnsafeMutablePointer<Lanes>,
        logProbability: UnsafeMutablePointer<Lanes>?
    ) {
        for j in 0..<w {
            let logP = laneLog(probability[j])
            ll[j] += logP
            logProbability?[j] = logP
        }
    }

    /// `lapseSoftmax` for four options, the common case beyond two: one pass for the
    /// exponentials, one for the mixture and the factors with the lane vector's values in
    /// registers, and one for the logarithm. The exponentials are taken relative to option 1, e_k = exp(u_k − u₁) (e₁ = 1:
    /// one exponential and the pass for the maximum fewer, 5% of bandit4arm_lapse's gradient),
    /// unless some |u_k − u₁| > 300 (or is NaN) on the trial: then relative to the maximum, as
    /// the general loop. The factors and log p are the same functions of e/T either way
    /// (equal to rounding).
    static func lapseSoftmax4(
        y: UnsafeMutablePointer<Lanes>, answered: UnsafeMutablePointer<Lanes>, predicate: UnsafeMutablePointer<Lanes>,
        xi: UnsafeMutablePointer<Lanes>,
        utilities u: (
            UnsafeMutablePointer<Lanes>, UnsafeMutablePointer<Lanes>, UnsafeMutablePointer<Lanes>,
            UnsafeMutablePointer<Lanes>
        ),
        factors factor: Rows, w: Int,
        workspace: UnsafeMutablePointer<Lanes>, logLikelihood ll: UnsafeMutablePointer<Lanes>,
        logProbability: UnsafeMutablePointer<Lanes>?
    ) {
        let (u0, u1, u2, u3) = u
        let f0 = factor[0], f1 = factor[1], f2 = factor[2], f3 = factor[3]
        let factorXi = factor[4]
        let share = Lanes(repeating: 1.0 / 4)
        // Relative to option 1 while every |uₖ − u₁| ≤ 300: then T ≤ 1 + 3e³⁰⁰ and N ≥ (1 − ξ)·e⁻³⁰⁰ +
        // ξ·T/4, so N·T stays far inside the doubles; otherwise the step is redone relative to the
        // maximum.
        var outside = SIMDMask<SIMD4<Int64>>(repeating: false)
        for j in 0..<w {
            let v0 = u0[j], d1 = u1[j] - v0, d2 = u2[j] - v0, d3 = u3[j] - v0
            outside .|= .!(laneAbs(d1) .<= 300) .| .!(laneAbs(d2) .<= 300) .| .!(laneAbs(d3) .<= 300)
            f1[j] = expModerate(d1)
            f2[j] = expModerate(d2)
            f3[j] = expModerate(d3)
        }
        let fromMaximum = any(outside)
        if fromMaximum {
            let m = workspace
            for j in 0..<w {
                var v = u0[j]
                v = v.replacing(with: u1[j], where: u1[j] .> v)
                v = v.replacing(with: u2[j], where: u2[j] .> v)
                m[j] = v.replacing(with: u3[j], where: u3[j] .> v)
            }
            @inline(__always) func exponentials(_ u: UnsafeMutablePointer<Lanes>, _ f: UnsafeMutablePointer<Lanes>) {
                for j in 0..<w { f[j] = expNonPositive(u[j] - m[j]) }
            }
            exponentials(u0, f0)
            exponentials(u1, f1)
            exponentials(u2, f2)
            exponentials(u3, f3)
        }
        for j in 0..<w {
            let e0 = fromMaximum ? f0[j] : Lanes(repeating: 1), e1 = f1[j], e2 = f2[j], e3 = f3[j], choice = y[j]
            let is0 = choice .== 1, is1 = choice .== 2, is2 = choice .== 3, is3 = choice .== 4
            let t = ((e0 + e1) + e2) + e3
            let c = Lanes(repeating: 0).replacing(with: e0, where: is0).replacing(with: e1, where: is1)
                .replacing(with: e2, where: is2).replacing(with: e3, where: is3)
            // The mixture as in the general loop, written out again: the two sharing one inlined
            // helper made this kernel's gradient 1.065× slower (4 alternating pairs, 2026-12-02).
            let lapse = xi[j], keep = 1 - lapse
            let scaled = (lapse * share * t).addingProduct(keep, c) // N = T·p_y
            let r = 1 / (scaled * t)
            let inverseTotal = scaled * r, inverseScaled = t * r
            let mask = counted(answered[j], predicate[j])
            workspace[j] = Lanes(repeating: 1).replacing(with: scaled * inverseTotal, where: mask)
            factorXi[j] = Lanes(repeating: 0).replacing(with: (t * share - c) * inverseScaled, where: mask)
            let weight = Lanes(repeating: 0).replacing(with: keep * c * inverseScaled, where: mask)
            let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
            f0[j] = weight * (zero.replacing(with: one, where: is0) - e0 * inverseTotal)
            f1[j] = weight * (zero.replacing(with: one, where: is1) - e1 * inverseTotal)
            f2[j] = weight * (zero.replacing(with: one, where: is2) - e2 * inverseTotal)
            f3[j] = weight * (zero.replacing(with: one, where: is3) - e3 * inverseTotal)
        }
        logOfProbabilities(workspace, w: w, logLikelihood: ll, logProbability: logProbability)
    }

    /// [factor₁…factorₙ, factorξ, λu₁…λuₙ, λξ].
    static func lapseSoftmaxAdjoint(_ p: Rows, n: Int, w: Int, modes: UnsafePointer<AdjointMode>) {
        for k in 0...n where modes[k] != .skip {
            let f = p[k], target = p[n + 1 + k]
            if modes[k] == .assign { for j in 0..<w { target[j] = f[j] } } else { for j in 0..<w { target[j] += f[j] } }
        }
    }

    /// [observed, factor, λp₁…λpₙ]: λp_y ⊕= factor.
    static func categoricalAdjoint(_ p: Rows, n: Int, w: Int, modes: UnsafePointer<AdjointMode>) {
        let y = p[0], f = p[1]
        for k in 0..<n where modes[k] != .skip {
            let key = Lanes(repeating: Double(k + 1))
            for j in 0..<w {
                StructuralKernels.write(
                    modes[k], p[2 + k], j, Lanes(repeating: 0).replacing(with: f[j], where: y[j] .== key))
            }
        }
    }

    /// [observed, answered, predicate, x, factor, (log p)]: y ∈ {0, 1}, P(y = 1) = σ(x);
    /// log p = log σ(s·x) with s = 2y − 1; factor = y − σ(x) = s·σ(−s·x).
    static func bernoulliLogit(
        _ p: Rows, w: Int, logLikelihood ll: UnsafeMutablePointer<Lanes>, writesLogProbability: Bool
    ) {
        let y = p[0], answered = p[1], predicate = p[2], x = p[3], factor = p[4]
        for j in 0..<w {
            let s = 2 * y[j] - 1
            let (value, complement) = logSigmoid(s * x[j])
            let mask = counted(answered[j], predicate[j])
            let logP = Lanes(repeating: 0).replacing(with: value, where: mask)
            ll[j] += logP
            factor[j] = Lanes(repeating: 0).replacing(with: s * complement, where: mask)
            if writesLogProbability { p[5][j] = logP }
        }
    }

    /// [observed, answered, predicate, p, factor, (log p)]: log p = log p (y = 1) or log(1 − p);
    /// factor = 1/p or −1/(1 − p).
    static func bernoulli(_ p: Rows, w: Int, logLikelihood ll: UnsafeMutablePointer<Lanes>, writesLogProbability: Bool)
    {
        let y = p[0], answered = p[1], predicate = p[2], probability = p[3], factor = p[4]
        for j in 0..<w {
            let one = y[j] .== 1
            let q = probability[j]
            let value = laneLog1p(-q).replacing(with: laneLog(q), where: one)
            let mask = counted(answered[j], predicate[j])
            let logP = Lanes(repeating: 0).replacing(with: value, where: mask)
            ll[j] += logP
            factor[j] = Lanes(repeating: 0).replacing(
                with: (-1 / (1 - q)).replacing(with: 1 / q, where: one), where: mask)
            if writesLogProbability { p[5][j] = logP }
        }
    }

    /// [observed, answered, predicate, x₀…x_{d−1}, stopped, factor₀…factor_{d−1}, (log p)]: y = n
    /// decisions to go on, each with log-odds q(m) = Σₖ xₖ·mᵏ (m = 0, 1, …), then one to stop
    /// unless `stopped`: log p = Σ_{m<n} log σ(q(m)) + (1 − stopped)·log σ(−q(n)); factorₖ =
    /// Σ_{m<n} σ(−q(m))·mᵏ − (1 − stopped)·σ(q(n))·nᵏ. Lanes run together up to the largest n
    /// among the counted ones, each masked past its own.
    static func sequentialLogit(
        _ p: Rows, d: Int, w: Int, logLikelihood ll: UnsafeMutablePointer<Lanes>, writesLogProbability: Bool
    ) {
        let y = p[0], answered = p[1], predicate = p[2], stopped = p[3 + d]
        for j in 0..<w {
            let mask = counted(answered[j], predicate[j])
            let n = y[j], open = mask .& (stopped[j] .== 0)
            for k in 0..<d { p[4 + d + k][j] = Lanes(repeating: 0) }
            var last = 0.0
            for lane in 0..<4 where mask[lane] { last = max(last, n[lane]) }
            var logP = Lanes(repeating: 0)
            var m = 0.0
            while m <= last {
                let step = Lanes(repeating: m)
                var q = p[3 + d - 1][j]
                for k in stride(from: d - 2, through: 0, by: -1) { q = q * step + p[3 + k][j] } // Horner
                let goOn = mask .& (step .< n), stop = open .& (step .== n)
                let active = goOn .| stop
                let z = q.replacing(with: -q, where: stop)
                let (value, complement) = logSigmoid(z)
                logP += Lanes(repeating: 0).replacing(with: value, where: active)
                let g = Lanes(repeating: 0).replacing(with: complement, where: goOn).replacing(
                    with: -complement, where: stop)
                var power = Lanes(repeating: 1)
                for k in 0..<d {
                    p[4 + d + k][j] += g * power
                    power *= step
                }
                m += 1
            }
            ll[j] += logP
            if writesLogProbability { p[4 + 2 * d][j] = logP }
        }
    }

    /// [observed, answered, predicate, a, τ, β, δ, y, factor_a, factor_τ, factor_β, factor_δ, (log p)]:
    /// the response (1 the upper boundary, 2 the lower) and its time y under the Wiener
    /// diffusion (`WienerFirstPassage`); the factors are log p's derivatives in a, τ, β, δ.
    /// One lane at a time: the number of series terms differs between lanes.
    static func wiener(_ p: Rows, w: Int, logLikelihood ll: UnsafeMutablePointer<Lanes>, writesLogProbability: Bool) {
        let y = p[0], answered = p[1], predicate = p[2]
        for j in 0..<w {
            let mask = counted(answered[j], predicate[j])
            var logP = Lanes(repeating: 0), fa = logP, ft = logP, fb = logP, fd = logP
            for lane in 0..<4 where mask[lane] {
                let v = WienerFirstPassage.logDensity(
                    time: p[7][j][lane], boundary: p[3][j][lane], nondecision: p[4][j][lane],
                    bias: p[5][j][lane], drift: p[6][j][lane], upper: y[j][lane] == 1)
                logP[lane] = v.logDensity
                fa[lane] = v.dBoundary; ft[lane] = v.dNondecision; fb[lane] = v.dBias; fd[lane] = v.dDrift
            }
            ll[j] += logP
            p[8][j] = fa; p[9][j] = ft; p[10][j] = fb; p[11][j] = fd
            if writesLogProbability { p[12][j] = logP }
        }
    }

    /// [factor, λx].
    static func scalarAdjoint(_ p: Rows, w: Int, modes: UnsafePointer<AdjointMode>) {
        let f = p[0], target = p[1]
        switch modes[0] {
        case .skip: break
        case .assign: for j in 0..<w { target[j] = f[j] }
        case .accumulate: for j in 0..<w { target[j] += f[j] }
        }
    }
}

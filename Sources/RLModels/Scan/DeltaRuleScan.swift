/// The Rescorla–Wagner (delta-rule) learner with a softmax choice, for all subjects at once:
/// log-likelihood, per-subject log-likelihood, and its exact gradient with respect to each
/// subject's learning rate A and inverse temperature τ.
///
/// Model (hBayesDM `bandit2arm_delta` / `banditNarm_delta`), per subject, per trial t:
///
///     Q ← 0 at the start of each block
///     P(c_t = k) = softmax(τ·Q)_k,                 ℓ_t = τ·Q_c − log Σ_k exp(τ·Q_k)
///     Q_c ← Q_c + A·(r_t − Q_c)                   (the chosen option only)
///
/// A masked slot (missed trial, padding) adds nothing and leaves Q unchanged.
///
/// **Forward scan.** Walks t = 0..<T once; each step is a few whole-vector loops over the
/// subjects, four at a time (`Lanes`, subjects padded to a multiple of 4), with no allocation
/// and no branches. ∂L/∂τ = Σ_t (Q_c − Σ_k p_k·Q_k) needs no adjoint and is summed here. The
/// pass stores what the backward pass needs: the prediction errors and the softmax's adjoint
/// factors (T·S values each; K·T·S for K > 2).
///
/// **Backward (adjoint) scan.** With λ = ∂L/∂Q after step t, walking t = T−1...0:
///
///     ∂L/∂A   += λ_c · (r_t − Q_c)                           (prediction error, pre-update)
///     λ_c     ← (1 − A)·λ_c                                   (through the update)
///     λ_k     += τ·(1[k = c] − p_k)                           (through ℓ_t)
///     λ       ← 0 at a block start (Q was reset there)
///
/// For K = 2 the softmax is a logistic in x = τ·(Q_c − Q_o): ℓ = −softplus(−x) =
/// min(x, 0) − log1p(e^−|x|) and ∂ℓ/∂x = σ(−x), from one exponential and one log1p per
/// subject-trial (`expNonPositive`, `log1pUnit`). K > 2 uses a max-shifted log-sum-exp.
/// Both paths are tested against a plain one-subject-at-a-time reference.
///
/// Not thread-safe: the workspace is reused across calls. Use one instance per chain.
public final class DeltaRuleScan {
    public let subjectCount: Int
    public let trialCount: Int
    public let optionCount: Int
    /// Vectors of 4 subjects per time step.
    private let width: Int

    // Inputs, time-major, T × width vectors.
    /// Per slot: chosen option (0-based; −1 masked) + 8·[not a block start] + 16·[answered].
    /// Decoded lane-wise by comparisons; one array instead of three halves the memory traffic.
    private let code: LaneBuffer
    private let reward: LaneBuffer

    // Parameters and gradients, padded.
    private let learningRate: LaneBuffer
    private let inverseTemperature: LaneBuffer
    private let gradientA: LaneBuffer
    private let gradientTau: LaneBuffer
    private let logLikelihood: LaneBuffer

    // Workspace.
    private let values: LaneBuffer           // K × width: Q
    private let adjoints: LaneBuffer         // K × width: λ
    private let predictionError: LaneBuffer  // T × width, 0 when masked
    private let adjointFactor: LaneBuffer    // K = 2: σ(−x) (T × width); K > 2: p_k (K × T × width); 0 when masked
    private let scratch: LaneBuffer          // 3 × width

    public init(batch: TrialBatch, rewardColumn: String = "outcome") {
        let s = batch.subjectCount, t = batch.trialCount, k = batch.optionCount
        precondition(k >= 2, "a choice needs at least 2 options")
        precondition(k < 8, "the slot code holds up to 7 options")
        subjectCount = s
        trialCount = t
        optionCount = k
        width = (s + 3) / 4
        let w = width
        code = LaneBuffer(count: t * w)
        reward = LaneBuffer(count: t * w)
        let r = batch.column(rewardColumn)
        let codes = UnsafeMutableRawPointer(code.pointer).assumingMemoryBound(to: Double.self)
        let rewards = UnsafeMutableRawPointer(reward.pointer).assumingMemoryBound(to: Double.self)
        for ti in 0..<t {
            for j in 0..<(w * 4) {
                let slot = ti * w * 4 + j
                guard j < s else { codes[slot] = -1; continue }  // padding: masked, reset (keep = 0)
                let i = ti * s + j
                let answered = batch.choice[i] >= 0
                codes[slot] = Double(batch.choice[i]) + (batch.blockStart[i] ? 0 : 8) + (answered ? 16 : 0)
                rewards[slot] = answered ? r[i] : 0
            }
        }
        learningRate = LaneBuffer(count: w)
        inverseTemperature = LaneBuffer(count: w)
        gradientA = LaneBuffer(count: w)
        gradientTau = LaneBuffer(count: w)
        logLikelihood = LaneBuffer(count: w)
        values = LaneBuffer(count: k * w)
        adjoints = LaneBuffer(count: k * w)
        predictionError = LaneBuffer(count: t * w)
        adjointFactor = LaneBuffer(count: (k == 2 ? 1 : k) * t * w)
        scratch = LaneBuffer(count: 3 * w)
    }

    /// Decodes a slot code: (chosen option, 1 if answered else 0, 0 at a block start else 1).
    /// The chosen option is −1 on a masked slot.
    @inline(__always)
    private static func decode(_ c: Lanes) -> (choice: Lanes, answered: Lanes, keep: Lanes) {
        let answeredMask = c .>= 15
        let afterAnswered = c.replacing(with: c - 16, where: answeredMask)
        let keepMask = afterAnswered .>= 7
        let choice = afterAnswered.replacing(with: afterAnswered - 8, where: keepMask)
        let zero = Lanes(repeating: 0)
        return (choice, zero.replacing(with: 1, where: answeredMask), zero.replacing(with: 1, where: keepMask))
    }

    /// Total log-likelihood; writes each subject's log-likelihood into `subjectLogLikelihood`
    /// (S values) and, when `gradientA`/`gradientTau` are given, ∂L/∂A_s and ∂L/∂τ_s.
    /// NaN or infinite parameters give a non-finite result (the sampler treats it as a divergence).
    @discardableResult
    public func evaluate(
        learningRate a: UnsafePointer<Double>, inverseTemperature tau: UnsafePointer<Double>,
        subjectLogLikelihood ll: UnsafeMutablePointer<Double>,
        gradientA ga: UnsafeMutablePointer<Double>? = nil, gradientTau gt: UnsafeMutablePointer<Double>? = nil
    ) -> Double {
        let s = subjectCount
        learningRate.fill(from: a, count: s)
        inverseTemperature.fill(from: tau, count: s)
        let wantsGradient = ga != nil && gt != nil
        if optionCount == 2 {
            forwardBinary()
            if wantsGradient { backwardBinary() }
        } else {
            forwardSoftmax()
            if wantsGradient { backwardSoftmax() }
        }
        logLikelihood.copy(to: ll, count: s)
        if let ga, let gt {
            gradientA.copy(to: ga, count: s)
            gradientTau.copy(to: gt, count: s)
        }
        var total = 0.0
        for j in 0..<s { total += ll[j] }
        return total
    }

    // MARK: K = 2

    private func forwardBinary() {
        let w = width
        let a = learningRate.pointer, tau = inverseTemperature.pointer
        let ll = logLikelihood.pointer, gt = gradientTau.pointer
        let q0 = values.pointer, q1 = values.pointer + w
        let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        for j in 0..<w { q0[j] = zero; q1[j] = zero; ll[j] = zero; gt[j] = zero }
        for t in 0..<trialCount {
            let o = t * w
            let codes = code.pointer + o, r = reward.pointer + o
            let pe = predictionError.pointer + o, g = adjointFactor.pointer + o
            for j in 0..<w {
                let (option, answered, keep) = DeltaRuleScan.decode(codes[j])
                let c = option.replacing(with: zero, where: option .< zero)  // 0 or 1; masked: "option 1, no update"
                let v0 = q0[j] * keep, v1 = q1[j] * keep
                let diff = v1 - v0
                let chosen = v0.addingProduct(c, diff)
                let centred = (2 * c - 1) * diff                       // Q_c − Q_o
                let x = tau[j] * centred
                let negativeAbs = x.replacing(with: -x, where: x .> 0)  // −|x|
                let e = expNonPositive(negativeAbs)
                let logLik = x.replacing(with: zero, where: x .> 0) - log1pUnit(e)  // log σ(x)
                let inv = one / (one + e)
                let sigmaNeg = inv.replacing(with: e * inv, where: x .>= 0)       // σ(−x) = ∂ℓ/∂x
                let err = r[j] - chosen
                let step = answered * a[j] * err
                q0[j] = v0 + (one - c) * step
                q1[j] = v1 + c * step
                let factor = answered * sigmaNeg
                ll[j] = ll[j].addingProduct(answered, logLik)
                gt[j] = gt[j].addingProduct(centred, factor)
                pe[j] = answered * err
                g[j] = factor
            }
        }
    }

    private func backwardBinary() {
        let w = width
        let a = learningRate.pointer, tau = inverseTemperature.pointer, ga = gradientA.pointer
        let l0 = adjoints.pointer, l1 = adjoints.pointer + w
        let zero = Lanes(repeating: 0)
        for j in 0..<w { l0[j] = zero; l1[j] = zero; ga[j] = zero }
        var t = trialCount - 1
        while t >= 0 {
            let o = t * w
            let codes = code.pointer + o, pe = predictionError.pointer + o, g = adjointFactor.pointer + o
            for j in 0..<w {
                let (option, answered, keep) = DeltaRuleScan.decode(codes[j])
                let c = option.replacing(with: zero, where: option .< zero)
                let lambda0 = l0[j], lambda1 = l1[j]
                let lambdaChosen = lambda0.addingProduct(c, lambda1 - lambda0)
                let lambdaOther = lambda1 + lambda0 - lambdaChosen
                ga[j] = ga[j].addingProduct(lambdaChosen, pe[j])
                let tg = tau[j] * g[j]
                let newChosen = lambdaChosen.addingProduct(lambdaChosen, -(answered * a[j])) + tg
                let newOther = lambdaOther - tg
                l0[j] = newChosen.addingProduct(c, newOther - newChosen) * keep
                l1[j] = newOther.addingProduct(c, newChosen - newOther) * keep
            }
            t -= 1
        }
    }

    // MARK: K > 2

    private func forwardSoftmax() {
        let w = width, K = optionCount, TW = trialCount * w
        let a = learningRate.pointer, tau = inverseTemperature.pointer
        let ll = logLikelihood.pointer, gt = gradientTau.pointer
        let q = values.pointer
        let m = scratch.pointer, sum = scratch.pointer + w, chosen = scratch.pointer + 2 * w
        let zero = Lanes(repeating: 0)
        for i in 0..<(K * w) { q[i] = zero }
        for j in 0..<w { ll[j] = zero; gt[j] = zero }
        for t in 0..<trialCount {
            let o = t * w
            let codes = code.pointer + o, r = reward.pointer + o, pe = predictionError.pointer + o
            // Reset at block starts; the largest utility; the chosen value.
            for j in 0..<w { m[j] = Lanes(repeating: -.infinity); chosen[j] = zero }
            for k in 0..<K {
                let qk = q + k * w
                for j in 0..<w {
                    let (c, _, keep) = DeltaRuleScan.decode(codes[j])
                    let value = qk[j] * keep
                    qk[j] = value
                    let u = tau[j] * value
                    m[j] = m[j].replacing(with: u, where: u .> m[j])
                    chosen[j] += zero.replacing(with: value, where: c .== Double(k))
                }
            }
            // Σ_k exp(τ·Q_k − m); p_k; ∂ℓ/∂τ = Q_c − Σ_k p_k·Q_k.
            for j in 0..<w { sum[j] = zero }
            for k in 0..<K {
                let qk = q + k * w, pk = adjointFactor.pointer + k * TW + o
                for j in 0..<w {
                    let weight = expNonPositive(tau[j] * qk[j] - m[j])
                    pk[j] = weight
                    sum[j] += weight
                }
            }
            for k in 0..<K {
                let qk = q + k * w, pk = adjointFactor.pointer + k * TW + o
                for j in 0..<w {
                    let answered = DeltaRuleScan.decode(codes[j]).answered
                    let p = pk[j] / sum[j]
                    pk[j] = answered * p
                    gt[j] -= answered * p * qk[j]
                }
            }
            for j in 0..<w {
                let (_, answered, _) = DeltaRuleScan.decode(codes[j])
                let logLik = tau[j] * chosen[j] - m[j] - logPositive(sum[j])
                ll[j] = ll[j].addingProduct(answered, logLik)
                gt[j] = gt[j].addingProduct(answered, chosen[j])
                let err = r[j] - chosen[j]
                pe[j] = answered * err
                sum[j] = answered * a[j] * err  // reused as the update step
            }
            for k in 0..<K {
                let qk = q + k * w
                for j in 0..<w {
                    let c = DeltaRuleScan.decode(codes[j]).choice
                    qk[j] += zero.replacing(with: sum[j], where: c .== Double(k))
                }
            }
        }
    }

    private func backwardSoftmax() {
        let w = width, K = optionCount, TW = trialCount * w
        let a = learningRate.pointer, tau = inverseTemperature.pointer, ga = gradientA.pointer
        let lambda = adjoints.pointer, lambdaChosen = scratch.pointer
        let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        for i in 0..<(K * w) { lambda[i] = zero }
        for j in 0..<w { ga[j] = zero }
        var t = trialCount - 1
        while t >= 0 {
            let o = t * w
            let codes = code.pointer + o, pe = predictionError.pointer + o
            for j in 0..<w { lambdaChosen[j] = zero }
            for k in 0..<K {
                let lk = lambda + k * w
                for j in 0..<w {
                    let c = DeltaRuleScan.decode(codes[j]).choice
                    lambdaChosen[j] += zero.replacing(with: lk[j], where: c .== Double(k))
                }
            }
            for j in 0..<w { ga[j] = ga[j].addingProduct(lambdaChosen[j], pe[j]) }
            for k in 0..<K {
                let lk = lambda + k * w, pk = adjointFactor.pointer + k * TW + o
                for j in 0..<w {
                    let (c, _, keep) = DeltaRuleScan.decode(codes[j])
                    let isChosen = c .== Double(k)
                    let through = lk[j].replacing(with: lk[j] * (one - a[j]) + tau[j], where: isChosen)
                    lk[j] = (through - tau[j] * pk[j]) * keep
                }
            }
            t -= 1
        }
    }
}

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
/// **Forward scan.** Walks t = 0..<T once; each step is a few whole-vector loops over the S
/// subjects (contiguous, no allocation, no branches: the compiler vectorizes them). It stores
/// what the backward pass needs: the softmax probabilities' adjoint factors, the prediction
/// errors and the centred chosen values.
///
/// **Backward (adjoint) scan.** With λ = ∂L/∂Q after step t, walking t = T−1...0:
///
///     ∂L/∂A   += λ_c · (r_t − Q_c)                           (prediction error, pre-update)
///     λ_c     ← (1 − A)·λ_c                                   (through the update)
///     λ_k     += τ·(1[k = c] − p_k)                           (through ℓ_t)
///     ∂L/∂τ   += Q_c − Σ_k p_k·Q_k
///     λ       ← 0 at a block start (Q was reset there)
///
/// For K = 2 the softmax is a logistic in x = τ·(Q_c − Q_o): ℓ = −softplus(−x) and
/// ∂ℓ/∂x = σ(−x), one exponential and one log1p per subject-trial; K > 2 uses a max-shifted
/// log-sum-exp. Both paths are tested against a plain one-subject-at-a-time reference.
///
/// Not thread-safe: the workspace is reused across calls. Use one instance per chain.
public final class DeltaRuleScan {
    public let subjectCount: Int
    public let trialCount: Int
    public let optionCount: Int

    // Inputs, time-major T·S.
    private let choice: [Int32]
    private let chosenIsSecond: [Double]  // K = 2: 1 when option 2 was chosen, else 0
    private let valid: [Double]           // 1 for a trial with a response, 0 for masked
    private let keep: [Double]            // 0 at a block start (values reset), else 1
    private let reward: [Double]

    // Workspace.
    private var q: [Double]         // K·S current values, option-major
    private var lambda: [Double]    // K·S adjoints
    private var predictionError: [Double]  // T·S, masked to 0
    private var adjointFactor: [Double]    // K = 2: σ(−x), masked; K > 2: p_k, K·T·S, masked
    private var centredValue: [Double]     // T·S: ∂ℓ/∂τ factor (K = 2: Q_c − Q_o; K > 2: Q_c − Σ p_k Q_k, masked)
    private var scratchMax: [Double]       // S
    private var scratchSum: [Double]       // S
    private var scratchChosen: [Double]    // S

    public init(batch: TrialBatch, rewardColumn: String = "outcome") {
        let s = batch.subjectCount, t = batch.trialCount, k = batch.optionCount
        precondition(k >= 2, "a choice needs at least 2 options")
        subjectCount = s
        trialCount = t
        optionCount = k
        choice = batch.choice
        chosenIsSecond = batch.choice.map { $0 == 1 ? 1 : 0 }
        valid = batch.choice.map { $0 >= 0 ? 1 : 0 }
        keep = batch.blockStart.map { $0 ? 0 : 1 }
        reward = batch.column(rewardColumn)
        q = [Double](repeating: 0, count: k * s)
        lambda = [Double](repeating: 0, count: k * s)
        predictionError = [Double](repeating: 0, count: t * s)
        adjointFactor = [Double](repeating: 0, count: (k == 2 ? 1 : k) * t * s)
        centredValue = [Double](repeating: 0, count: t * s)
        scratchMax = [Double](repeating: 0, count: s)
        scratchSum = [Double](repeating: 0, count: s)
        scratchChosen = [Double](repeating: 0, count: s)
    }

    /// Total log-likelihood; writes each subject's log-likelihood into `subjectLogLikelihood`
    /// (S values) and, when `gradientA`/`gradientTau` are given, ∂L/∂A_s and ∂L/∂τ_s.
    /// NaN or infinite parameters give a non-finite result (the sampler treats it as a divergence).
    @discardableResult
    public func evaluate(
        learningRate a: UnsafePointer<Double>, inverseTemperature tau: UnsafePointer<Double>,
        subjectLogLikelihood ll: UnsafeMutablePointer<Double>,
        gradientA: UnsafeMutablePointer<Double>? = nil, gradientTau: UnsafeMutablePointer<Double>? = nil
    ) -> Double {
        let s = subjectCount
        for j in 0..<s { ll[j] = 0 }
        if optionCount == 2 {
            forwardBinary(a, tau, ll)
            if let ga = gradientA, let gt = gradientTau { backwardBinary(a, tau, ga, gt) }
        } else {
            forwardSoftmax(a, tau, ll)
            if let ga = gradientA, let gt = gradientTau { backwardSoftmax(a, tau, ga, gt) }
        }
        var total = 0.0
        for j in 0..<s { total += ll[j] }
        return total
    }

    // MARK: K = 2

    private func forwardBinary(_ a: UnsafePointer<Double>, _ tau: UnsafePointer<Double>, _ ll: UnsafeMutablePointer<Double>) {
        let S = subjectCount
        chosenIsSecond.withUnsafeBufferPointer { cP in
        valid.withUnsafeBufferPointer { vP in
        keep.withUnsafeBufferPointer { kP in
        reward.withUnsafeBufferPointer { rP in
        q.withUnsafeMutableBufferPointer { qP in
        predictionError.withUnsafeMutableBufferPointer { peP in
        adjointFactor.withUnsafeMutableBufferPointer { gP in
        centredValue.withUnsafeMutableBufferPointer { dP in
            let q0 = qP.baseAddress!, q1 = q0 + S
            for j in 0..<S { q0[j] = 0; q1[j] = 0 }
            for t in 0..<trialCount {
                let o = t * S
                let c = cP.baseAddress! + o, v = vP.baseAddress! + o, kp = kP.baseAddress! + o, r = rP.baseAddress! + o
                let pe = peP.baseAddress! + o, g = gP.baseAddress! + o, dq = dP.baseAddress! + o
                for j in 0..<S {
                    let v0 = q0[j] * kp[j], v1 = q1[j] * kp[j]
                    let cj = c[j], vj = v[j]
                    let diff = v1 - v0
                    let chosen = v0 + cj * diff
                    let centred = (2 * cj - 1) * diff          // Q_c − Q_o
                    let x = tau[j] * centred
                    let e = expNonPositive(-abs(x))
                    let logLik = min(x, 0) - log1pUnit(e)      // log σ(x)
                    let inv = 1 / (1 + e)
                    let sigmaNeg = x >= 0 ? e * inv : inv       // σ(−x) = ∂ℓ/∂x
                    let err = r[j] - chosen
                    let step = vj * a[j] * err
                    q0[j] = v0 + (1 - cj) * step
                    q1[j] = v1 + cj * step
                    ll[j] += vj * logLik
                    pe[j] = vj * err
                    g[j] = vj * sigmaNeg
                    dq[j] = centred
                }
            }
        }}}}}}}}
    }

    private func backwardBinary(
        _ a: UnsafePointer<Double>, _ tau: UnsafePointer<Double>,
        _ ga: UnsafeMutablePointer<Double>, _ gt: UnsafeMutablePointer<Double>
    ) {
        let S = subjectCount
        for j in 0..<S { ga[j] = 0; gt[j] = 0 }
        chosenIsSecond.withUnsafeBufferPointer { cP in
        valid.withUnsafeBufferPointer { vP in
        keep.withUnsafeBufferPointer { kP in
        lambda.withUnsafeMutableBufferPointer { lP in
        predictionError.withUnsafeBufferPointer { peP in
        adjointFactor.withUnsafeBufferPointer { gP in
        centredValue.withUnsafeBufferPointer { dP in
            let l0 = lP.baseAddress!, l1 = l0 + S
            for j in 0..<S { l0[j] = 0; l1[j] = 0 }
            var t = trialCount - 1
            while t >= 0 {
                let o = t * S
                let c = cP.baseAddress! + o, v = vP.baseAddress! + o, kp = kP.baseAddress! + o
                let pe = peP.baseAddress! + o, g = gP.baseAddress! + o, dq = dP.baseAddress! + o
                for j in 0..<S {
                    let cj = c[j]
                    let lambdaChosen = l0[j] + cj * (l1[j] - l0[j])
                    let lambdaOther = l1[j] + l0[j] - lambdaChosen
                    ga[j] += lambdaChosen * pe[j]
                    let tg = tau[j] * g[j]
                    let newChosen = lambdaChosen * (1 - v[j] * a[j]) + tg
                    let newOther = lambdaOther - tg
                    gt[j] += dq[j] * g[j]
                    l0[j] = (newChosen + cj * (newOther - newChosen)) * kp[j]
                    l1[j] = (newOther + cj * (newChosen - newOther)) * kp[j]
                }
                t -= 1
            }
        }}}}}}}
    }

    // MARK: K > 2

    private func forwardSoftmax(_ a: UnsafePointer<Double>, _ tau: UnsafePointer<Double>, _ ll: UnsafeMutablePointer<Double>) {
        let S = subjectCount, K = optionCount, TS = trialCount * S
        choice.withUnsafeBufferPointer { chP in
        valid.withUnsafeBufferPointer { vP in
        keep.withUnsafeBufferPointer { kP in
        reward.withUnsafeBufferPointer { rP in
        q.withUnsafeMutableBufferPointer { qP in
        predictionError.withUnsafeMutableBufferPointer { peP in
        adjointFactor.withUnsafeMutableBufferPointer { pP in
        centredValue.withUnsafeMutableBufferPointer { dP in
        scratchMax.withUnsafeMutableBufferPointer { mP in
        scratchSum.withUnsafeMutableBufferPointer { sumP in
        scratchChosen.withUnsafeMutableBufferPointer { chosenP in
            let qb = qP.baseAddress!, m = mP.baseAddress!, sum = sumP.baseAddress!, chosen = chosenP.baseAddress!
            for i in 0..<(K * S) { qb[i] = 0 }
            for t in 0..<trialCount {
                let o = t * S
                let ch = chP.baseAddress! + o, v = vP.baseAddress! + o, kp = kP.baseAddress! + o, r = rP.baseAddress! + o
                let pe = peP.baseAddress! + o, dq = dP.baseAddress! + o
                // Reset at block starts; the largest utility; the chosen value.
                for j in 0..<S { m[j] = -Double.infinity; chosen[j] = 0 }
                for k in 0..<K {
                    let qk = qb + k * S
                    let kk = Int32(k)
                    for j in 0..<S {
                        let value = qk[j] * kp[j]
                        qk[j] = value
                        m[j] = max(m[j], tau[j] * value)
                        chosen[j] += ch[j] == kk ? value : 0
                    }
                }
                // Σ_k exp(τ·Q_k − m), then p_k and Σ_k p_k·Q_k.
                for j in 0..<S { sum[j] = 0 }
                for k in 0..<K {
                    let qk = qb + k * S, pk = pP.baseAddress! + k * TS + o
                    for j in 0..<S {
                        let w = expNonPositive(tau[j] * qk[j] - m[j])
                        pk[j] = w
                        sum[j] += w
                    }
                }
                for j in 0..<S { dq[j] = chosen[j] }
                for k in 0..<K {
                    let qk = qb + k * S, pk = pP.baseAddress! + k * TS + o
                    for j in 0..<S {
                        let p = pk[j] / sum[j]
                        pk[j] = v[j] * p
                        dq[j] -= p * qk[j]
                    }
                }
                for j in 0..<S {
                    let logLik = tau[j] * chosen[j] - m[j] - logPositive(sum[j])
                    ll[j] += v[j] * logLik
                    dq[j] *= v[j]
                    let err = r[j] - chosen[j]
                    pe[j] = v[j] * err
                    sum[j] = v[j] * a[j] * err   // reuse as the update step
                }
                for k in 0..<K {
                    let qk = qb + k * S
                    let kk = Int32(k)
                    for j in 0..<S { qk[j] += ch[j] == kk ? sum[j] : 0 }
                }
            }
        }}}}}}}}}}}
    }

    private func backwardSoftmax(
        _ a: UnsafePointer<Double>, _ tau: UnsafePointer<Double>,
        _ ga: UnsafeMutablePointer<Double>, _ gt: UnsafeMutablePointer<Double>
    ) {
        let S = subjectCount, K = optionCount, TS = trialCount * S
        for j in 0..<S { ga[j] = 0; gt[j] = 0 }
        choice.withUnsafeBufferPointer { chP in
        keep.withUnsafeBufferPointer { kP in
        lambda.withUnsafeMutableBufferPointer { lP in
        predictionError.withUnsafeBufferPointer { peP in
        adjointFactor.withUnsafeBufferPointer { pP in
        centredValue.withUnsafeBufferPointer { dP in
        scratchChosen.withUnsafeMutableBufferPointer { lcP in
            let lb = lP.baseAddress!, lambdaChosen = lcP.baseAddress!
            for i in 0..<(K * S) { lb[i] = 0 }
            var t = trialCount - 1
            while t >= 0 {
                let o = t * S
                let ch = chP.baseAddress! + o, kp = kP.baseAddress! + o
                let pe = peP.baseAddress! + o, dq = dP.baseAddress! + o
                for j in 0..<S { lambdaChosen[j] = 0 }
                for k in 0..<K {
                    let lk = lb + k * S
                    let kk = Int32(k)
                    for j in 0..<S { lambdaChosen[j] += ch[j] == kk ? lk[j] : 0 }
                }
                for j in 0..<S {
                    ga[j] += lambdaChosen[j] * pe[j]
                    gt[j] += dq[j]
                }
                for k in 0..<K {
                    let lk = lb + k * S, pk = pP.baseAddress! + k * TS + o
                    let kk = Int32(k)
                    for j in 0..<S {
                        let isChosen = ch[j] == kk
                        let through = isChosen ? lk[j] * (1 - a[j]) + tau[j] : lk[j]
                        lk[j] = (through - tau[j] * pk[j]) * kp[j]
                    }
                }
                t -= 1
            }
        }}}}}}}
    }
}

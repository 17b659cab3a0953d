import ModelLanguage
import RLModels
/// The one scan over time that turns a `LearningRule` into the log-likelihood of every
/// subject's choices, each subject's log-likelihood, and the exact gradient with respect to
/// every subject parameter θ (DESIGN.md §3).
///
/// **Forward.** Walks t = 0..<T once; each step is a few whole-vector loops over the subjects,
/// four at a time (`Lanes`; subjects padded to a multiple of 4), with no allocation. The
/// choice rule's parameters (τ, κ, α) need no adjoint: ∂ℓ/∂τ = Σ_k (∂ℓ/∂u_k)·Q_k and the like
/// are summed here. The pass stores the tape the backward pass needs: prediction errors, the
/// softmax adjoint factors, and (for forgetting or fictitious updates) pre-update values.
///
/// **Backward (adjoint).** With λ = ∂L/∂Q after step t, walking t = T−1...0:
///
///     ∂L/∂A  += λ_c·(r − Q_c)                λ_c ← (1 − A)·λ_c            (chosen update)
///     ∂L/∂F  −= λ_k·Q_k                      λ_k ← (1 − F)·λ_k, k ≠ c     (forgetting)
///     ∂L/∂A  += λ_o·(−r − Q_o)               λ_o ← (1 − A)·λ_o            (fictitious)
///     λ_k    += τ·∂ℓ/∂u_k                                                 (through the choice)
///     λ      ← 0 at a block start (Q was reset there)
///
/// **Choice probabilities.** For K = 2 the softmax is a logistic in x = u_c − u_o:
/// ℓ = min(x, 0) − log1p(e^−|x|), ∂ℓ/∂x = σ(−x): one exponential and one log1p per
/// subject-trial (`expNonPositive`, `log1pUnit`). K > 2 uses a max-shifted log-sum-exp.
///
/// Tested against plain one-subject-at-a-time references with forward-mode derivatives, for
/// every rule. Not thread-safe: the workspace is reused. Use one instance per chain.
public final class RuleScan: SubjectLikelihood {
    public let rule: LearningRule
    public let subjectCount: Int
    public let trialCount: Int
    public let optionCount: Int
    public let parameterCount: Int
    /// Vectors of 4 subjects per time step.
    private let width: Int

    // Inputs, time-major, T × width vectors.
    /// Per slot: chosen option (0-based; −1 masked) + 8·[not a block start] + 16·[answered].
    private let code: LaneBuffer
    private let reward: LaneBuffer

    // Parameters (P × width) and their gradients.
    private let theta: LaneBuffer
    private let gradient: LaneBuffer
    private let logLikelihood: LaneBuffer

    // Workspace.
    private let values: LaneBuffer // K × width: Q
    private let adjoints: LaneBuffer // K × width: λ
    private let previous: LaneBuffer // width: previous choice in the block, −1 if none
    private let predictionError: LaneBuffer // T × width, 0 when masked
    private let choiceFactor: LaneBuffer // K = 2: ∂ℓ/∂u₂ (T × width); K > 2: p_k (K × T × width); 0 when masked
    // forgetting: Q before the update (K × T × width); fictitious: −r − Q_o (T × width)
    private let preUpdate: LaneBuffer

    public init(rule: LearningRule, parameterCount: Int, batch: TrialBatch, reward r: [Double]) {
        let s = batch.laneCount, t = batch.trialCount, k = batch.optionCount
        precondition(k >= 2 && k < 8, "the scan handles 2 to 7 options")
        precondition(!rule.requiresTwoOptions || k == 2, "this learning rule is defined for two options")
        precondition(r.count == s * t)
        self.rule = rule
        subjectCount = s
        trialCount = t
        optionCount = k
        self.parameterCount = parameterCount
        width = (s + 3) / 4
        let w = width
        code = LaneBuffer(count: t * w)
        reward = LaneBuffer(count: t * w)
        let codes = UnsafeMutableRawPointer(code.pointer).assumingMemoryBound(to: Double.self)
        let rewards = UnsafeMutableRawPointer(reward.pointer).assumingMemoryBound(to: Double.self)
        for ti in 0..<t {
            for j in 0..<(w * 4) {
                let slot = ti * w * 4 + j
                guard j < s else { codes[slot] = -1; continue } // padding: masked, reset
                let i = ti * s + j
                let answered = batch.choice[i] >= 0
                codes[slot] = Double(batch.choice[i]) + (batch.blockStart[i] ? 0 : 8) + (answered ? 16 : 0)
                rewards[slot] = answered ? r[i] : 0
            }
        }
        theta = LaneBuffer(count: parameterCount * w)
        gradient = LaneBuffer(count: parameterCount * w)
        logLikelihood = LaneBuffer(count: w)
        values = LaneBuffer(count: k * w)
        adjoints = LaneBuffer(count: k * w)
        previous = LaneBuffer(count: w)
        predictionError = LaneBuffer(count: t * w)
        choiceFactor = LaneBuffer(count: (k == 2 ? 1 : k) * t * w)
        switch rule.unchosen {
        case .unchanged: preUpdate = LaneBuffer(count: 0)
        case .forget: preUpdate = LaneBuffer(count: k * t * w)
        case .fictitious: preUpdate = LaneBuffer(count: t * w)
        }
    }

    /// Decodes a slot code: (chosen option or −1, 1 if answered else 0, 0 at a block start else 1).
    @inline(__always)
    static func decode(_ c: Lanes) -> (option: Lanes, answered: Lanes, keep: Lanes) {
        let answeredMask = c .>= 15
        let afterAnswered = c.replacing(with: c - 16, where: answeredMask)
        let keepMask = afterAnswered .>= 7
        let option = afterAnswered.replacing(with: afterAnswered - 8, where: keepMask)
        let zero = Lanes(repeating: 0)
        return (option, zero.replacing(with: 1, where: answeredMask), zero.replacing(with: 1, where: keepMask))
    }

    public func evaluate(
        theta values: UnsafePointer<Double>, subjectLogLikelihood ll: UnsafeMutablePointer<Double>,
        gradient out: UnsafeMutablePointer<Double>?
    ) -> Double {
        let s = subjectCount, w = width
        for p in 0..<parameterCount {
            LaneBuffer.fill(theta.pointer + p * w, vectors: w, from: values + p * s, count: s)
        }
        forward()
        if let out {
            backward()
            for p in 0..<parameterCount { LaneBuffer.copy(gradient.pointer + p * w, to: out + p * s, count: s) }
        }
        LaneBuffer.copy(logLikelihood.pointer, to: ll, count: s)
        var total = 0.0
        for j in 0..<s { total += ll[j] }
        return total
    }

    // MARK: Specialization

    /// The rule's variants as small integers, and the parameter indices they use.
    private var biasCode: Int {
        switch rule.bias {
        case .none: return 0;
        case .stickiness: return 1;
        case .indecision: return 2
        }
    }
    private var rateCode: Int {
        switch rule.rate {
        case .single: return 0;
        case .byPredictionErrorSign: return 1;
        case .byOutcomeSign: return 2
        }
    }
    private var unchosenCode: Int {
        switch rule.unchosen {
        case .unchanged: return 0;
        case .forget: return 1;
        case .fictitious: return 2
        }
    }
    /// (rate index, second rate index, forgetting index, bias index); unused entries 0.
    private var indices: (rate: Int, rate2: Int, forget: Int, bias: Int) {
        var r = (rate: 0, rate2: 0, forget: 0, bias: 0)
        switch rule.rate {
        case .single(let a): r.rate = a; r.rate2 = a
        case .byPredictionErrorSign(let p, let n): r.rate = p; r.rate2 = n
        case .byOutcomeSign(let p, let o): r.rate = p; r.rate2 = o
        }
        if case .forget(let f) = rule.unchosen { r.forget = f }
        switch rule.bias {
        case .none: break
        case .stickiness(let k): r.bias = k
        case .indecision(let a): r.bias = a
        }
        return r
    }

    /// Runs `body` with the rule's variants as compile-time types, so each combination gets its
    /// own loop with no branches on the rule inside (the hot loop stays straight-line code).
    private func specialized(_ body: (any ScanVariants.Type) -> Void) {
        func bias<B: RuleVariant, Bin: RuleVariant>(_: B.Type, _: Bin.Type) {
            func rate<R: RuleVariant>(_: R.Type) {
                switch unchosenCode {
                case 0: body(Variants<Bin, B, R, Variant0>.self)
                case 1: body(Variants<Bin, B, R, Variant1>.self)
                default: body(Variants<Bin, B, R, Variant2>.self)
                }
            }
            switch rateCode {
            case 0: rate(Variant0.self)
            case 1: rate(Variant1.self)
            default: rate(Variant2.self)
            }
        }
        func binary<Bin: RuleVariant>(_: Bin.Type) {
            switch biasCode {
            case 0: bias(Variant0.self, Bin.self)
            case 1: bias(Variant1.self, Bin.self)
            default: bias(Variant2.self, Bin.self)
            }
        }
        if optionCount == 2 { binary(Variant1.self) } else { binary(Variant0.self) }
    }

    private func forward() {
        specialized { variants in forward(variants) }
    }

    private func backward() {
        specialized { variants in backward(variants) }
    }

    private func forward(_ v: any ScanVariants.Type) {
        func run<V: ScanVariants>(_: V.Type) { forwardLoop(V.self) }
        run(v)
    }

    private func backward(_ v: any ScanVariants.Type) {
        func run<V: ScanVariants>(_: V.Type) { backwardLoop(V.self) }
        run(v)
    }

    // MARK: Forward

    private func forwardLoop<V: ScanVariants>(_: V.Type) {
        let w = width, K = V.binary ? 2 : optionCount, TW = trialCount * w
        let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        let q = values.pointer, prev = previous.pointer
        let ll = logLikelihood.pointer, grad = gradient.pointer
        let th = theta.pointer, factor = choiceFactor.pointer, tape = preUpdate.pointer
        let codeBase = code.pointer, rewardBase = reward.pointer, peBase = predictionError.pointer
        let (rateIndex, rate2Index, forgetIndex, biasIndex) = indices
        let tau = th + rule.inverseTemperature * w
        let gTau = grad + rule.inverseTemperature * w
        for i in 0..<(K * w) { q[i] = zero }
        for i in 0..<(parameterCount * w) { grad[i] = zero }
        for j in 0..<w { ll[j] = zero; prev[j] = Lanes(repeating: -1) }

        for t in 0..<trialCount {
            let o = t * w
            let codes = codeBase + o, r = rewardBase + o, pe = peBase + o
            for j in 0..<w {
                let (option, answered, keep) = RuleScan.decode(codes[j])
                let tauJ = tau[j]
                let previousChoice = V.bias == 1 ? prev[j].replacing(with: -1, where: keep .== zero) : zero
                if V.binary {
                    // One trial, two options: the values stay in registers, read and written once.
                    let q0 = q[j] * keep, q1 = q[w + j] * keep
                    // 0 or 1; a masked slot acts as option 1, no update
                    let c = option.replacing(with: zero, where: option .< zero)
                    let d = q1 - q0
                    var biasDifference = zero // b₂ − b₁
                    var stickDifference = zero
                    if V.bias == 1 {
                        stickDifference =
                            zero.replacing(with: 1, where: previousChoice .== 1)
                            - zero.replacing(with: 1, where: previousChoice .== 0)
                        biasDifference = th[biasIndex * w + j] * stickDifference
                    } else if V.bias == 2 {
                        biasDifference = tauJ * th[biasIndex * w + j]
                    }
                    let sign = 2 * c - 1 // +1 when option 2 was chosen
                    let x = sign * (tauJ * d + biasDifference) // u_c − u_o
                    let e = expNonPositive(x.replacing(with: -x, where: x .> 0))
                    let logLik = x.replacing(with: zero, where: x .> 0) - log1pUnit(e)
                    let inv = one / (one + e)
                    let sigmaNeg = inv.replacing(with: e * inv, where: x .>= 0) // ∂ℓ/∂x = σ(−x)
                    let dU2 = answered * sign * sigmaNeg // ∂ℓ/∂u₂ = −∂ℓ/∂u₁
                    ll[j] = ll[j].addingProduct(answered, logLik)
                    factor[o + j] = dU2
                    if V.bias == 2 {
                        let alphaJ = th[biasIndex * w + j]
                        gTau[j] = gTau[j].addingProduct(dU2, d + alphaJ)
                        grad[biasIndex * w + j] = grad[biasIndex * w + j].addingProduct(dU2, tauJ)
                    } else {
                        gTau[j] = gTau[j].addingProduct(dU2, d)
                        if V.bias == 1 {
                            grad[biasIndex * w + j] = grad[biasIndex * w + j].addingProduct(dU2, stickDifference)
                        }
                    }
                    // Learning.
                    let chosenQ = q0.addingProduct(c, d)
                    let err = r[j] - chosenQ
                    let a =
                        V.rate == 0
                        ? th[rateIndex * w + j]
                        : th[rate2Index * w + j].replacing(
                            with: th[rateIndex * w + j], where: V.rate == 1 ? err .>= 0 : r[j] .> 0)
                    let step = answered * a * err
                    pe[j] = answered * err
                    var new0 = q0.addingProduct(one - c, step), new1 = q1.addingProduct(c, step)
                    if V.unchosen == 1 {
                        let decay = answered * th[forgetIndex * w + j]
                        tape[o + j] = answered * q0
                        tape[width * trialCount + o + j] = answered * q1
                        new0 = new0 - c * decay * q0 // option 1 unchosen when c = 1
                        new1 = new1 - (one - c) * decay * q1 // option 2 unchosen when c = 0
                    } else if V.unchosen == 2 {
                        let otherQ = q1 - c * d // the unchosen option's value
                        let otherErr = answered * (-r[j] - otherQ)
                        tape[o + j] = otherErr
                        let otherStep = a * otherErr
                        new0 = new0.addingProduct(c, otherStep)
                        new1 = new1.addingProduct(one - c, otherStep)
                    }
                    q[j] = new0
                    q[w + j] = new1
                } else {
                    forwardGeneralStep(
                        V.self, j: j, o: o, K: K, TW: TW, option: option, answered: answered, keep: keep,
                        tau: tauJ, previousChoice: previousChoice, reward: r[j], q: q, pe: pe, ll: ll,
                        grad: grad, gTau: gTau, th: th, factor: factor, tape: tape,
                        indices: (rateIndex, rate2Index, forgetIndex, biasIndex))
                }
                if V.bias == 1 {
                    prev[j] = previousChoice.replacing(with: option, where: answered .== one)
                }
            }
        }
    }

    /// One trial of four subjects, K > 2 options.
    @inline(__always)
    private func forwardGeneralStep<V: ScanVariants>(
        _: V.Type, j: Int, o: Int, K: Int, TW: Int, option: Lanes, answered: Lanes, keep: Lanes, tau tauJ: Lanes,
        previousChoice: Lanes, reward: Lanes, q: UnsafeMutablePointer<Lanes>, pe: UnsafeMutablePointer<Lanes>,
        ll: UnsafeMutablePointer<Lanes>, grad: UnsafeMutablePointer<Lanes>, gTau: UnsafeMutablePointer<Lanes>,
        th: UnsafeMutablePointer<Lanes>, factor: UnsafeMutablePointer<Lanes>, tape: UnsafeMutablePointer<Lanes>,
        indices: (Int, Int, Int, Int)
    ) {
        let w = width
        let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        let (rateIndex, rate2Index, forgetIndex, biasIndex) = indices
        for k in 0..<K { q[k * w + j] *= keep }
        // u_k = τ·Q_k + κ·[k = previous]; max-shifted log-sum-exp.
        let kappaJ = V.bias == 1 ? th[biasIndex * w + j] : zero
        var maxU = Lanes(repeating: -.infinity), chosenU = zero, chosenQ = zero
        for k in 0..<K {
            let isPrevious = zero.replacing(with: 1, where: previousChoice .== Double(k))
            let u = tauJ * q[k * w + j] + kappaJ * isPrevious
            maxU = maxU.replacing(with: u, where: u .> maxU)
            let isChosen = option .== Double(k)
            chosenU = chosenU.replacing(with: u, where: isChosen)
            chosenQ = chosenQ.replacing(with: q[k * w + j], where: isChosen)
        }
        var total = zero
        for k in 0..<K {
            let isPrevious = zero.replacing(with: 1, where: previousChoice .== Double(k))
            let weight = expNonPositive(tauJ * q[k * w + j] + kappaJ * isPrevious - maxU)
            factor[k * TW + o + j] = weight
            total += weight
        }
        var expectedQ = zero, previousProbability = zero, chosenIsPrevious = zero
        for k in 0..<K {
            let p = factor[k * TW + o + j] / total
            factor[k * TW + o + j] = answered * p
            expectedQ = expectedQ.addingProduct(p, q[k * w + j])
            if V.bias == 1 {
                let isPrevious = previousChoice .== Double(k)
                previousProbability = previousProbability.replacing(with: p, where: isPrevious)
                chosenIsPrevious = chosenIsPrevious.replacing(with: one, where: isPrevious .& (option .== Double(k)))
            }
        }
        let logLik = chosenU - maxU - logPositive(total)
        ll[j] = ll[j].addingProduct(answered, logLik)
        gTau[j] = gTau[j].addingProduct(answered, chosenQ - expectedQ)
        if V.bias == 1 {
            grad[biasIndex * w + j] = grad[biasIndex * w + j].addingProduct(
                answered, chosenIsPrevious - previousProbability)
        }
        // Learning (fictitious updates need two options and never reach here).
        let err = reward - chosenQ
        let a =
            V.rate == 0
            ? th[rateIndex * w + j]
            : th[rate2Index * w + j].replacing(
                with: th[rateIndex * w + j], where: V.rate == 1 ? err .>= 0 : reward .> 0)
        let step = answered * a * err
        pe[j] = answered * err
        if V.unchosen == 1 {
            let decay = answered * th[forgetIndex * w + j]
            for k in 0..<K {
                let value = q[k * w + j]
                tape[k * TW + o + j] = answered * value
                q[k * w + j] = (value - decay * value).replacing(with: value + step, where: option .== Double(k))
            }
        } else {
            for k in 0..<K { q[k * w + j] += zero.replacing(with: step, where: option .== Double(k)) }
        }
    }

    // MARK: Backward

    private func backwardLoop<V: ScanVariants>(_: V.Type) {
        let w = width, K = V.binary ? 2 : optionCount, TW = trialCount * w
        let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        let lambda = adjoints.pointer, grad = gradient.pointer
        let th = theta.pointer, factor = choiceFactor.pointer, tape = preUpdate.pointer
        let codeBase = code.pointer, rewardBase = reward.pointer, peBase = predictionError.pointer
        let (rateIndex, rate2Index, forgetIndex, _) = indices
        let tau = th + rule.inverseTemperature * w
        for i in 0..<(K * w) { lambda[i] = zero }
        var t = trialCount - 1
        while t >= 0 {
            let o = t * w
            let codes = codeBase + o, r = rewardBase + o, pe = peBase + o
            if V.binary {
                for j in 0..<w {
                    // Two options: the adjoints stay in registers, read and written once.
                    let (option, answered, keep) = RuleScan.decode(codes[j])
                    let c = option.replacing(with: zero, where: option .< zero)
                    let l0 = lambda[j], l1 = lambda[w + j]
                    let lambdaChosen = l0.addingProduct(c, l1 - l0)
                    let lambdaOther = l1 + l0 - lambdaChosen
                    let err = pe[j]
                    let a: Lanes
                    if V.rate == 0 {
                        a = th[rateIndex * w + j]
                        grad[rateIndex * w + j] = grad[rateIndex * w + j].addingProduct(lambdaChosen, err)
                    } else {
                        let isPositive = V.rate == 1 ? err .>= 0 : r[j] .> 0
                        a = th[rate2Index * w + j].replacing(with: th[rateIndex * w + j], where: isPositive)
                        let contribution = lambdaChosen * err
                        grad[rateIndex * w + j] += zero.replacing(with: contribution, where: isPositive)
                        grad[rate2Index * w + j] += contribution.replacing(with: zero, where: isPositive)
                    }
                    let chosenThrough = lambdaChosen - answered * a * lambdaChosen
                    var otherThrough = lambdaOther
                    if V.unchosen == 1 {
                        let decay = answered * th[forgetIndex * w + j]
                        let otherPre = tape[o + j].addingProduct(one - c, tape[TW + o + j] - tape[o + j])
                        grad[forgetIndex * w + j] -= lambdaOther * otherPre
                        otherThrough = lambdaOther - decay * lambdaOther
                    } else if V.unchosen == 2 {
                        grad[rateIndex * w + j] = grad[rateIndex * w + j].addingProduct(lambdaOther, tape[o + j])
                        otherThrough = lambdaOther - answered * a * lambdaOther
                    }
                    // Back to options 1 and 2, then through the choice: λ₂ += τ·∂ℓ/∂u₂, λ₁ −= it.
                    let tg = tau[j] * factor[o + j]
                    let new0 = chosenThrough.addingProduct(c, otherThrough - chosenThrough)
                    let new1 = otherThrough.addingProduct(c, chosenThrough - otherThrough)
                    lambda[j] = (new0 - tg) * keep
                    lambda[w + j] = (new1 + tg) * keep
                }
                t -= 1
                continue
            }
            for j in 0..<w {
                let (option, answered, keep) = RuleScan.decode(codes[j])
                var lambdaChosen = zero
                if V.binary {
                    lambdaChosen = lambda[j].replacing(with: lambda[w + j], where: option .== 1)
                } else {
                    for k in 0..<K {
                        lambdaChosen = lambdaChosen.replacing(with: lambda[k * w + j], where: option .== Double(k))
                    }
                }
                let err = pe[j]
                // The chosen update Q_c ← Q_c + A·(r − Q_c).
                let rate: Lanes
                if V.rate == 0 {
                    rate = th[rateIndex * w + j]
                    grad[rateIndex * w + j] = grad[rateIndex * w + j].addingProduct(lambdaChosen, err)
                } else {
                    let isPositive = V.rate == 1 ? err .>= 0 : r[j] .> 0
                    rate = th[rate2Index * w + j].replacing(with: th[rateIndex * w + j], where: isPositive)
                    let contribution = lambdaChosen * err
                    grad[rateIndex * w + j] += zero.replacing(with: contribution, where: isPositive)
                    grad[rate2Index * w + j] += contribution.replacing(with: zero, where: isPositive)
                }
                let chosenThrough = lambdaChosen - answered * rate * lambdaChosen
                if V.unchosen == 0 {
                    for k in 0..<K {
                        lambda[k * w + j] = lambda[k * w + j].replacing(
                            with: chosenThrough, where: option .== Double(k))
                    }
                } else if V.unchosen == 1 {
                    let decay = answered * th[forgetIndex * w + j]
                    var gF = zero
                    for k in 0..<K {
                        let l = lambda[k * w + j]
                        let isChosen = option .== Double(k)
                        gF -= (l * tape[k * TW + o + j]).replacing(with: zero, where: isChosen)
                        lambda[k * w + j] = (l - decay * l).replacing(with: chosenThrough, where: isChosen)
                    }
                    grad[forgetIndex * w + j] += gF
                } else {
                    let other = 1 - option
                    let lambdaOther = lambda[j].replacing(with: lambda[w + j], where: other .== 1)
                    grad[rateIndex * w + j] = grad[rateIndex * w + j].addingProduct(lambdaOther, tape[o + j])
                    let otherThrough = lambdaOther - answered * rate * lambdaOther
                    for k in 0..<2 {
                        lambda[k * w + j] = lambda[k * w + j]
                            .replacing(with: chosenThrough, where: option .== Double(k))
                            .replacing(with: otherThrough, where: (other .== Double(k)) .& (answered .== one))
                    }
                }
                // Through the choice: λ_k += τ·∂ℓ/∂u_k.
                if V.binary {
                    let tg = tau[j] * factor[o + j]
                    lambda[j] = (lambda[j] - tg) * keep
                    lambda[w + j] = (lambda[w + j] + tg) * keep
                } else {
                    for k in 0..<K {
                        let chosenTerm = zero.replacing(with: tau[j], where: option .== Double(k))
                        lambda[k * w + j] = (lambda[k * w + j] + chosenTerm - tau[j] * factor[k * TW + o + j]) * keep
                    }
                }
            }
            t -= 1
        }
    }
}

/// A compile-time variant number (see `RuleScan.specialized`).
protocol RuleVariant { static var code: Int { get } }
enum Variant0: RuleVariant { static var code: Int { 0 } }
enum Variant1: RuleVariant { static var code: Int { 1 } }
enum Variant2: RuleVariant { static var code: Int { 2 } }

/// One combination of a rule's variants as a type: two options or more, the bias (none,
/// stickiness, indecision), the rate (single, by prediction-error sign, by outcome sign), the
/// unchosen update (unchanged, forget, fictitious).
protocol ScanVariants {
    static var binary: Bool { get }
    static var bias: Int { get }
    static var rate: Int { get }
    static var unchosen: Int { get }
}

enum Variants<Binary: RuleVariant, Bias: RuleVariant, Rate: RuleVariant, Unchosen: RuleVariant>: ScanVariants {
    @inline(__always) static var binary: Bool { Binary.code == 1 }
    @inline(__always) static var bias: Int { Bias.code }
    @inline(__always) static var rate: Int { Rate.code }
    @inline(__always) static var unchosen: Int { Unchosen.code }
}

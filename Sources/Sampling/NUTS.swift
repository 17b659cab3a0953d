import Foundation
import Randomness

/// The statistics of one NUTS iteration: Stan's seven sampler columns.
public struct SamplerStatistics: Sendable, Equatable {
    /// lp__: log π(q) of the draw (up to the model's constant).
    public var logDensity: Double
    /// accept_stat__: the mean over every leapfrog state of the trajectory of
    /// min(1, exp(H₀ − H)), including states of a rejected final subtree.
    public var acceptStat: Double
    /// stepsize__: the step size used for this iteration.
    public var stepSize: Double
    /// treedepth__: the number of completed doublings.
    public var treeDepth: Int
    /// n_leapfrog__: leapfrog steps (= gradient evaluations) of this iteration.
    public var leapfrogSteps: Int
    /// divergent__: some state had H − H₀ > max energy error (or NaN).
    public var divergent: Bool
    /// energy__: H at the draw (with its momentum), for E-BFMI.
    public var energy: Double

    /// Stan CSV column names, in Stan's order.
    public static let columnNames = [
        "lp__", "accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__", "energy__"
    ]

    /// The values in `columnNames` order.
    public var columnValues: [Double] {
        [logDensity, acceptStat, stepSize, Double(treeDepth), Double(leapfrogSteps), divergent ? 1 : 0, energy]
    }
}

/// The multinomial No-U-Turn sampler of Stan (Hoffman & Gelman 2014; Betancourt 2017,
/// "A conceptual introduction to Hamiltonian Monte Carlo", Appendix A), following the
/// behaviour of Stan's `base_nuts`:
///
/// - The trajectory doubles in a random direction (forward when u > 0.5) until a U-turn, a
///   divergence, or `maxDepth` doublings.
/// - Each state z has weight w(z) = exp(H₀ − H(z)); log sums of weights are kept.
/// - Inside a subtree the two halves are merged by uniform multinomial sampling: the proposal
///   of the later half replaces that of the earlier one with probability
///   w_later / (w_earlier + w_later).
/// - At the top level the new subtree's proposal replaces the current sample with probability
///   min(1, w_subtree / w_old) (biased progressive sampling, which favours later states).
/// - Generalized U-turn criterion: a (sub)trajectory with summed momentum ρ and velocities
///   p♯₋, p♯₊ = M⁻¹p at its two ends continues while p♯₋·ρ > 0 and p♯₊·ρ > 0. Every merge also
///   checks the two extended trajectories across the seam (the left half plus the first state
///   of the right half, and the right half plus the last state of the left half), which catches
///   U-turns that the merged check misses (Stan ≥ 2.21).
/// - Divergence: H − H₀ > `maxEnergyError` (1000) at any state, with NaN taken as +∞; the
///   subtree containing it is rejected and the trajectory stops.
///
/// All buffers are allocated once per chain; a transition allocates nothing.
final class NUTSSampler<Density: LogDensity> {
    let hamiltonian: Hamiltonian<Density>
    let dimension: Int
    var rng: Philox
    var stepSize: Double
    let maxDepth: Int
    let maxEnergyError: Double

    /// The chain's current state (q, ∇log π, log π).
    let current: Proposal

    // Per-transition state.
    private var leapfrogCount = 0
    private var sumMetropolis = 0.0
    private var divergent = false

    // Workspace: one block of doubles.
    private let storage: UnsafeMutablePointer<Double>
    private let storageCount: Int
    private let forward: PhasePoint
    private let backward: PhasePoint
    private let sample: Proposal
    private let propose: Proposal
    private let rho, rhoForward, rhoBackward, scratch: UnsafeMutablePointer<Double>
    private let pFwdFwd, pSharpFwdFwd, pFwdBck, pSharpFwdBck: UnsafeMutablePointer<Double>
    private let pBckFwd, pSharpBckFwd, pBckBck, pSharpBckBck: UnsafeMutablePointer<Double>
    /// Buffers of the recursion, one set per subtree depth (index 1..<maxDepth).
    private struct Level {
        var rhoInit, rhoFinal, pInitEnd, pSharpInitEnd, pFinalBeg, pSharpFinalBeg: UnsafeMutablePointer<Double>
        var proposal: Proposal
    }
    private let levels: [Level]

    init(hamiltonian: Hamiltonian<Density>, rng: Philox, stepSize: Double, maxDepth: Int, maxEnergyError: Double) {
        self.hamiltonian = hamiltonian
        self.dimension = hamiltonian.dimension
        self.rng = rng
        self.stepSize = stepSize
        self.maxDepth = maxDepth
        self.maxEnergyError = maxEnergyError
        let d = dimension
        let levelSize = 6 * d + Proposal.size(dimension: d)
        storageCount =
            Proposal.size(dimension: d) * 3 + PhasePoint.size(dimension: d) * 2 + 12 * d
            + levelSize * (maxDepth + 1)
        storage = .allocate(capacity: storageCount)
        storage.initialize(repeating: 0, count: storageCount)
        var cursor = storage
        func take(_ n: Int) -> UnsafeMutablePointer<Double> {
            defer { cursor += n }
            return cursor
        }
        current = Proposal(base: take(Proposal.size(dimension: d)), dimension: d)
        sample = Proposal(base: take(Proposal.size(dimension: d)), dimension: d)
        propose = Proposal(base: take(Proposal.size(dimension: d)), dimension: d)
        forward = PhasePoint(base: take(PhasePoint.size(dimension: d)), dimension: d)
        backward = PhasePoint(base: take(PhasePoint.size(dimension: d)), dimension: d)
        rho = take(d); rhoForward = take(d); rhoBackward = take(d); scratch = take(d)
        pFwdFwd = take(d); pSharpFwdFwd = take(d); pFwdBck = take(d); pSharpFwdBck = take(d)
        pBckFwd = take(d); pSharpBckFwd = take(d); pBckBck = take(d); pSharpBckBck = take(d)
        var levels: [Level] = []
        for _ in 0...maxDepth {
            levels.append(
                Level(
                    rhoInit: take(d), rhoFinal: take(d), pInitEnd: take(d), pSharpInitEnd: take(d),
                    pFinalBeg: take(d), pSharpFinalBeg: take(d),
                    proposal: Proposal(base: take(Proposal.size(dimension: d)), dimension: d)))
        }
        self.levels = levels
    }

    deinit {
        storage.deallocate()
    }

    /// A scratch phase point (used by the step-size heuristic between transitions).
    var scratchPoint: PhasePoint { forward }

    /// Loads the chain's current state into `z` with a fresh momentum p ~ N(0, M).
    func startTrajectory(at z: PhasePoint) {
        let d = dimension
        z.q.update(from: current.q, count: d)
        z.g.update(from: current.g, count: d)
        z.logDensity = current.logDensity
        hamiltonian.metric.sampleMomentum(into: z.p, rng: &rng)
        hamiltonian.updateKinetic(z)
    }

    /// One NUTS iteration from `current`; `current` becomes the draw.
    func transition() -> SamplerStatistics {
        let d = dimension
        startTrajectory(at: forward)
        backward.assign(from: forward)
        sample.assign(from: forward)
        pFwdFwd.update(from: forward.p, count: d)
        pFwdBck.update(from: forward.p, count: d)
        pBckFwd.update(from: forward.p, count: d)
        pBckBck.update(from: forward.p, count: d)
        rho.update(from: forward.p, count: d)
        pSharpFwdFwd.update(from: forward.v, count: d)
        pSharpFwdBck.update(from: forward.v, count: d)
        pSharpBckFwd.update(from: forward.v, count: d)
        pSharpBckBck.update(from: forward.v, count: d)

        var logSumWeight = 0.0 // log w(z₀) = H₀ − H₀
        let h0 = forward.hamiltonian
        leapfrogCount = 0
        sumMetropolis = 0
        divergent = false
        var depth = 0

        while depth < maxDepth {
            rhoForward.update(repeating: 0, count: d)
            rhoBackward.update(repeating: 0, count: d)
            var logSumWeightSubtree = -Double.infinity
            let valid: Bool
            if rng.nextUniform() > 0.5 {
                // Extend forward: the old trajectory becomes the backward part.
                rhoBackward.update(from: rho, count: d)
                pBckFwd.update(from: pFwdFwd, count: d)
                pSharpBckFwd.update(from: pSharpFwdFwd, count: d)
                valid = buildTree(
                    depth: depth, z: forward, propose: propose,
                    pSharpBegin: pSharpFwdBck, pSharpEnd: pSharpFwdFwd, rho: rhoForward,
                    pBegin: pFwdBck, pEnd: pFwdFwd, h0: h0, sign: 1, logSumWeight: &logSumWeightSubtree)
            } else {
                // Extend backward: the old trajectory becomes the forward part.
                rhoForward.update(from: rho, count: d)
                pFwdBck.update(from: pBckBck, count: d)
                pSharpFwdBck.update(from: pSharpBckBck, count: d)
                valid = buildTree(
                    depth: depth, z: backward, propose: propose,
                    pSharpBegin: pSharpBckFwd, pSharpEnd: pSharpBckBck, rho: rhoBackward,
                    pBegin: pBckFwd, pEnd: pBckBck, h0: h0, sign: -1, logSumWeight: &logSumWeightSubtree)
            }
            if !valid { break }
            depth += 1

            // Biased progressive sampling.
            if logSumWeightSubtree > logSumWeight {
                sample.assign(from: propose)
            } else if rng.nextUniform() < Foundation.exp(logSumWeightSubtree - logSumWeight) {
                sample.assign(from: propose)
            }
            logSumWeight = logSumExp(logSumWeight, logSumWeightSubtree)

            // U-turn across the whole trajectory and across the seam.
            for i in 0..<d { rho[i] = rhoBackward[i] + rhoForward[i] }
            var persist = noUTurn(pSharpBckBck, pSharpFwdFwd, rho)
            for i in 0..<d { scratch[i] = rhoBackward[i] + pFwdBck[i] }
            persist = noUTurn(pSharpBckBck, pSharpFwdBck, scratch) && persist
            for i in 0..<d { scratch[i] = rhoForward[i] + pBckFwd[i] }
            persist = noUTurn(pSharpBckFwd, pSharpFwdFwd, scratch) && persist
            if !persist { break }
        }

        current.assign(from: sample)
        return SamplerStatistics(
            logDensity: sample.logDensity,
            acceptStat: sumMetropolis / Double(leapfrogCount),
            stepSize: stepSize,
            treeDepth: depth,
            leapfrogSteps: leapfrogCount,
            divergent: divergent,
            energy: -sample.logDensity + sample.kinetic)
    }

    /// Builds a subtree of 2^depth leapfrog steps from `z` in direction `sign`, Stan's
    /// `build_tree`. Writes the subtree's proposal, the velocities and momenta at its first
    /// (`Begin`) and last (`End`) states, adds its summed momentum to `rho` and its log
    /// weight to `logSumWeight`. Returns false when it diverged or made a U-turn.
    private func buildTree(
        depth: Int, z: PhasePoint, propose: Proposal,
        pSharpBegin: UnsafeMutablePointer<Double>, pSharpEnd: UnsafeMutablePointer<Double>,
        rho: UnsafeMutablePointer<Double>,
        pBegin: UnsafeMutablePointer<Double>, pEnd: UnsafeMutablePointer<Double>,
        h0: Double, sign: Double, logSumWeight: inout Double
    ) -> Bool {
        let d = dimension
        if depth == 0 {
            hamiltonian.leapfrog(z, stepSize: sign * stepSize)
            leapfrogCount += 1
            let h = z.hamiltonian // NaN → +∞
            if h - h0 > maxEnergyError { divergent = true }
            logSumWeight = logSumExp(logSumWeight, h0 - h)
            sumMetropolis += h0 - h > 0 ? 1 : Foundation.exp(h0 - h)
            propose.assign(from: z)
            pSharpBegin.update(from: z.v, count: d)
            pSharpEnd.update(from: z.v, count: d)
            for i in 0..<d { rho[i] += z.p[i] }
            pBegin.update(from: z.p, count: d)
            pEnd.update(from: z.p, count: d)
            return !divergent
        }
        let level = levels[depth]

        // The initial half.
        var logSumWeightInit = -Double.infinity
        level.rhoInit.update(repeating: 0, count: d)
        let validInit = buildTree(
            depth: depth - 1, z: z, propose: propose,
            pSharpBegin: pSharpBegin, pSharpEnd: level.pSharpInitEnd, rho: level.rhoInit,
            pBegin: pBegin, pEnd: level.pInitEnd, h0: h0, sign: sign, logSumWeight: &logSumWeightInit)
        if !validInit { return false }

        // The final half.
        var logSumWeightFinal = -Double.infinity
        level.rhoFinal.update(repeating: 0, count: d)
        let validFinal = buildTree(
            depth: depth - 1, z: z, propose: level.proposal,
            pSharpBegin: level.pSharpFinalBeg, pSharpEnd: pSharpEnd, rho: level.rhoFinal,
            pBegin: level.pFinalBeg, pEnd: pEnd, h0: h0, sign: sign, logSumWeight: &logSumWeightFinal)
        if !validFinal { return false }

        // Uniform multinomial sampling between the halves.
        let logSumWeightSubtree = logSumExp(logSumWeightInit, logSumWeightFinal)
        logSumWeight = logSumExp(logSumWeight, logSumWeightSubtree)
        if logSumWeightFinal > logSumWeightSubtree {
            propose.assign(from: level.proposal)
        } else if rng.nextUniform() < Foundation.exp(logSumWeightFinal - logSumWeightSubtree) {
            propose.assign(from: level.proposal)
        }

        // U-turn across the subtree, then across the seam between its halves.
        for i in 0..<d {
            scratch[i] = level.rhoInit[i] + level.rhoFinal[i]
            rho[i] += scratch[i]
        }
        var persist = noUTurn(pSharpBegin, pSharpEnd, scratch)
        for i in 0..<d { scratch[i] = level.rhoInit[i] + level.pFinalBeg[i] }
        persist = noUTurn(pSharpBegin, level.pSharpFinalBeg, scratch) && persist
        for i in 0..<d { scratch[i] = level.rhoFinal[i] + level.pInitEnd[i] }
        persist = noUTurn(level.pSharpInitEnd, pSharpEnd, scratch) && persist
        return persist
    }

    /// The generalized no-U-turn criterion (Betancourt 2013): p♯₋·ρ > 0 and p♯₊·ρ > 0.
    /// NaN products compare false, so they stop the trajectory.
    private func noUTurn(
        _ pSharpMinus: UnsafeMutablePointer<Double>, _ pSharpPlus: UnsafeMutablePointer<Double>,
        _ rho: UnsafeMutablePointer<Double>
    ) -> Bool {
        var plus = 0.0, minus = 0.0
        for i in 0..<dimension {
            plus += pSharpPlus[i] * rho[i]
            minus += pSharpMinus[i] * rho[i]
        }
        return plus > 0 && minus > 0
    }
}

/// log(eᵃ + eᵇ) without overflow; −∞ is the identity.
@inline(__always)
func logSumExp(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    let m = max(a, b)
    return m + Foundation.log1p(Foundation.exp(-abs(a - b)))
}

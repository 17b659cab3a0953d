import Foundation

extension NUTSSampler {
    /// Stan's `init_stepsize` heuristic (after Hoffman & Gelman 2014, Algorithm 4), run at the
    /// start of warmup and after every metric update, from the current position:
    ///
    /// one leapfrog step of size ε with a fresh momentum gives ΔH = H₀ − H (NaN → −∞). If
    /// ΔH > log 0.8 the step is "too small": double ε until a fresh step has ΔH ≤ log 0.8;
    /// otherwise halve ε until ΔH ≥ log 0.8. Every trial draws a new momentum. The position
    /// is left unchanged.
    ///
    /// Throws when ε passes 10⁷ (the posterior is improper: it never stops accepting) or
    /// underflows to 0 (no step is acceptable: the density is not continuous, or is not finite
    /// anywhere near the current point).
    func findReasonableStepSize(chainID: Int) throws {
        guard stepSize > 0, stepSize <= 1e7, !stepSize.isNaN else { return }
        let logTarget = Foundation.log(0.8)
        let z = scratchPoint

        func trialEnergyChange() -> Double {
            startTrajectory(at: z)
            let h0 = z.hamiltonian
            hamiltonian.leapfrog(z, stepSize: stepSize)
            let h = z.hamiltonian // NaN → +∞
            return h0 - h
        }

        let direction: Double = trialEnergyChange() > logTarget ? 1 : -1
        while true {
            let deltaH = trialEnergyChange()
            if direction == 1 && !(deltaH > logTarget) { break }
            if direction == -1 && !(deltaH < logTarget) { break }
            stepSize = direction == 1 ? 2 * stepSize : 0.5 * stepSize
            if stepSize > 1e7 {
                throw SamplingError.stepSizeSearchFailed(
                    chainID: chainID,
                    reason:
                        "the step size grew past 1e7 without the energy changing; the posterior is probably improper (check that every parameter has a proper prior or likelihood)"
                )
            }
            if stepSize == 0 {
                throw SamplingError.stepSizeSearchFailed(
                    chainID: chainID,
                    reason:
                        "no acceptably small step size could be found; the log density is probably not continuous or not finite near the current point"
                )
            }
        }
    }
}

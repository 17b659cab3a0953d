import Foundation

/// Estimated Bayesian fraction of missing information (E-BFMI) of one chain's Hamiltonian
/// energy trace E₁…E_N (Stan's `energy__` column):
///
///     E-BFMI = [1/(N−1) Σ_{t=2}^{N} (E_t − E_{t−1})²] / [1/(N−1) Σ_{t=1}^{N} (E_t − Ē)²],
///
/// the mean squared energy jump over the sample variance (divisor N − 1), exactly ArviZ's
/// `bfmi` (both divisors are N − 1, so this is also Betancourt's ratio of sums). Values below
/// 0.3 suggest the momentum resampling explores the energy distribution poorly and the
/// posterior has heavy tails the sampler cannot cross.
///
/// - Reference: M. Betancourt (2016), "Diagnosing suboptimal cotangent disintegrations in
///   Hamiltonian Monte Carlo", arXiv:1604.00695.
/// - Returns: NaN for fewer than 2 values, any non-finite value, or constant energy (0/0).
public func ebfmi(energy: [Double]) -> Double {
    guard energy.count >= 2, energy.allSatisfy({ $0.isFinite }) else { return .nan }
    var squaredJumps = 0.0
    for t in 1..<energy.count {
        let jump = energy[t] - energy[t - 1]
        squaredJumps += jump * jump
    }
    let meanSquaredJump = squaredJumps / Double(energy.count - 1)
    return meanSquaredJump / sampleVariance(energy)
}

/// ``ebfmi(energy:)`` of each chain.
public func ebfmi(energyByChain chains: [[Double]]) -> [Double] {
    chains.map { ebfmi(energy: $0) }
}

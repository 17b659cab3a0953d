import Foundation

/// Draws from the few distributions RLFit needs, on any `RandomNumberGenerator`.
/// Each is a deterministic function of the generator's output, so a counter-based generator
/// (`Philox`) makes them reproducible.
extension RandomNumberGenerator {
    /// Uniform on [0, 1): the top 53 bits of one 64-bit draw, times 2⁻⁵³.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform on the open interval (0, 1): never 0, so its logarithm is finite.
    @inlinable
    public mutating func nextOpenUniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Uniform on [a, b).
    @inlinable
    public mutating func nextUniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * nextUniform()
    }

    /// Standard normal by the Box–Muller transform (Box & Muller 1958), one value per two
    /// uniforms; the cosine branch only, so every call consumes exactly two 64-bit draws and
    /// stays aligned with the counter.
    @inlinable
    public mutating func nextNormal() -> Double {
        let u1 = nextOpenUniform()
        let u2 = nextUniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// Bernoulli(p): true with probability p (p outside [0, 1] is clamped by the comparison).
    @inlinable
    public mutating func nextBernoulli(_ p: Double) -> Bool {
        nextUniform() < p
    }

    /// A category in 0..<probabilities.count drawn with the given probabilities (need not be
    /// normalized; must be non-negative with a positive sum).
    @inlinable
    public mutating func nextCategorical(_ probabilities: [Double]) -> Int {
        let total = probabilities.reduce(0, +)
        var u = nextUniform() * total
        for (k, p) in probabilities.enumerated() {
            if u < p { return k }
            u -= p
        }
        return probabilities.count - 1
    }
}

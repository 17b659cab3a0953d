import Foundation

/// Random draws for the Bayesian bootstrap (Dirichlet weights as normalized gamma variates),
/// on any `RandomNumberGenerator`: Diagnostics does not depend on the Randomness module, so a
/// caller can pass RLFit's Philox stream, and a bare seed uses ``SplitMix64``.

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator for the bootstrap when the
/// caller gives only a seed. Callers with their own stream (RLFit's Philox) pass it instead.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Gamma(shape, 1) variates for Dirichlet draws: −log U for shape 1 (the exponential);
/// Marsaglia & Tsang (2000) otherwise, with the boost U^(1/a) for shape a < 1.
enum GammaSampler {
    static func draw<G: RandomNumberGenerator>(shape: Double, using g: inout G) -> Double {
        if shape == 1 { return -Foundation.log(uniform(&g)) }
        if shape < 1 {
            return draw(shape: shape + 1, using: &g) * Foundation.pow(uniform(&g), 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal(&g)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform(&g)
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) { return d * v }
        }
    }

    /// Uniform on (0, 1): 53 random bits, offset by half a step so 0 never occurs.
    static func uniform<G: RandomNumberGenerator>(_ g: inout G) -> Double {
        (Double(g.next() >> 11) + 0.5) * 0x1p-53
    }

    /// Standard normal by the Box–Muller transform (one of the pair).
    static func normal<G: RandomNumberGenerator>(_ g: inout G) -> Double {
        let u1 = uniform(&g), u2 = uniform(&g)
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

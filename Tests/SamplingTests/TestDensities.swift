import Foundation
import Sampling

/// Independent normals xᵢ ~ N(μᵢ, σᵢ²): log π = −½ Σ ((xᵢ − μᵢ)/σᵢ)², ∇ = −(x − μ)/σ².
struct IndependentGaussian: LogDensity {
    let mean: [Double]
    let sd: [Double]
    var dimension: Int { mean.count }

    init(mean: [Double], sd: [Double]) {
        precondition(mean.count == sd.count)
        self.mean = mean
        self.sd = sd
    }

    init(dimension: Int) {
        self.init(mean: [Double](repeating: 0, count: dimension), sd: [Double](repeating: 1, count: dimension))
    }

    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        var lp = 0.0
        for i in 0..<mean.count {
            let z = (x[i] - mean[i]) / sd[i]
            lp -= 0.5 * z * z
            gradient[i] = -z / sd[i]
        }
        return lp
    }
}

/// A strongly correlated Gaussian N(0, Σ), Σ = D R D with R the AR(1) correlation
/// Rᵢⱼ = ρ^|i−j| and D = diag(scales). R⁻¹ is tridiagonal (1/(1−ρ²)·[1, 1+ρ², …, 1+ρ², 1] on
/// the diagonal, −ρ/(1−ρ²) beside it), so the gradient −Σ⁻¹x costs O(d) while the covariance
/// is dense: a diagonal metric cannot remove the correlations, a dense one can.
/// Condition number of R ≈ ((1+ρ)/(1−ρ))².
struct AR1Gaussian: LogDensity {
    let rho: Double
    let scales: [Double]
    var dimension: Int { scales.count }

    /// Scales log-spaced from 0.1 to 10 when `spreadScales`, else 1.
    init(dimension: Int, rho: Double, spreadScales: Bool) {
        self.rho = rho
        scales = (0..<dimension).map { i in
            spreadScales && dimension > 1 ? Foundation.pow(10, -1 + 2 * Double(i) / Double(dimension - 1)) : 1
        }
    }

    /// Σᵢⱼ = sᵢ sⱼ ρ^|i−j|.
    func covariance(_ i: Int, _ j: Int) -> Double {
        scales[i] * scales[j] * Foundation.pow(rho, Double(abs(i - j)))
    }

    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = scales.count
        let c = 1 / (1 - rho * rho)
        var lp = 0.0
        for i in 0..<d {
            let yi = x[i] / scales[i]
            let diagonal = (i == 0 || i == d - 1) ? c : c * (1 + rho * rho)
            var precisionY = diagonal * yi
            if i > 0 { precisionY -= c * rho * x[i - 1] / scales[i - 1] }
            if i < d - 1 { precisionY -= c * rho * x[i + 1] / scales[i + 1] }
            lp -= 0.5 * yi * precisionY
            gradient[i] = -precisionY / scales[i]
        }
        return lp
    }
}

/// Neal's funnel (Neal 2003), centred: v ~ N(0, 3²), xᵢ ~ N(0, eᵛ) for i = 1…k. The neck
/// (v ≪ 0) needs step sizes far smaller than the mouth: NUTS with one step size diverges there.
struct Funnel: LogDensity {
    let k: Int
    var dimension: Int { k + 1 }

    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let v = x[0]
        var lp = -0.5 * v * v / 9
        var dv = -v / 9
        let precision = Foundation.exp(-v)
        for i in 1...k {
            lp += -0.5 * x[i] * x[i] * precision - 0.5 * v
            gradient[i] = -x[i] * precision
            dv += 0.5 * x[i] * x[i] * precision - 0.5
        }
        gradient[0] = dv
        return lp
    }
}

/// A density whose value is NaN, or −∞, in regions: x₀ ~ N(0,1) truncated to x₀ ≤ 1 by a NaN
/// wall, x₁ ~ N(0,1) truncated to x₁ ≥ −1.5 by a −∞ wall.
struct WalledGaussian: LogDensity {
    var dimension: Int { 2 }

    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        gradient[0] = -x[0]
        gradient[1] = -x[1]
        if x[0] > 1 { return .nan }
        if x[1] < -1.5 { return -.infinity }
        return -0.5 * (x[0] * x[0] + x[1] * x[1])
    }
}

/// A density that is never finite, counting its calls.
final class NowhereFinite: LogDensity, @unchecked Sendable {
    let dimension: Int
    let value: Double
    private(set) var calls = 0

    init(dimension: Int, value: Double) {
        self.dimension = dimension
        self.value = value
    }

    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        calls += 1
        for i in 0..<dimension { gradient[i] = 0 }
        return value
    }
}

/// Standard normal on the orthant x > 0 (−∞ elsewhere), with a NaN gradient where x₀ < 0.5
/// even though the value is finite: initialization must retry past both.
struct OrthantGaussian: LogDensity {
    let dimension: Int

    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        var lp = 0.0
        var outside = false
        for i in 0..<dimension {
            if x[i] <= 0 { outside = true }
            lp -= 0.5 * x[i] * x[i]
            gradient[i] = -x[i]
        }
        if outside { return -.infinity }
        if x[0] < 0.5 { gradient[0] = .nan }
        return lp
    }
}

/// Blocks of equicorrelated normals: d/b blocks of b coordinates with correlation ρ inside a
/// block and none across, scales log-spaced from 0.1 to 10 — the shape of a hierarchical
/// posterior where each subject's parameters are correlated with each other only. Within a
/// block R⁻¹ = (I − ρ/(1 + (b−1)ρ)·11ᵀ)/(1 − ρ), so the gradient costs O(d).
struct BlockGaussian: LogDensity {
    let blockSize: Int
    let rho: Double
    let scales: [Double]
    var dimension: Int { scales.count }

    init(blocks: Int, blockSize: Int, rho: Double) {
        self.blockSize = blockSize
        self.rho = rho
        let d = blocks * blockSize
        scales = (0..<d).map { Foundation.pow(10, -1 + 2 * Double(($0 * 37) % d) / Double(d - 1)) }
    }

    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let b = blockSize
        let c = rho / (1 + Double(b - 1) * rho)
        var lp = 0.0
        var start = 0
        while start < scales.count {
            var sum = 0.0
            for i in start..<(start + b) { sum += x[i] / scales[i] }
            for i in start..<(start + b) {
                let y = x[i] / scales[i]
                let precisionY = (y - c * sum) / (1 - rho)
                lp -= 0.5 * y * precisionY
                gradient[i] = -precisionY / scales[i]
            }
            start += b
        }
        return lp
    }
}

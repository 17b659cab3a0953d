/// The maximum of a log density on ℝᵈ by limited-memory BFGS (Liu & Nocedal 1989; Nocedal &
/// Wright 2006, Algorithms 7.4 and 7.5), from the gradient alone.
///
/// It minimizes φ = −log p. The last `history` steps s = x₊ − x and gradient changes
/// y = ∇φ(x₊) − ∇φ(x) stand for the inverse Hessian H (two-loop recursion), started each
/// iteration from γ·I with γ = sᵀy / yᵀy of the newest pair (N&W eq. 7.20); the first step is
/// the gradient scaled to length at most 1. A pair with sᵀy ≤ 1e−10·‖s‖·‖y‖ is not stored (H
/// would stop being positive definite).
///
/// Line search: backtracking from step 1 with the Armijo condition
/// φ(x + t·d) ≤ φ(x) + c₁·t·∇φᵀd, c₁ = 1e−4; the next trial step is the minimum of the quadratic
/// through φ(x), ∇φᵀd and φ(x + t·d), kept within [0.1·t, 0.5·t]; a non-finite log density or
/// gradient (outside the support) halves t. After 40 rejected steps the search stops.
///
/// Stops (CmdStan's `optimize` defaults): |Δlog p| < 1e−12; |Δlog p| / max(|log p|, 1) <
/// 1e4·ε; ‖∇‖ < 1e−8; ∇ᵀH∇ / max(|log p|, 1) < 1e7·ε; ‖Δx‖ < 1e−8; or 2000 iterations (not
/// converged). The result is always the best point reached.
public enum LBFGS {
    public struct Settings: Sendable, Equatable {
        /// Stored (s, y) pairs. Default 5, as CmdStan's `history_size`.
        public var history = 5
        /// Default 2000, as CmdStan's `iter`.
        public var maxIterations = 2000
        public init(history: Int = 5, maxIterations: Int = 2000) {
            self.history = history
            self.maxIterations = maxIterations
        }
    }

    public struct Result: Sendable {
        public let position: [Double]
        public let logDensity: Double
        public let iterations: Int
        /// Log density + gradient evaluations.
        public let evaluations: Int
        /// Whether a convergence test (not the iteration limit, nor a failed line search) stopped it.
        public let converged: Bool
        /// Which test stopped it, in words.
        public let stop: String
    }

    /// Maximizes `density` from `start` (finite log density and gradient there, else the result
    /// is `start` with `converged` false and the problem as `stop`).
    public static func maximize<Density: LogDensity>(
        _ density: inout Density, from start: [Double],
        settings: Settings = Settings()
    ) -> Result {
        let d = start.count
        precondition(settings.history >= 1 && settings.maxIterations >= 1, "L-BFGS needs a history and an iteration")
        precondition(
            d == density.dimension, "a start of \(d) coordinates for a density of dimension \(density.dimension)")
        var evaluations = 0
        func evaluate(_ x: [Double], _ g: inout [Double]) -> Double {
            evaluations += 1
            return x.withUnsafeBufferPointer { xp in
                g.withUnsafeMutableBufferPointer { density.logDensity(xp, gradient: $0) }
            }
        }
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var s = 0.0
            for i in 0..<d { s += a[i] * b[i] }
            return s
        }
        var x = start, g = [Double](repeating: 0, count: d)
        var f = evaluate(x, &g)
        guard f.isFinite, g.allSatisfy(\.isFinite) else {
            return Result(
                position: x, logDensity: f, iterations: 0, evaluations: evaluations, converged: false,
                stop: "the log density or its gradient is not finite at the start")
        }
        var steps: [[Double]] = [], changes: [[Double]] = [], inverseCurvatures: [Double] = []
        var alpha = [Double](repeating: 0, count: settings.history)
        let epsilon = Double.ulpOfOne
        var next = [Double](repeating: 0, count: d), nextGradient = [Double](repeating: 0, count: d)
        for iteration in 1...settings.maxIterations {
            // r = H·∇φ by the two-loop recursion; the ascent direction is −r.
            var r = g.map { -$0 }
            for k in stride(from: steps.count - 1, through: 0, by: -1) {
                alpha[k] = inverseCurvatures[k] * dot(steps[k], r)
                for i in 0..<d { r[i] -= alpha[k] * changes[k][i] }
            }
            let gradientNorm = dot(g, g).squareRoot()
            let gamma =
                steps.isEmpty
                ? 1 / max(1, gradientNorm)
                : dot(steps[steps.count - 1], changes[changes.count - 1])
                    / dot(changes[changes.count - 1], changes[changes.count - 1])
            for i in 0..<d { r[i] *= gamma }
            for k in 0..<steps.count {
                let beta = inverseCurvatures[k] * dot(changes[k], r)
                for i in 0..<d { r[i] += steps[k][i] * (alpha[k] - beta) }
            }
            if !steps.isEmpty && dot(g, r.map { -$0 }) / max(abs(f), 1) < 1e7 * epsilon {
                return Result(
                    position: x, logDensity: f, iterations: iteration - 1, evaluations: evaluations, converged: true,
                    stop: "relative gradient below tolerance")
            }
            var direction = r.map { -$0 }
            var slope = -dot(g, direction) // ∇φᵀd, negative for a descent direction
            if !(slope < 0) {
                // Rounding made H indefinite: forget the history, go along the gradient.
                steps.removeAll(); changes.removeAll(); inverseCurvatures.removeAll()
                direction = g.map { $0 / max(1, gradientNorm) }
                slope = -dot(g, direction)
                if !(slope < 0) {
                    return Result(
                        position: x, logDensity: f, iterations: iteration - 1, evaluations: evaluations,
                        converged: true,
                        stop: "gradient is zero")
                }
            }
            // Backtracking line search on φ = −f.
            var t = 1.0, accepted = false, nextValue = -Double.infinity
            for _ in 0..<40 {
                for i in 0..<d { next[i] = x[i] + t * direction[i] }
                nextValue = evaluate(next, &nextGradient)
                let finite = nextValue.isFinite && nextGradient.allSatisfy(\.isFinite)
                if finite && -nextValue <= -f + 1e-4 * t * slope { accepted = true; break }
                if finite {
                    let increase = -nextValue + f - slope * t
                    let minimum = increase > 0 ? -slope * t * t / (2 * increase) : 0.5 * t
                    t = min(max(minimum, 0.1 * t), 0.5 * t)
                } else {
                    t *= 0.5
                }
            }
            guard accepted else {
                return Result(
                    position: x, logDensity: f, iterations: iteration - 1, evaluations: evaluations, converged: false,
                    stop: "the line search found no higher point")
            }
            var s = [Double](repeating: 0, count: d), y = [Double](repeating: 0, count: d)
            for i in 0..<d { s[i] = next[i] - x[i]; y[i] = g[i] - nextGradient[i] }
            let change = nextValue - f
            let stepNorm = dot(s, s).squareRoot()
            x = next
            g = nextGradient
            let previous = f
            f = nextValue
            if abs(change) < 1e-12 {
                return Result(
                    position: x, logDensity: f, iterations: iteration, evaluations: evaluations, converged: true,
                    stop: "change in log density below tolerance")
            }
            if abs(change) / max(abs(previous), abs(f), 1) < 1e4 * epsilon {
                return Result(
                    position: x, logDensity: f, iterations: iteration, evaluations: evaluations, converged: true,
                    stop: "relative change in log density below tolerance")
            }
            if dot(g, g).squareRoot() < 1e-8 {
                return Result(
                    position: x, logDensity: f, iterations: iteration, evaluations: evaluations, converged: true,
                    stop: "gradient norm below tolerance")
            }
            if stepNorm < 1e-8 {
                return Result(
                    position: x, logDensity: f, iterations: iteration, evaluations: evaluations, converged: true,
                    stop: "step size below tolerance")
            }
            let curvature = dot(s, y)
            if curvature > 1e-10 * stepNorm * dot(y, y).squareRoot() {
                if steps.count == settings.history {
                    steps.removeFirst(); changes.removeFirst(); inverseCurvatures.removeFirst()
                }
                steps.append(s); changes.append(y); inverseCurvatures.append(1 / curvature)
            }
        }
        return Result(
            position: x, logDensity: f, iterations: settings.maxIterations, evaluations: evaluations, converged: false,
            stop: "\(settings.maxIterations) iterations without converging")
    }
}

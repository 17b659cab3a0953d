import Foundation
import ParallelWork
import Randomness
import Sampling

/// `rlfit fit --init optimize`: the chains start in the highest mode that several optimizations
/// find, instead of at random points — the remedy when chains settle in different modes
/// (`ChainModes`), which more draws cannot mix.
///
/// Optimization m (1…count) starts where a chain would — every coordinate uniform on
/// (−2, 2), Stan's default, retried up to 100 times until the log density and gradient are
/// finite — drawn from Philox stream 2⁶² + m of the fit's seed (chains use streams 1, 2, …),
/// and climbs to a mode of the log density that chains sample (`LBFGS`, the unconstrained
/// scale with its Jacobian: lp__'s scale). The optima are grouped by log density (a gap of
/// more than `sameMode` between neighbours starts a new group); chain c starts at optimum
/// ((c − 1) mod k) + 1 of the k in the highest group, so a chain run alone (`--chain-ids c`) or
/// resumed starts where it does in the whole fit. Warmup then moves each chain away from the
/// mode with its own random momenta.
///
/// What it assumes: that the highest mode holds nearly all the posterior mass. When modes
/// differ by tens of units of log density (the two-mode bandit studies this was built for),
/// the lower ones hold e⁻²⁰ of it; when the groups differ by little, the summary says so and
/// the lower modes are not sampled.
public struct InitialOptimizations: Sendable {
    public struct Optimum: Sendable {
        /// 1-based number of the optimization (its random stream).
        public let number: Int
        public let logDensity: Double
        public let position: [Double]
        public let iterations: Int
        public let converged: Bool
        public let stop: String

        public init(number: Int, logDensity: Double, position: [Double], iterations: Int, converged: Bool, stop: String)
        {
            self.number = number
            self.logDensity = logDensity
            self.position = position
            self.iterations = iterations
            self.converged = converged
            self.stop = stop
        }
    }

    /// Highest log density first (ties: lower number first).
    public let optima: [Optimum]
    /// The optima grouped by log density, highest group first.
    public let groups: [[Optimum]]

    /// Default number of optimizations.
    public static let defaultCount = 8
    /// Optima whose log densities differ by at most this (units of log density) count as one mode.
    public static let sameMode = 0.1
    /// Chains use Philox streams 1, 2, …; optimization m uses this + m.
    static let firstStream: UInt64 = 1 << 62

    public init(optima: [Optimum]) {
        self.optima = optima.sorted { ($0.logDensity, -$0.number) > ($1.logDensity, -$1.number) }
        var groups: [[Optimum]] = []
        for o in self.optima {
            if let last = groups.last?.last, last.logDensity - o.logDensity <= Self.sameMode {
                groups[groups.count - 1].append(o)
            } else {
                groups.append([o])
            }
        }
        self.groups = groups
    }

    /// Runs `count` optimizations on up to `threads` threads (the same optima whatever the
    /// thread count). Throws `SamplingError.initializationFailed` when no start of one has a
    /// finite log density and gradient.
    public static func run<Density: LogDensity & SendableMetatype>(
        count: Int, seed: UInt64, threads: Int,
        makeDensity: @escaping @Sendable () -> Density
    ) throws -> InitialOptimizations {
        let results = ParallelMap.map(Array(1...max(1, count)), threads: threads) {
            number -> Result<Optimum, SamplingError> in
            var density = makeDensity()
            let d = density.dimension
            var rng = Philox(seed: seed, stream: firstStream + UInt64(number))
            var x = [Double](repeating: 0, count: d), g = [Double](repeating: 0, count: d)
            var problem = ""
            for _ in 0..<100 {
                for i in 0..<d { x[i] = rng.nextUniform(-2, 2) }
                let lp = x.withUnsafeBufferPointer { xp in
                    g.withUnsafeMutableBufferPointer { density.logDensity(xp, gradient: $0) }
                }
                guard lp.isFinite, g.allSatisfy(\.isFinite) else {
                    problem = "the log density is \(lp) or a gradient component is not finite"; continue
                }
                let result = LBFGS.maximize(&density, from: x)
                return .success(
                    Optimum(
                        number: number, logDensity: result.logDensity, position: result.position,
                        iterations: result.iterations, converged: result.converged, stop: result.stop))
            }
            return .failure(
                .initializationFailed(
                    chainID: 0, attempts: 100, radius: 2, lastProblem: "optimization \(number): \(problem)"))
        }
        return InitialOptimizations(optima: try results.map { try $0.get() })
    }

    /// Each chain's starting point (chain c: optimum ((c − 1) mod k) + 1 of the highest group's k).
    public func startingPoints(chainIDs: [Int]) -> [Int: [Double]] {
        let best = groups[0]
        return Dictionary(uniqueKeysWithValues: chainIDs.map { ($0, best[($0 - 1) % best.count].position) })
    }

    /// One line for the screen and the report: how many optimizations, where they ended, where
    /// the chains start.
    public var summary: String {
        func format(_ x: Double) -> String { String(format: "%.1f", x) }
        let ends = groups.map { g in "\(format(g[0].logDensity)) (\(g.count)×)" }.joined(separator: ", ")
        var s =
            "chains started at the highest of \(optima.count) optimizations (L-BFGS from random points): "
            + "log density (lp__) \(ends)"
        let unconverged = optima.filter { !$0.converged }.count
        if unconverged > 0 { s += "; \(unconverged) stopped before converging" }
        if groups.count > 1 {
            let gap = groups[0][0].logDensity - groups[1][0].logDensity
            // Peak heights, not masses: a gap of tens leaves the lower mode a negligible share
            // unless it is far wider; a small gap leaves it a share the chains do not sample.
            s +=
                gap < 10
                ? "; the next mode is only \(format(gap)) lower: it may hold a real share of the posterior, which the chains do not sample"
                : "; the next mode is \(format(gap)) lower (its peak e^-\(Int(gap)) of the highest's)"
        }
        return s
    }

    /// For fit.json: each optimization's end.
    public var manifest: [String: Any] {
        [
            "method": "optimize",
            "optimizations": optima.map { o -> [String: Any] in
                [
                    "number": o.number, "log_density": o.logDensity, "iterations": o.iterations,
                    "converged": o.converged, "stop": o.stop
                ]
            }, "summary": summary
        ]
    }
}

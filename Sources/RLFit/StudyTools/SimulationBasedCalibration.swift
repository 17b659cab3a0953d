import Diagnostics
import Foundation
import Randomness
import RLModels

/// Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018): draw the
/// group values from the priors, subjects from the group, data from the model; fit; record the
/// rank of each true value among L thinned posterior draws. If the sampler and model are
/// correct, every rank is uniform on 0...L. Checked here by Pearson's χ² over B equal bins
/// (p-value from the regularized incomplete gamma function).
public struct SimulationBasedCalibration: Sendable {
    public struct Options: SimulatedFitsOptions, Sendable {
        /// The studies and their fits (defaults: 100 replicates of 10 subjects × 100 trials, 2
        /// chains × (300 + 300)).
        public var fits: SimulatedFits
        /// L: posterior draws kept per replicate (thinned evenly); ranks take values 0...L.
        public var rankDraws = 99
        public var bins = 10

        public init(model: ModelDefinition) {
            fits = SimulatedFits(model: model, replicates: 100, subjects: 10, trials: 100, warmup: 300, draws: 300)
        }

    }

    public struct Quantity: Sendable {
        public let name: String
        public let ranks: [Int]
        public let counts: [Int]
        public let chiSquare: Double
        public let pValue: Double
    }

    public let options: Options
    public let quantities: [Quantity]

    public static func run(_ o: Options, progress: ((Int) -> Void)? = nil) throws -> SimulationBasedCalibration {
        let model = o.model, P = model.parameters.count
        let names = trackedQuantities(model)
        var ranks = [[Int]](repeating: [], count: names.count)
        for r in 0..<o.replicates {
            let group = Recovery.priorDraw(model: model, seed: o.seed, replicate: r)
            let study = try StudySimulator.simulate(
                model: model, subjects: o.subjects, trials: o.trials,
                seed: o.seed &+ 7919 &* UInt64(r + 1), group: group,
                options: model.optionCount == nil ? (o.options ?? 3) : nil, task: o.task)
            let truth = group.mu + group.sigma + (0..<P).map { study.theta[$0 * o.subjects] }
            let (posterior, kept) = try SimulatedStudyFit.keptDraws(
                model: model, batch: study.batch, warmup: o.warmup, draws: o.draws, chains: o.chains,
                seed: o.seed &+ UInt64(r), threads: o.threads)
            let step = max(1, kept.count / o.rankDraws)
            let thinned = stride(from: 0, to: kept.count, by: step).prefix(o.rankDraws).map { kept[$0] }
            var below = [Int](repeating: 0, count: names.count)
            for x in thinned {
                let theta = posterior.subjectParameters(x)
                let values =
                    Array(x[0..<P]) + (0..<P).map { Foundation.exp(x[P + $0]) } + (0..<P).map { theta[$0 * o.subjects] }
                for q in 0..<names.count where values[q] < truth[q] { below[q] += 1 }
            }
            for q in 0..<names.count { ranks[q].append(below[q]) }
            progress?(r + 1)
        }
        return summarize(o, names: names, ranks: ranks)
    }

    /// The quantities ranked: the group locations μₚ, scales σₚ, and the first subject's
    /// parameters (their chain-file column names).
    public static func trackedQuantities(_ model: ModelDefinition) -> [String] {
        let P = model.parameters.count
        return (0..<P).map { "mu_pr.\($0 + 1)" } + (0..<P).map { "sigma.\($0 + 1)" }
            + model.parameters.map { "\($0.name).1" }
    }

    /// Rank histograms and their χ² tests from each quantity's ranks (one per replicate, among
    /// `o.rankDraws` draws): `run`, and a grid's merge, which ranks the fits' chain files.
    public static func summarize(_ o: Options, names: [String], ranks: [[Int]]) -> SimulationBasedCalibration {
        let L = o.rankDraws
        let quantities = names.enumerated().map { q, name -> Quantity in
            var counts = [Int](repeating: 0, count: o.bins)
            for rank in ranks[q] { counts[min(o.bins - 1, rank * o.bins / (L + 1))] += 1 }
            let expected = Double(ranks[q].count) / Double(o.bins)
            let chi = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
            return Quantity(
                name: name, ranks: ranks[q], counts: counts, chiSquare: chi,
                pValue: chiSquareSurvival(chi, degreesOfFreedom: Double(o.bins - 1)))
        }
        return SimulationBasedCalibration(options: o, quantities: quantities)
    }

    /// P(χ²_ν > x) = Q(ν/2, x/2), the regularized upper incomplete gamma function, by its series
    /// (x < a + 1) or continued fraction (Numerical Recipes §6.2's formulas).
    static func chiSquareSurvival(_ x: Double, degreesOfFreedom nu: Double) -> Double {
        let a = nu / 2, z = x / 2
        guard z > 0 else { return 1 }
        let logPrefix = a * Foundation.log(z) - z - Foundation.lgamma(a)
        if z < a + 1 {
            var term = 1 / a, sum = term, n = a
            for _ in 0..<500 {
                n += 1
                term *= z / n
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * Foundation.exp(logPrefix))
        }
        var b = z + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d
        for i in 1...500 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < 1e-300 { d = 1e-300 }
            c = b + an / c
            if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return min(1, Foundation.exp(logPrefix) * h)
    }

    public var text: String {
        let o = options
        var lines = [
            "simulation-based calibration: \(o.model.name), \(o.replicates) replicates of \(o.subjects) subjects × \(o.trials) trials, "
                + "ranks among \(o.rankDraws) draws in \(o.bins) bins (uniform if calibrated)", "",
            "quantity     χ²       p      rank histogram"
        ]
        for q in quantities {
            lines.append(
                String(
                    format: "%@ %7.2f  %6.3f  ", q.name.padding(toLength: 11, withPad: " ", startingAt: 0), q.chiSquare,
                    q.pValue)
                    + q.counts.map(String.init).joined(separator: " "))
        }
        let worst = quantities.map(\.pValue).min() ?? 1
        lines.append("")
        lines.append(
            worst < 0.01 / Double(max(quantities.count, 1))
                ? "warning: a rank histogram is far from uniform (p below 0.01 after Bonferroni): the fits are not calibrated for this model and design"
                : "no rank histogram departs from uniform at 0.01 (Bonferroni over \(quantities.count) quantities)")
        return lines.joined(separator: "\n")
    }

    public var csv: String {
        var lines = ["quantity,replicate,rank"]
        for q in quantities { for (r, rank) in q.ranks.enumerated() { lines.append("\(q.name),\(r + 1),\(rank)") } }
        return lines.joined(separator: "\n") + "\n"
    }
}

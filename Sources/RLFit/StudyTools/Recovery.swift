import Diagnostics
import Foundation
import Randomness
import RLModels

/// Parameter recovery (`rlfit recover`): simulate studies from known group values, fit them,
/// and compare each subject's posterior with the truth — correlation of posterior means with
/// the true values, mean bias and RMSE of the posterior mean, and the share of true values
/// inside the central 90% interval (which should be near 0.9 when the model is calibrated).
public struct Recovery: Sendable {
    public struct Options: SimulatedFitsOptions, Sendable {
        /// The studies and their fits (defaults: 1 replicate of 50 subjects × 200 trials, 2 chains
        /// × (500 + 500)).
        public var fits: SimulatedFits
        public var blocks = 1
        /// Group values (medians on the natural scale and sds on the Φ≈ scale); nil: the model's
        /// typical values (`GroupValues.defaults`).
        public var group: GroupValues? = nil
        /// Draw each replicate's group values from the priors (μ ~ N(0, 1), σ ~ the scale prior).
        public var fromPrior = false

        public init(model: ModelDefinition) {
            fits = SimulatedFits(model: model, replicates: 1, subjects: 50, trials: 200, warmup: 500, draws: 500)
        }

    }

    public struct Row: Sendable {
        public let parameter: String
        /// Mean over replicates of the correlation between posterior means and true values.
        public let correlation: Double
        /// The smallest and largest replicate's correlation: how much one study's r varies.
        public let correlationRange: ClosedRange<Double>
        public let bias: Double
        public let rmse: Double
        public let coverage90: Double
    }

    public let options: Options
    public let rows: [Row]
    /// Per replicate and parameter: (replicate, parameter, correlation).
    public let perReplicate: [(replicate: Int, parameter: String, correlation: Double)]

    public static func run(_ o: Options, progress: ((Int) -> Void)? = nil) throws -> Recovery {
        let model = o.model, P = model.parameters.count, S = o.subjects
        var estimates: [[[Double]]] = Array(repeating: [], count: P) // [p][replicate][s]
        var truths: [[[Double]]] = Array(repeating: [], count: P)
        var covered = [Int](repeating: 0, count: P)
        for r in 0..<o.replicates {
            let group =
                o.fromPrior
                ? priorDraw(model: model, seed: o.seed, replicate: r) : (o.group ?? GroupValues.defaults(for: model))
            let study = try StudySimulator.simulate(
                model: model, subjects: S, trials: o.trials, blocks: o.blocks,
                seed: o.seed &+ UInt64(r), group: group, options: o.options, task: o.task)
            let (posterior, kept) = try SimulatedStudyFit.keptDraws(
                model: model, batch: study.batch, warmup: o.warmup, draws: o.draws, chains: o.chains,
                seed: o.seed &+ UInt64(r), threads: o.threads)
            var draws = [[Double]](repeating: [], count: P * S)
            for x in kept {
                let theta = posterior.subjectParameters(x)
                for i in 0..<(P * S) { draws[i].append(theta[i]) }
            }
            for p in 0..<P {
                var means: [Double] = [], truth: [Double] = []
                for s in 0..<S {
                    let values = draws[p * S + s]
                    means.append(values.reduce(0, +) / Double(values.count))
                    truth.append(study.theta[p * S + s])
                    let q = quantiles(values, probabilities: [0.05, 0.95])
                    if q[0] <= study.theta[p * S + s] && study.theta[p * S + s] <= q[1] { covered[p] += 1 }
                }
                estimates[p].append(means)
                truths[p].append(truth)
            }
            progress?(r + 1)
        }
        return summarize(o, estimates: estimates, truths: truths, covered: covered)
    }

    /// The table from each replicate's posterior means and true values ([parameter][replicate][subject])
    /// and, per parameter, how many true values fell inside their 90% interval (`run`, and a
    /// grid's merge, which reads them from the fits' chain files).
    public static func summarize(_ o: Options, estimates: [[[Double]]], truths: [[[Double]]], covered: [Int])
        -> Recovery
    {
        let model = o.model
        var rows: [Row] = []
        var perReplicate: [(Int, String, Double)] = []
        for (p, spec) in model.parameters.enumerated() {
            var correlations: [Double] = []
            var errors: [Double] = []
            for r in 0..<estimates[p].count {
                let c = correlation(estimates[p][r], truths[p][r])
                correlations.append(c)
                perReplicate.append((r + 1, spec.name, c))
                errors += zip(estimates[p][r], truths[p][r]).map { $0 - $1 }
            }
            let n = Double(errors.count)
            rows.append(
                Row(
                    parameter: spec.name, correlation: correlations.reduce(0, +) / Double(correlations.count),
                    correlationRange: correlations.min()!...correlations.max()!,
                    bias: errors.reduce(0, +) / n, rmse: (errors.reduce(0) { $0 + $1 * $1 } / n).squareRoot(),
                    coverage90: Double(covered[p]) / n))
        }
        return Recovery(options: o, rows: rows, perReplicate: perReplicate)
    }

    /// Group values drawn from the hierarchy's priors (Philox stream 1000 + replicate).
    static func priorDraw(model: ModelDefinition, seed: UInt64, replicate: Int) -> GroupValues {
        var rng = Philox(seed: seed, stream: 1000 + UInt64(replicate))
        let mu = model.parameters.map { _ in rng.nextNormal() }
        let sigma = model.parameters.map { spec -> Double in
            switch spec.scalePrior {
            case let .halfNormal(s): return abs(rng.nextNormal()) * s
            case let .halfCauchy(s): return min(abs(s * Foundation.tan(Double.pi * (rng.nextUniform() - 0.5))), 5)
            }
        }
        return GroupValues(mu: mu, sigma: sigma)
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        return sab / (saa * sbb).squareRoot()
    }

    public var text: String {
        let o = options
        var lines = [
            "parameter recovery: \(o.model.name), \(o.replicates) replicate(s) of \(o.subjects) subjects × \(o.trials) trials"
                + (o.blocks > 1 ? " in \(o.blocks) blocks" : "")
                + ", \(o.chains) chains × (\(o.warmup) + \(o.draws)), seed \(o.seed)",
            "task: \(o.resolvedTask.description(for: o.model))",
            "",
            "parameter  r(mean, truth)  " + (o.replicates > 1 ? "r range      " : "")
                + "bias      RMSE      90% coverage"
        ]
        for r in rows {
            let range =
                o.replicates > 1
                ? String(format: "%5.3f–%5.3f  ", r.correlationRange.lowerBound, r.correlationRange.upperBound) : ""
            lines.append(
                r.parameter.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + String(format: "%-16.3f", r.correlation)
                    + range + String(format: "%+8.4f  %8.4f  %5.3f", r.bias, r.rmse, r.coverage90))
        }
        lines.append("")
        lines.append(
            "r: correlation across subjects, averaged over replicates"
                + (o.replicates > 1 ? " (range: the lowest and highest replicate)" : "")
                + "; bias and RMSE of the posterior mean; coverage: share of true values inside the 90% interval (near 0.90 when calibrated)"
        )
        return lines.joined(separator: "\n")
    }

    /// One row per parameter, as CSV: the mean correlation, the lowest and highest replicate's,
    /// bias, RMSE and 90% coverage.
    public var csv: String {
        var lines = ["parameter,correlation,correlation_min,correlation_max,bias,rmse,coverage90"]
        for r in rows {
            lines.append(
                "\(r.parameter),\(r.correlation),\(r.correlationRange.lowerBound),\(r.correlationRange.upperBound),\(r.bias),\(r.rmse),\(r.coverage90)"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

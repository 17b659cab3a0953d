import Foundation
import ModelLanguage

extension ModelDefinition {
    /// Checks, before a fit, that what the file hands `categorical` and `bernoulli` are
    /// probabilities: every subject is replayed on its data at two parameter points (the typical
    /// values, and every parameter at Φ≈(0.8) of its range), and on each trial where the
    /// observation counts, P(y = k) must lie in [0, 1] and — over the options or categories —
    /// sum to 1 (within 1e-6). `softmax` and `bernoulli_logit` always pass. A file that writes,
    /// say, `categorical(softmax(u) + xi)` would otherwise fit a likelihood that is not one
    /// (Stan rejects such a draw; here every draw would be wrong), so this is a mistake in the
    /// file: a `ModelFileError` at the observation naming the subject, the data row and the sum.
    /// Non-finite probabilities are left to `checkFiniteLikelihood`, which finds their cause.
    public func checkOutcomeProbabilities(_ batch: TrialBatch) throws {
        var checked: [(column: Int, location: SourceLocation)] = []
        for o in file.observations
        where (o.distribution == .categorical || o.distribution == .bernoulli)
            && !checked.contains(where: { $0.column == o.column })
        {
            checked.append((o.column, o.location))
        }
        guard !checked.isEmpty else { return }
        // Ten significant digits: a sum of 0.9 reads 0.9, not 0.8999999999999999.
        func shown(_ x: Double) -> String { String(format: "%.10g", x) }
        let replay = try ModelReplay(model: self, batch: batch)
        let points = [parameters.map(\.typicalValue), parameters.map { $0.constrain(0.8).value }]
        for (column, location) in checked {
            let name = file.data[column].name
            let categories = replay.probeNames.indices.filter { replay.probeNames[$0].hasPrefix("p_\(name)[") }
            let probabilities = categories.isEmpty ? replay.probe("p_\(name)").map { [$0] } ?? [] : categories
            let logProbabilities = replay.probeNames.indices.filter { replay.probeNames[$0] == "log_lik_\(column)" }
            guard !probabilities.isEmpty else { continue }
            for l in 0..<batch.laneCount {
                let result = replay.run(lane: l, theta: points)
                for t in 0..<result.trials where batch.answered[t * batch.laneCount + l] {
                    for d in 0..<points.count
                    where logProbabilities.contains(where: { result.value($0, trial: t, draw: d) != 0 }) {
                        let p = probabilities.map { result.value($0, trial: t, draw: d) }
                        // NaN or ±∞ is not a probability out of range but a value gone bad earlier
                        // (a division by 0 in an update): `checkFiniteLikelihood` names its cause.
                        guard p.allSatisfy(\.isFinite) else { continue }
                        let total = p.reduce(0, +)
                        let outside = p.firstIndex { !($0 >= -1e-12 && $0 <= 1 + 1e-12) }
                        guard outside != nil || (probabilities.count > 1 && abs(total - 1) > 1e-6) else { continue }
                        let row = Int(batch.sourceLine[t * batch.laneCount + l])
                        let at =
                            "subject \(batch.laneIDs[l])'s trial \(t + 1)" + (row > 0 ? " (data line \(row))" : "")
                            + (d == 0 ? ", at the parameters' typical values" : "")
                        let problem =
                            outside.map { k in
                                "the probability the model gives '\(name)'"
                                    + (probabilities.count > 1 ? " = \(k + 1)" : " = 1")
                                    + " is \(shown(p[k])) on \(at); it must lie in [0, 1]"
                            }
                            ?? "the probabilities the model gives '\(name)' sum to \(shown(total)), not 1, on \(at)"
                        throw ModelFileError(
                            file: file.file, location: location, problem: problem,
                            fix: probabilities.count > 1
                                ? "categorical takes one probability per option, summing to 1: write softmax(u), or a mixture such as (1 - xi) * softmax(u) + xi / K"
                                : "bernoulli takes P(y = 1) in [0, 1]: write e.g. logistic(x), or use bernoulli_logit(x)"
                        )
                    }
                }
            }
        }
    }
}

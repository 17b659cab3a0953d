import Diagnostics
import Foundation

/// The files of a fit directory besides the chain files: `summary.csv`, `subjects.csv` and
/// `fit.json`. Each is written under a temporary name and renamed when complete.
public enum FitFiles {
    /// `summary.csv`: one row per scalar quantity, named as in the chain files.
    public static func summaryCSV(_ summaries: [ParameterSummary]) -> String {
        ([ParameterSummary.csvHeader] + summaries.map(\.csvRow)).joined(separator: "\n") + "\n"
    }

    /// `subjects.csv`: one row per subject (the id as in the data), with the posterior mean and
    /// the 95% central interval (2.5% and 97.5% quantiles) of each natural-scale parameter.
    ///
    /// - Parameters:
    ///   - parameterNames: the model's per-subject parameters (`A`, `tau`).
    ///   - chains: the chain records; columns `<p>.<s>` are read from them.
    public static func subjectsCSV(subjectIDs: [String], parameterNames: [String], chains: [ChainRecord]) -> String {
        let index = chains[0].quantityPositions
        var header = ["subjID"]
        for p in parameterNames { header += ["\(p)_mean", "\(p)_q2.5", "\(p)_q97.5"] }
        var lines = [header.joined(separator: ",")]
        for (s, id) in subjectIDs.enumerated() {
            var row = [csvField(id)]
            for p in parameterNames {
                guard let k = index["\(p).\(s + 1)"] else { row += ["nan", "nan", "nan"]; continue }
                let values = chains.flatMap { $0.column(k) }
                let mean = values.reduce(0, +) / Double(max(values.count, 1))
                let q = quantiles(values, probabilities: [0.025, 0.975])
                row += [mean, q[0], q[1]].map(number)
            }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Pretty, key-sorted JSON (stable across runs apart from timings).
    public static func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) + Data("\n".utf8)
    }
}

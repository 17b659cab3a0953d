import Diagnostics
import Foundation

/// The short report printed at the end of `rlfit fit` and by `rlfit summary DIR`: the group
/// parameters, the worst convergence figures, sampler health, and warnings with what to do.
public struct FitReport: Sendable {
    public let title: String
    public let diagnostics: FitDiagnostics
    /// Quantities shown in the table (group level).
    public let groupNames: [String]
    public let covariateEffects: [CovariateEffect]

    public init(title: String, diagnostics: FitDiagnostics, covariateEffects: [CovariateEffect] = []) {
        self.title = title
        self.diagnostics = diagnostics
        self.covariateEffects = covariateEffects
        let names = diagnostics.summaries.map(\.name)
        // Group level: mu_<param> on the natural scale, then sigma.p, then other scalars that are
        // neither subject-indexed nor log-likelihoods.
        let natural = names.filter { $0.hasPrefix("mu_") && !$0.hasPrefix("mu_pr") && !$0.contains(".") }
        let sigma = names.filter { $0.hasPrefix("sigma.") }
        let gamma = names.filter { $0.hasPrefix("gamma.") }
        groupNames = natural + sigma + gamma
    }

    public var text: String {
        let d = diagnostics
        var lines = [title, ""]
        lines.append(
            pad("", 14) + ["mean", "sd", "5%", "95%", "R-hat", "ESS bulk", "ESS tail"].map { lpad($0, 9) }.joined())
        if groupNames.isEmpty {
            lines.append("  (no group parameters: independent subjects; each subject's estimates are in subjects.csv)")
        }
        for name in groupNames {
            guard let s = d.summary(name) else { continue }
            lines.append(
                pad(name, 14)
                    + [
                        number(s.mean), number(s.sd), number(s.q5), number(s.q95),
                        rhat(s.rhat), count(s.essBulk), count(s.essTail)
                    ].map { lpad($0, 9) }.joined())
        }
        if !covariateEffects.isEmpty {
            lines.append("")
            lines.append("covariate effects at the group location, per +1 sd of the covariate (90% interval):")
            for e in covariateEffects {
                let unit =
                    e.levels.map { "\($0[0]) → \($0[1]) is \(String(format: "%.3g", 1 / e.rawStandardDeviation)) sd" }
                    ?? "1 sd = \(String(format: "%.3g", e.rawStandardDeviation))"
                lines.append(
                    "  \(pad(e.parameter, 8)) ~ \(pad(e.covariate, 10)) \(String(format: "%+.3g", e.mean)) [\(String(format: "%+.3g", e.q5)), \(String(format: "%+.3g", e.q95))]  (\(unit))"
                )
            }
        }
        lines.append("")
        if let w = d.worstRHat { lines.append("worst R-hat      \(rhat(w.rhat)) (\(w.name))") }
        if let b = d.lowestBulkESS { lines.append("lowest bulk ESS  \(count(b.essBulk)) (\(b.name))") }
        if let t = d.lowestTailESS { lines.append("lowest tail ESS  \(count(t.essTail)) (\(t.name))") }
        lines.append("divergences      \(d.divergences) of \(d.totalDraws) draws")
        lines.append("max tree depth   hit \(d.treeDepthHits) times (limit \(d.maxDepth))")
        lines.append(
            "E-BFMI           "
                + zip(d.chainIDs, d.ebfmi).map {
                    "chain \($0.0): \($0.1.isFinite ? String(format: "%.2f", $0.1) : "NaN")"
                }.joined(separator: ", "))
        lines.append(
            "step size        " + d.stepSizes.map { String(format: "%.3g", $0) }.joined(separator: ", ")
                + String(format: " (mean accept_stat %.2f)", d.meanAcceptStat))
        let warnings = d.warnings
        if warnings.isEmpty {
            lines.append("")
            lines.append("No warnings: R-hat < 1.01, ESS ≥ 400, no divergences, E-BFMI ≥ 0.3.")
        } else {
            lines.append("")
            for w in warnings { lines.append("warning: " + w) }
        }
        return lines.joined(separator: "\n")
    }

    func number(_ x: Double) -> String { x.isFinite ? String(format: "%.3g", x) : "nan" }
    func rhat(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "nan" }
    func count(_ x: Double) -> String { x.isFinite ? String(Int(x.rounded())) : "nan" }
    func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }
    func lpad(_ s: String, _ n: Int) -> String {
        s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s
    }
}

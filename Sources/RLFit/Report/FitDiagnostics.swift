import Diagnostics
import Foundation

/// Everything the end-of-fit report and `summary.csv` say about a set of chains: one summary
/// per quantity (rank-normalized split R-hat, bulk/tail ESS, MCSE; Vehtari et al. 2021), the
/// sampler's divergences and tree-depth hits, E-BFMI per chain, and plain-language warnings
/// with the usual thresholds (R-hat < 1.01, ESS > 400, E-BFMI > 0.3; Stan's defaults).
public struct FitDiagnostics: Sendable {
    public let summaries: [ParameterSummary]
    public let chainIDs: [Int]
    /// The chains the summaries use (all, unless an interrupted fit has chains without draws).
    public let summarizedChainIDs: [Int]
    /// Draws per summarized chain.
    public let drawsPerChain: Int
    public let divergences: Int
    public let treeDepthHits: Int
    public let maxDepth: Int
    public let ebfmi: [Double]
    public let stepSizes: [Double]
    public let meanAcceptStat: Double
    public let incompleteChains: [Int]
    /// Warnings about the data (outcome coding, block labels) raised when it was read.
    public let dataWarnings: [String]
    /// The target acceptance statistic and warmup length the fit used (for advice), when known.
    public let adaptDelta: Double?
    public let warmup: Int?
    /// Groups of chains in different modes (empty when they share one).
    public let modes: ChainModes
    /// Parameters whose group-level value, or many subjects' values, sit at a bound of the
    /// parameter's range: (parameter, what sits there, the bound, which side).
    public let boundHits: [(parameter: String, what: String, bound: Double, upper: Bool)]

    public static let rhatThreshold = 1.01
    public static let essThreshold = 400.0
    public static let ebfmiThreshold = 0.3

    /// Summaries over the post-warmup draws of all chains (which must share column names). The
    /// chains of an interrupted fit differ in length: the summaries then use the chains that
    /// have draws (a chain stopped in warmup has none), each cut to the shortest of them.
    /// `bounds`: each model parameter's range on the natural scale (for `boundHits`).
    public init(
        chains: [ChainRecord], maxDepth: Int, dataWarnings: [String] = [], adaptDelta: Double? = nil,
        warmup: Int? = nil,
        bounds: [(name: String, lower: Double, upper: Double)] = []
    ) {
        self.dataWarnings = dataWarnings
        self.adaptDelta = adaptDelta
        self.warmup = warmup
        precondition(!chains.isEmpty)
        let names = chains[0].columnNames
        let width = chains[0].rowWidth
        let withDraws = chains.filter { $0.drawCount > 0 }
        let used = withDraws.isEmpty ? chains : withDraws
        let draws = used.map(\.drawCount).min() ?? 0
        // Quantity tables without the sampler columns, draw-major.
        let tables = used.map { chain -> [Double] in
            var t = [Double]()
            t.reserveCapacity(draws * names.count)
            for r in chain.warmupRowCount..<(chain.warmupRowCount + draws) {
                let start = r * width + ChainRecord.samplerColumnCount
                t.append(contentsOf: chain.table[start..<(start + names.count)])
            }
            return t
        }
        summaries = summarize(names: names, drawTables: tables)
        chainIDs = chains.map(\.id)
        summarizedChainIDs = used.map(\.id)
        drawsPerChain = draws
        let sampler = { (c: ChainRecord.SamplerColumn) in used.flatMap { $0.sampler(c).prefix(draws) } }
        divergences = sampler(.divergent).filter { $0 != 0 }.count
        treeDepthHits = sampler(.treeDepth).filter { $0 >= Double(maxDepth) }.count
        self.maxDepth = maxDepth
        ebfmi = chains.map { Diagnostics.ebfmi(energy: Array($0.sampler(.energy).prefix(draws))) }
        stepSizes = chains.map(\.stepSize)
        let accept = sampler(.acceptStat)
        meanAcceptStat = accept.isEmpty ? .nan : accept.reduce(0, +) / Double(accept.count)
        incompleteChains = chains.filter { !$0.complete }.map(\.id)
        let groupColumns = names.indices.filter { names[$0].hasPrefix("mu_") && !names[$0].hasPrefix("mu_pr.") }
        modes = ChainModes(
            chainIDs: used.map(\.id), lp: used.map { Array($0.sampler(.logDensity).prefix(draws)) },
            quantities: groupColumns.map { k in (names[k], used.map { Array($0.quantity(k).prefix(draws)) }) })
        var hits: [(String, String, Double, Bool)] = []
        let summaryByName = Dictionary(summaries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for b in bounds where b.lower.isFinite && b.upper.isFinite && b.upper > b.lower {
            let near = 0.01 * (b.upper - b.lower)
            func side(_ x: Double) -> Bool? { x > b.upper - near ? true : x < b.lower + near ? false : nil }
            if let mu = summaryByName["mu_\(b.name)"], mu.mean.isFinite, let upper = side(mu.mean) {
                hits.append(
                    (
                        b.name, "the group value mu_\(b.name) (\(String(format: "%.3g", mu.mean)))",
                        upper ? b.upper : b.lower, upper
                    ))
                continue
            }
            let subjects = summaries.filter {
                $0.name.hasPrefix(b.name + ".") && Int($0.name.dropFirst(b.name.count + 1)) != nil && $0.mean.isFinite
            }
            for upper in [true, false] {
                let at = subjects.filter { side($0.mean) == upper }
                if !subjects.isEmpty && at.count * 4 >= subjects.count {
                    hits.append(
                        (
                            b.name, "\(at.count) of \(subjects.count) subjects' \(b.name)", upper ? b.upper : b.lower,
                            upper
                        ))
                }
            }
        }
        boundHits = hits
    }

    public var totalDraws: Int { drawsPerChain * summarizedChainIDs.count }

    /// The summary of the quantity called `name`.
    public func summary(_ name: String) -> ParameterSummary? { summaries.first { $0.name == name } }

    /// Largest R-hat (NaN-free), with its quantity.
    public var worstRHat: ParameterSummary? {
        summaries.filter { $0.rhat.isFinite }.max { $0.rhat < $1.rhat }
    }

    /// Smallest bulk ESS, with its quantity.
    public var lowestBulkESS: ParameterSummary? {
        summaries.filter { $0.essBulk.isFinite }.min { $0.essBulk < $1.essBulk }
    }

    public var lowestTailESS: ParameterSummary? {
        summaries.filter { $0.essTail.isFinite }.min { $0.essTail < $1.essTail }
    }

    /// Plain-language warnings, each with what to do.
    public var warnings: [String] {
        var w: [String] = failures.map { "FAILED: " + $0 }
        if !incompleteChains.isEmpty {
            let used =
                summarizedChainIDs == chainIDs
                ? ""
                : "; the summaries use chains \(summarizedChainIDs.map(String.init).joined(separator: ", ")) (\(drawsPerChain) draws each)"
            w.append(
                "the run was interrupted: chains \(incompleteChains.map(String.init).joined(separator: ", ")) did not finish\(used); do not use these draws for inference (`rlfit fit --resume DIR` finishes the fit)"
            )
        }
        w += dataWarnings
        if warmup == 0 {
            w.append(
                "no warmup (--warmup 0): the step size stays 1 and the metric the identity, so the draws are not a usable sample; use --warmup 1000 (or at least a few hundred)"
            )
        }
        if divergences > 0 {
            let advice: String
            if let delta = adaptDelta, delta >= 0.95, summaries.contains(where: { $0.name.hasPrefix("sigma.") }) {
                advice =
                    "--adapt-delta is already \(delta): the model is hard to sample here. With few subjects the group scales are poorly identified: try --hierarchy none, a smaller --prior-sigma, or more data."
            } else if let delta = adaptDelta, delta >= 0.95 {
                // No group level (--hierarchy none): the subjects' own posteriors are the hard part.
                advice =
                    "--adapt-delta is already \(delta): the model is hard to sample here, with no group level to blame: the quantities with the lowest ESS are poorly identified by these data (a flat or two-peaked likelihood, or parameters pressed against their bounds); more trials or a model with fewer parameters help."
            } else {
                advice = "Rerun with a higher --adapt-delta (e.g. 0.95, hBayesDM's default, or 0.99)."
            }
            w.append(
                "\(divergences) of \(totalDraws) draws ended in a divergent transition: the posterior has regions the step size cannot follow, so estimates may be biased. "
                    + advice)
        }
        if treeDepthHits > 0 {
            w.append(
                "\(treeDepthHits) draws hit the maximum tree depth (\(maxDepth)): sampling is slow but not biased. Raise --max-depth if this is frequent."
            )
        }
        let lowBFMI = zip(chainIDs, ebfmi).filter { $0.1.isFinite && $0.1 < FitDiagnostics.ebfmiThreshold }
        if !lowBFMI.isEmpty {
            w.append(
                "E-BFMI below 0.3 in chain\(lowBFMI.count > 1 ? "s" : "") \(lowBFMI.map { String($0.0) }.joined(separator: ", ")): the sampler explores the energy distribution poorly (heavy tails). Consider more warmup (--warmup) or a reparameterized model."
            )
        }
        let highRHat = summaries.filter { $0.rhat.isFinite && $0.rhat >= FitDiagnostics.rhatThreshold }
        if summarizedChainIDs.count >= 2 && !highRHat.isEmpty && modes.modes.isEmpty {
            let worst = highRHat.max { $0.rhat < $1.rhat }!
            w.append(
                "R-hat ≥ 1.01 for \(highRHat.count) quantit\(highRHat.count == 1 ? "y" : "ies") (worst \(worst.name): \(String(format: "%.3f", worst.rhat))): the chains disagree. Run longer (--warmup, --draws) and check the data and model."
            )
        }
        let lowESS = summaries.filter {
            ($0.essBulk.isFinite && $0.essBulk < FitDiagnostics.essThreshold)
                || ($0.essTail.isFinite && $0.essTail < FitDiagnostics.essThreshold)
        }
        if !lowESS.isEmpty {
            let worst = lowESS.min { min($0.essBulk, $0.essTail) < min($1.essBulk, $1.essTail) }!
            w.append(
                "bulk or tail ESS below 400 for \(lowESS.count) quantit\(lowESS.count == 1 ? "y" : "ies") (lowest \(worst.name): \(Int(min(worst.essBulk, worst.essTail)))): posterior summaries are imprecise. Run more --draws or more --chains."
            )
        }
        for hit in boundHits {
            w.append(
                "\(hit.what) sits at the \(hit.upper ? "upper" : "lower") bound of \(hit.parameter) (\(String(format: "%g", hit.bound))): the data push it "
                    + "past the range the model allows, so the estimate is the bound, not a value the data chose. "
                    + (hit.upper
                        ? "An inverse temperature at its upper bound usually means near-deterministic choices (subjects repeating one option, or a learning rate near 0 that leaves values flat); "
                            + "check the subjects' choices (`rlfit check`), or use a model with perseveration or a lapse."
                        : "At its lower bound the data do not need what the parameter adds (a learning rate of 0: no learning; a forgetting or lapse rate of 0: none); "
                            + "check the subjects' choices (`rlfit check`), or compare with a model without it (`rlfit compare`).")
            )
        }
        // (An interrupted fit's other chains may not have written a file yet: the warning above
        // covers it.)
        if chainIDs.count < 2 && incompleteChains.isEmpty {
            w.append("one chain only: R-hat cannot be computed across chains; run 4 chains to check convergence")
        }
        return w
    }

    /// Why the diagnostics themselves cannot be trusted (the verdict is then "failed"): draws
    /// that are not finite (or whose variance overflows), a quantity that varies but whose R-hat
    /// or ESS is not a number, an E-BFMI that is not a number,
    /// or fewer than 4 kept draws per chain (R-hat and ESS cannot be computed at all).
    public var failures: [String] {
        guard incompleteChains.isEmpty else { return [] }
        var f: [String] = []
        if drawsPerChain < 4 {
            f.append(
                "only \(drawsPerChain) kept draw\(drawsPerChain == 1 ? "" : "s") per chain: R-hat and ESS need at least 4 (and inference a few hundred); rerun with --draws 1000"
            )
            return f
        }
        let nonFinite = summaries.filter { !$0.mean.isFinite || !$0.sd.isFinite }
        if let first = nonFinite.first {
            f.append(
                "\(nonFinite.count) quantit\(nonFinite.count == 1 ? "y has" : "ies have") draws that are not finite numbers (first: \(first.name)): the model overflowed; check the data's scale (rewards of 1e300 overflow any learning rule) and the model"
            )
        }
        let varying = summaries.filter { $0.mean.isFinite && $0.sd.isFinite && $0.sd > 0 }
        let brokenRHat = summarizedChainIDs.count >= 2 ? varying.filter { !$0.rhat.isFinite } : []
        if let first = brokenRHat.first {
            f.append(
                "R-hat is not a number for \(first.name)\(brokenRHat.count > 1 ? " (and \(brokenRHat.count - 1) more)" : ""): the chains do not describe one posterior; more draws will not fix this — check the data and the model"
            )
        }
        let brokenESS = varying.filter { !$0.essBulk.isFinite || !$0.essTail.isFinite }
        if nonFinite.isEmpty, let first = brokenESS.first {
            f.append(
                "the effective sample size of \(first.name) is not a number\(brokenESS.count > 1 ? " (and \(brokenESS.count - 1) more)" : ""): the draws cannot be summarized"
            )
        }
        if let modesWarning = modes.warning { f.append(modesWarning) }
        let badBFMI = zip(chainIDs, ebfmi).filter { !$0.1.isFinite }
        if !badBFMI.isEmpty {
            f.append(
                "E-BFMI is not a number in chain\(badBFMI.count > 1 ? "s" : "") \(badBFMI.map { String($0.0) }.joined(separator: ", ")): the energies are not finite or do not vary; the sampler did not run properly"
            )
        }
        return f
    }

    /// "failed" when the diagnostics cannot be trusted (`failures`), "ok" when no warning is
    /// raised, "warnings" otherwise, "incomplete" after an interruption.
    public var verdict: String {
        if !incompleteChains.isEmpty { return "incomplete" }
        if !failures.isEmpty { return "failed" }
        return warnings.isEmpty ? "ok" : "warnings"
    }
}

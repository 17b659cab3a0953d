import Foundation

/// Chains that sit in different modes of the posterior: groups of chains whose mean lp__ differ
/// by more than `separation` times the chains' own spread of lp__ (the pooled within-chain sd),
/// so that running longer cannot mix them — a two-peaked posterior (e.g. a learning rate near 0
/// with a high inverse temperature in one mode, a fast learner with a low one in the other),
/// which R-hat alone reports as "run longer".
///
/// Each group: its chains, mean lp__, and the group-level quantities (`mu_*`) whose means differ
/// most between the groups (in units of their within-chain sd).
public struct ChainModes: Sendable {
    public struct Mode: Sendable {
        public let chains: [Int]
        public let meanLogDensity: Double
        /// Quantity name → this mode's mean, for the quantities that separate the modes.
        public let means: [(name: String, mean: Double)]
    }

    /// Highest mean lp__ first; empty when the chains share one mode.
    public let modes: [Mode]

    /// Gap between consecutive chains' mean lp__, in pooled within-chain sds, that separates modes.
    public static let separation = 2.0

    /// `lp`: each chain's lp__ draws; `quantities`: name → each chain's draws (same order).
    public init(chainIDs: [Int], lp: [[Double]], quantities: [(name: String, draws: [[Double]])]) {
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(x.count, 1)) }
        func variance(_ x: [Double]) -> Double {
            let m = mean(x)
            return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(x.count - 1, 1))
        }
        guard chainIDs.count >= 2, lp.allSatisfy({ $0.count >= 4 }) else { modes = []; return }
        let means = lp.map(mean)
        let pooled = (lp.map(variance).reduce(0, +) / Double(lp.count)).squareRoot()
        guard pooled.isFinite, pooled > 0, means.allSatisfy(\.isFinite) else { modes = []; return }
        let order = means.indices.sorted { means[$0] > means[$1] }
        var groups: [[Int]] = [[order[0]]]
        for (a, b) in zip(order, order.dropFirst()) {
            if means[a] - means[b] > ChainModes.separation * pooled {
                groups.append([b])
            } else {
                groups[groups.count - 1].append(b)
            }
        }
        guard groups.count > 1 else { modes = []; return }
        // The quantities that differ most between the first two modes, relative to their spread.
        let separating = quantities.compactMap { q -> (String, Double)? in
            let within = (q.draws.map(variance).reduce(0, +) / Double(q.draws.count)).squareRoot()
            guard within.isFinite, within > 0 else { return nil }
            let a = mean(groups[0].flatMap { q.draws[$0] }), b = mean(groups[1].flatMap { q.draws[$0] })
            return (q.name, abs(a - b) / within)
        }.sorted { $0.1 > $1.1 }.prefix(3).map(\.0)
        modes = groups.map { g in
            Mode(
                chains: g.map { chainIDs[$0] }.sorted(), meanLogDensity: mean(g.flatMap { lp[$0] }),
                means: separating.map { name in
                    let draws = quantities.first { $0.name == name }!.draws
                    return (name, mean(g.flatMap { draws[$0] }))
                })
        }
    }

    /// The warning: which chains sit where, that more draws will not help, which mode has the
    /// higher density, and what to do.
    public var warning: String? {
        guard modes.count > 1 else { return nil }
        func describe(_ m: Mode) -> String {
            "chain\(m.chains.count > 1 ? "s" : "") \(m.chains.map(String.init).joined(separator: ", ")) (mean lp__ \(String(format: "%.1f", m.meanLogDensity))"
                + m.means.map { ", \($0.name) \(String(format: "%.3g", $0.mean))" }.joined() + ")"
        }
        let gap = modes[0].meanLogDensity - modes[1].meanLogDensity
        return "the chains sit in \(modes.count) different modes: " + modes.map(describe).joined(separator: "; ")
            + ". More draws will not mix them: a chain does not cross between modes. The first has the higher density "
            + "(mean lp__ higher by \(String(format: "%.1f", gap))), but which holds more of the posterior is unknown, so no single "
            + "chain's summary can be trusted. Rerun with --init optimize: every chain then starts in the highest mode that several "
            + "optimizations find, and the report says where the others ended (a mode lower by tens of units of lp__ holds a "
            + "negligible share of the posterior). The data identify the model poorly: stronger group priors (--prior-sigma 0.1), "
            + "a simpler model, or more trials per subject also help; compare the modes' parameters above to see what they disagree on."
    }
}

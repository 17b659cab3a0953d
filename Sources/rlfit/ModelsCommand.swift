import ArgumentParser
import RLModels

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the models RLFit fits: parameters, bounds, priors, data, coding, reference.")

    func run() throws {
        for m in ModelCatalog.all {
            let aliases = m.name.hasPrefix("prl_") ? " (also \(m.name)_multipleB)" : ""
            print("\(m.name)\(aliases): \(m.summary)")
            for p in m.parameters {
                let (lo, hi) = p.bounds
                let range = p.transform == .identity ? "real" : "(\(format(lo)), \(format(hi)))"
                print("  \(p.name.padding(toLength: 6, withPad: " ", startingAt: 0)) \(range.padding(toLength: 9, withPad: " ", startingAt: 0)) \(p.meaning); group sd prior \(p.scalePrior.description)")
            }
            let options = m.optionCount.map { "1..\($0)" } ?? "1..K, K = largest choice"
            print("  data:   subjID, choice (\(options)), \(m.reward.columns.joined(separator: ", ")); optional block, trial")
            print("  reward: \(m.reward.description); coding: \(m.outcomeCoding)")
            print("  follows \(m.reference)")
            let typical = m.parameters.map { "\($0.name) = \(format($0.typicalValue))" }.joined(separator: ", ")
            let k = m.optionCount ?? 3
            let task = BanditTask.standard(for: m, options: k).description
            print("  simulated around \(typical) (simulate, recover); task\(m.optionCount == nil ? " with --options 3 (the default)" : ""): \(task)")
            print("")
        }
        print("Hierarchy (--hierarchy partial): mu_pr ~ N(0, 1), sigma ~ the prior above, <param>_pr ~ N(0, 1);")
        print("a parameter in (0, U) is U * Phi_approx(mu_pr + sigma * <param>_pr), as hBayesDM.")
    }

    func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}

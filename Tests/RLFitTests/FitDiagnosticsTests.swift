import XCTest
@testable import RLFit

final class FitDiagnosticsTests: XCTestCase {
    /// Two chains of 20 draws with one divergence each, over `names`.
    private func records(_ names: [String]) -> [ChainRecord] {
        (1...2).map { id in
            var table: [Double] = []
            for r in 0..<20 {
                // lp__, accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__, energy__, then the quantities.
                table += [-10 - Double(r % 7), 0.9, 0.1, 3, 7, r == 5 ? 1 : 0, 12 + Double(r % 5)]
                table += names.indices.map { Double(($0 + 1) * ((r * 7 + id * 3) % 11)) * 0.1 }
            }
            return ChainRecord(
                id: id, seed: 1, columnNames: names, table: table, warmupRowCount: 0, stepSize: 0.1,
                inverseMetric: names.map { _ in 1 }, denseMetric: false, warmupSeconds: 1, samplingSeconds: 1,
                complete: true)
        }
    }

    /// Divergences at adapt_delta 0.95 blame the group scales only where there are some: a fit
    /// without a group level (`--hierarchy none`) is not told to try `--hierarchy none`.
    func testDivergenceAdviceFollowsTheHierarchy() {
        let partial = FitDiagnostics(
            chains: records(["mu_pr.1", "sigma.1", "A_pr.1", "log_lik.1"]), maxDepth: 10, adaptDelta: 0.95)
        XCTAssert(
            partial.warnings.contains {
                $0.contains("2 of 40 draws ended in a divergent transition") && $0.contains("try --hierarchy none")
            },
            "\(partial.warnings)")
        let none = FitDiagnostics(chains: records(["A_pr.1", "A.1", "log_lik.1"]), maxDepth: 10, adaptDelta: 0.95)
        let advice = none.warnings.first { $0.contains("divergent transition") } ?? ""
        XCTAssertFalse(advice.contains("--hierarchy none"), advice)
        XCTAssert(advice.contains("no group level") && advice.contains("lowest ESS"), advice)
        let low = FitDiagnostics(chains: records(["A_pr.1", "A.1", "log_lik.1"]), maxDepth: 10, adaptDelta: 0.8)
        XCTAssert(low.warnings.contains { $0.contains("Rerun with a higher --adapt-delta") }, "\(low.warnings)")
    }

    /// Two chains of `draws` draws whose one quantity is `value(chain, draw)`, energies varying.
    private func chains(draws: Int, energy: (Int) -> Double = { 12 + Double($0 % 5) }, value: (Int, Int) -> Double)
        -> [ChainRecord]
    {
        (1...2).map { id in
            var table: [Double] = []
            for r in 0..<draws { table += [-10, 0.9, 0.1, 3, 7, 0, energy(r), value(id, r)] }
            return ChainRecord(
                id: id, seed: 1, columnNames: ["mu_pr.1"], table: table, warmupRowCount: 0, stepSize: 0.1,
                inverseMetric: [1], denseMetric: false, warmupSeconds: 1, samplingSeconds: 1, complete: true)
        }
    }

    /// Diagnostics that cannot be trusted make the verdict "failed", with the reason: fewer
    /// than 4 draws per chain, draws that are not finite (or whose variance overflows), an
    /// E-BFMI that is not a number. A healthy fit stays "ok".
    func testNonFiniteOrMissingDiagnosticsFailTheVerdict() {
        let noise = { (c: Int, r: Int) in sin(Double(r * 7 + c * 13)) }
        let healthy = FitDiagnostics(chains: chains(draws: 400, value: noise), maxDepth: 10)
        XCTAssertTrue(healthy.failures.isEmpty, "\(healthy.failures)")
        let cases: [(String, FitDiagnostics, String)] = [
            (
                "3 draws", FitDiagnostics(chains: chains(draws: 3, value: noise), maxDepth: 10),
                "only 3 kept draws per chain"
            ),
            (
                "infinite",
                FitDiagnostics(chains: chains(draws: 100) { c, r in r == 50 ? .infinity : noise(c, r) }, maxDepth: 10),
                "not finite numbers (first: mu_pr.1)"
            ),
            // Outcomes × 1e300: the draws' variance overflows.
            (
                "1e300",
                FitDiagnostics(
                    chains: chains(draws: 100) { c, r in noise(c, r) * (c == 1 ? 1 : 1e300) + (c == 1 ? 0 : 1e300) },
                    maxDepth: 10),
                "not finite numbers"
            ),
            (
                "E-BFMI", FitDiagnostics(chains: chains(draws: 100, energy: { _ in .nan }, value: noise), maxDepth: 10),
                "E-BFMI is not a number in chains 1, 2"
            )
        ]
        for (name, d, reason) in cases {
            XCTAssertEqual(d.verdict, "failed", name)
            XCTAssertTrue(
                d.warnings.contains { $0.hasPrefix("FAILED: ") && $0.contains(reason) }, "\(name): \(d.warnings)")
        }
    }

    /// Four chains, two in each of two modes (lp__ means 40 apart, spread 10; mu_tau 5.0 vs
    /// 3.6): the verdict fails, naming the chains of each mode, their lp__ and mu_tau, the mode of
    /// higher density, and that more draws will not help — not "run longer". One mode: no such
    /// warning.
    func testChainsInDifferentModesAreNamed() {
        func fourChains(gap: Double) -> [ChainRecord] {
            (1...4).map { id in
                let high = id == 1 || id == 3
                var table: [Double] = []
                for r in 0..<200 {
                    let z = sin(Double(r * 37 + id * 11)), z2 = cos(Double(r * 23 + id * 5))
                    table += [(high ? -100 : -100 - gap) + 10 * z, 0.9, 0.1, 3, 7, 0, 110 + 10 * z2]
                    table += [(high ? 5.0 : 5.0 - gap * 0.035) + 0.05 * z2, 0.3 + 0.02 * z]
                }
                return ChainRecord(
                    id: id, seed: 1, columnNames: ["mu_tau", "mu_A"], table: table, warmupRowCount: 0, stepSize: 0.1,
                    inverseMetric: [1, 1], denseMetric: false, warmupSeconds: 1, samplingSeconds: 1, complete: true)
            }
        }
        let split = FitDiagnostics(chains: fourChains(gap: 40), maxDepth: 10)
        XCTAssertEqual(split.verdict, "failed")
        let warning = split.warnings.first { $0.contains("different modes") } ?? ""
        XCTAssertTrue(
            warning.contains("chains 1, 3 (mean lp__ -100.0, mu_tau 5")
                && warning.contains("chains 2, 4 (mean lp__ -140.0, mu_tau 3.6"), warning)
        XCTAssertTrue(warning.contains("More draws will not mix them") && warning.contains("higher by 40.0"), warning)
        XCTAssertFalse(split.warnings.contains { $0.contains("Run longer") }, "\(split.warnings)")
        let one = FitDiagnostics(chains: fourChains(gap: 0), maxDepth: 10)
        XCTAssertTrue(one.modes.modes.isEmpty)
        XCTAssertFalse(one.warnings.contains { $0.contains("different modes") })
    }

    /// A group value piled at its parameter's bound (tau at 5 of (0, 5)) is named with what it
    /// suggests; one well inside the range is not.
    func testAParameterPiledAtItsBoundIsNamed() {
        let chains = (1...2).map { id -> ChainRecord in
            var table: [Double] = []
            for r in 0..<100 {
                let z = sin(Double(r * 37 + id * 11))
                table += [-100 + z, 0.9, 0.1, 3, 7, 0, 110 + z, 4.985 + 0.01 * z, 0.3 + 0.02 * z, 0.001 + 0.0005 * z]
            }
            return ChainRecord(
                id: id, seed: 1, columnNames: ["mu_tau", "mu_A", "mu_F"], table: table, warmupRowCount: 0,
                stepSize: 0.1, inverseMetric: [1, 1, 1], denseMetric: false, warmupSeconds: 1, samplingSeconds: 1,
                complete: true)
        }
        let d = FitDiagnostics(
            chains: chains, maxDepth: 10,
            bounds: [
                (name: "tau", lower: 0, upper: 5), (name: "A", lower: 0, upper: 1), (name: "F", lower: 0, upper: 1)
            ])
        XCTAssertEqual(d.boundHits.map(\.parameter), ["tau", "F"])
        XCTAssertTrue(
            d.warnings.contains {
                $0.contains("the group value mu_tau (4.98") && $0.contains("upper bound of tau (5)")
                    && $0.contains("perseveration or a lapse")
            }, "\(d.warnings)")
        // At a lower bound (a forgetting rate of 0) the advice is to compare without the term,
        // not to add perseveration or a lapse (the model may have both).
        XCTAssertTrue(
            d.warnings.contains {
                $0.contains("lower bound of F (0)") && $0.contains("compare with a model without it")
                    && !$0.contains("perseveration")
            }, "\(d.warnings)")
    }
}

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
            return ChainRecord(id: id, seed: 1, columnNames: names, table: table, warmupRowCount: 0, stepSize: 0.1,
                               inverseMetric: names.map { _ in 1 }, denseMetric: false, warmupSeconds: 1, samplingSeconds: 1,
                               complete: true)
        }
    }

    /// Divergences at adapt_delta 0.95 blame the group scales only where there are some: a fit
    /// without a group level (`--hierarchy none`) is not told to try `--hierarchy none`.
    func testDivergenceAdviceFollowsTheHierarchy() {
        let partial = FitDiagnostics(chains: records(["mu_pr.1", "sigma.1", "A_pr.1", "log_lik.1"]), maxDepth: 10, adaptDelta: 0.95)
        XCTAssert(partial.warnings.contains { $0.contains("2 of 40 draws ended in a divergent transition") && $0.contains("try --hierarchy none") },
                  "\(partial.warnings)")
        let none = FitDiagnostics(chains: records(["A_pr.1", "A.1", "log_lik.1"]), maxDepth: 10, adaptDelta: 0.95)
        let advice = none.warnings.first { $0.contains("divergent transition") } ?? ""
        XCTAssertFalse(advice.contains("--hierarchy none"), advice)
        XCTAssert(advice.contains("no group level") && advice.contains("lowest ESS"), advice)
        let low = FitDiagnostics(chains: records(["A_pr.1", "A.1", "log_lik.1"]), maxDepth: 10, adaptDelta: 0.8)
        XCTAssert(low.warnings.contains { $0.contains("Rerun with a higher --adapt-delta") }, "\(low.warnings)")
    }
}

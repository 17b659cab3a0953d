import Foundation
import Sampling
import XCTest

/// Neal's funnel in its centred form is the classic case where NUTS must *report* trouble:
/// divergences in the neck, counted per draw and per chain, and no crash or non-finite draw.
final class FunnelTests: XCTestCase {
    func testFunnelReportsDivergences() throws {
        let config = SamplerConfiguration(warmup: 500, draws: 1000, metric: .diag, seed: 99)
        let results = try Sampler(configuration: config).runChains(chainIDs: [0, 1, 2, 3], threads: 2) { _ in
            Funnel(k: 9)
        }
        let total = results.reduce(0) { $0 + $1.divergences }
        XCTAssertGreaterThan(total, 0, "the centred funnel must produce divergences")
        for r in results {
            XCTAssertTrue(r.isComplete)
            XCTAssertEqual(r.divergences, r.statistics.filter(\.divergent).count)
            XCTAssert(r.positions.allSatisfy(\.isFinite))
            XCTAssert(r.statistics.allSatisfy { $0.logDensity.isFinite && $0.energy.isFinite })
        }
        print("funnel: divergences per chain \(results.map(\.divergences)), warmup \(results.map(\.warmupDivergences))")
    }
}

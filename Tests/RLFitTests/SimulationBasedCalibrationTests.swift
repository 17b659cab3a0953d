import XCTest
@testable import RLFit
import RLModels

final class SimulationBasedCalibrationTests: XCTestCase {
    /// χ² survival against table values: P(χ²₉ > 16.919) = 0.05, P(χ²₉ > 21.666) = 0.01,
    /// P(χ²₁ > 3.841) = 0.05, P(χ²₂ > x) = e^(−x/2).
    func testChiSquareSurvival() {
        XCTAssertEqual(SimulationBasedCalibration.chiSquareSurvival(16.919, degreesOfFreedom: 9), 0.05, accuracy: 1e-4)
        XCTAssertEqual(SimulationBasedCalibration.chiSquareSurvival(21.666, degreesOfFreedom: 9), 0.01, accuracy: 1e-4)
        XCTAssertEqual(SimulationBasedCalibration.chiSquareSurvival(3.841, degreesOfFreedom: 1), 0.05, accuracy: 1e-4)
        for x in [0.5, 2.0, 7.0, 30.0] {
            XCTAssertEqual(
                SimulationBasedCalibration.chiSquareSurvival(x, degreesOfFreedom: 2), exp(-x / 2), accuracy: 1e-12)
        }
        XCTAssertEqual(SimulationBasedCalibration.chiSquareSurvival(0, degreesOfFreedom: 4), 1)
    }

    /// Ranks lie in 0...L, one per replicate and tracked quantity, and the histogram counts them all.
    func testRanksAndHistogram() throws {
        var o = SimulationBasedCalibration.Options(model: ModelCatalog.bandit2armDelta)
        o.replicates = 6
        o.subjects = 4
        o.trials = 40
        o.warmup = 100
        o.draws = 100
        o.rankDraws = 49
        o.bins = 5
        let sbc = try SimulationBasedCalibration.run(o)
        XCTAssertEqual(sbc.quantities.map(\.name), ["mu_pr.1", "mu_pr.2", "sigma.1", "sigma.2", "A.1", "tau.1"])
        for q in sbc.quantities {
            XCTAssertEqual(q.ranks.count, 6)
            XCTAssert(q.ranks.allSatisfy { (0...49).contains($0) })
            XCTAssertEqual(q.counts.reduce(0, +), 6)
            XCTAssert(q.pValue >= 0 && q.pValue <= 1)
        }
        XCTAssertEqual(sbc.csv.split(separator: "\n").count, 1 + 6 * 6)
    }
}

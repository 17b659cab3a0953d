import XCTest
import Foundation
@testable import RLFit
import RLModels

/// Simulate → fit recovers the parameters, for every model, through the code behind
/// `rlfit recover`: 50 subjects × 200 trials drawn around each parameter's typical value with a
/// between-subject sd of 0.6 on the Φ≈ scale (0.8 for unbounded parameters), on each model's
/// reference task (the bandit reversed halfway, 0.7 / 0.3 or 0.8 / 0.5 / 0.2 for three
/// options; den Ouden et al.'s probabilistic reversal learning for the prl models), 2 chains ×
/// (500 warmup + 500 draws). The correlation between each subject's posterior mean and the
/// true value, averaged over 3 simulated studies (one study's r has a Monte Carlo sd near 0.04
/// at r ≈ 0.8), must reach 0.8 for learning rates and inverse temperatures; every parameter's
/// figure is printed (the recovery table).
final class ParameterRecoveryTests: XCTestCase {
    static let rateOrTemperature: Set<String> = ["A", "A_pos", "A_neg", "Apun", "Arew", "eta", "tau", "beta"]

    /// The seven models in the order that fixes each one's seed (100 + 10 × position).
    static let models = [
        "bandit2arm_delta", "banditNarm_delta", "delta_forget", "delta_dual", "delta_stick", "prl_rp", "prl_fictitious"
    ]

    func testEveryModelRecoversItsParameters() throws {
        var table = ["model            parameter  r (range)              mean bias  90% coverage"]
        for (m, name) in Self.models.enumerated() {
            let model = try XCTUnwrap(ModelCatalog.model(named: name))
            var group = GroupValues.defaults(for: model)
            group.sigma = model.parameters.map { $0.transform == .identity || $0.transform == .exponential ? 0.8 : 0.6 }
            var o = Recovery.Options(model: model)
            o.options = model.optionCount == nil ? 3 : nil
            o.replicates = 3
            o.seed = UInt64(100 + 10 * m)
            o.group = group
            o.threads = 2
            let recovery = try Recovery.run(o)
            XCTAssertEqual(recovery.rows.map(\.parameter), model.parameters.map(\.name))
            XCTAssert(recovery.rows.allSatisfy { $0.correlationRange.contains($0.correlation) })
            XCTAssertEqual(
                recovery.csv.split(separator: "\n").map { $0.split(separator: ",").count },
                [Int](repeating: 7, count: model.parameters.count + 1))
            XCTAssert(recovery.text.contains("r range"), recovery.text)
            for row in recovery.rows {
                table.append(
                    String(
                        format: "%-16@ %-10@ %6.3f (%5.3f–%5.3f)  %+.3f     %.3f",
                        model.name, row.parameter, row.correlation, row.correlationRange.lowerBound,
                        row.correlationRange.upperBound, row.bias, row.coverage90))
                if Self.rateOrTemperature.contains(row.parameter) {
                    XCTAssertGreaterThanOrEqual(row.correlation, 0.8, "\(model.name) \(row.parameter)")
                }
            }
        }
        print(table.joined(separator: "\n"))
    }
}

import XCTest
import Foundation
import Diagnostics
@testable import RLFit
import RLModels
import Sampling

/// RLFit's posterior for the 20-subject bench study equals Stan's long-run reference (4 × 5000
/// draws of hBayesDM's bandit2arm_delta program) within Monte Carlo error: every group and
/// subject quantity's mean within 4 combined MCSE, every sd within 4 of its own Monte Carlo
/// standard errors (≈ sd/√(2·ESS)) plus 2%.
final class FitEqualsStanTests: XCTestCase {
    struct Reference {
        var mean: [String: Double] = [:]
        var sd: [String: Double] = [:]
        var essFloor: Double = 0
    }

    func loadReference() throws -> Reference {
        let url = Bundle.module.url(forResource: "Fixtures/reference_S20", withExtension: "json")!
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let params = json["params"] as! [String: [String: Any]]
        var ref = Reference()
        for (name, stats) in params {
            if let m = stats["mean"] as? Double {
                ref.mean[name] = m
                ref.sd[name] = stats["sd"] as? Double
            } else if let m = stats["mean"] as? [Double], let s = stats["sd"] as? [Double], m.count == 1,
                name.hasPrefix("mu_"), name != "mu_pr"
            {
                ref.mean[name] = m[0] // mu_A, mu_tau: scalars stored as 1-vectors
                ref.sd[name] = s[0]
            } else if let m = stats["mean"] as? [Double], let s = stats["sd"] as? [Double] {
                for i in 0..<m.count {
                    ref.mean["\(name).\(i + 1)"] = m[i]
                    ref.sd["\(name).\(i + 1)"] = s[i]
                }
            }
        }
        ref.essFloor = ((json["diagnostics"] as! [String: Any])["min_ess_bulk"] as! Double)
        return ref
    }

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
    }

    func testPosteriorEqualsStanReference() throws {
        let reference = try loadReference()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("rlfit-stan-\(UUID().uuidString)").path
        let options = FitOptions(
            model: ModelCatalog.bandit2armDelta, dataPath: Self.fixture("data_S20_T200.tsv"),
            outputDirectory: out, chainIDs: [1, 2, 3, 4], warmup: 500, draws: 500, seed: 2024)
        let outcome = try FitRunner(options: options).run()
        XCTAssertTrue(outcome.complete)
        XCTAssertEqual(outcome.diagnostics.divergences, 0)
        var compared = 0
        // Every quantity is reported under Stan's name: mu_pr.p, sigma.p, A_pr.s, tau_pr.s, A.s, tau.s, mu_A, mu_tau.
        for (name, refMean) in reference.mean.sorted(by: { $0.key < $1.key }) {
            guard let s = outcome.diagnostics.summary(name) else { XCTFail("no \(name) in the fit"); continue }
            let refSD = reference.sd[name]!
            let meanTolerance = 4 * (s.mcseMean * s.mcseMean + refSD * refSD / reference.essFloor).squareRoot()
            XCTAssertEqual(s.mean, refMean, accuracy: meanTolerance, "\(name) mean (mcse \(s.mcseMean))")
            let ess = min(s.essBulk, s.essTail)
            let sdTolerance = refSD * (4 / (2 * ess).squareRoot() + 0.02)
            XCTAssertEqual(s.sd, refSD, accuracy: sdTolerance, "\(name) sd (ESS \(ess))")
            XCTAssertLessThan(s.rhat, 1.01, name)
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 2 + 2 + 2 + 20 * 4)
    }
}

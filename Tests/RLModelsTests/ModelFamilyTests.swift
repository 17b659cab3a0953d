import XCTest
import Foundation
import Randomness
@testable import RLModels

/// Every model of the catalog, under every hierarchy: simulated data read back, the exact
/// gradient against central finite differences, and the likelihood against the plain reference.
final class ModelFamilyTests: XCTestCase {
    func logDensity(_ posterior: HierarchicalPosterior, _ x: [Double], gradient: inout [Double]) -> Double {
        x.withUnsafeBufferPointer { xp in gradient.withUnsafeMutableBufferPointer { posterior.logDensity(xp, gradient: $0) } }
    }

    func logDensity(_ posterior: HierarchicalPosterior, _ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
    }

    func covariates(subjects: Int) -> SubjectCovariates {
        let age: [Double] = (0..<subjects).map { (s: Int) -> Double in 20 + 3 * Double(s) }
        let group: [Double] = (0..<subjects).map { (s: Int) -> Double in Double(s % 2) }
        let raw: [[Double]] = [age, group]
        guard case let .success(c) = SubjectCovariates.standardized(names: ["age", "group"], raw: raw, levels: [:]) else {
            fatalError("covariates")
        }
        return c
    }

    func checkGradient(_ posterior: HierarchicalPosterior, seed: UInt64, label: String) {
        var rng = Philox(seed: seed)
        for _ in 0..<2 {
            let x = (0..<posterior.dimension).map { _ in rng.nextUniform(-1.5, 1.5) }
            var g = [Double](repeating: 0, count: posterior.dimension)
            let lp = logDensity(posterior, x, gradient: &g)
            XCTAssert(lp.isFinite, label)
            XCTAssertEqual(logDensity(posterior, x), lp, label)
            for i in 0..<posterior.dimension {
                let h = 1e-5 * max(1, abs(x[i]))
                var up = x, down = x
                up[i] += h
                down[i] -= h
                let numeric = (logDensity(posterior, up) - logDensity(posterior, down)) / (2 * h)
                XCTAssertLessThan(abs(g[i] - numeric) / max(1, abs(numeric)), 1e-6,
                                  "\(label) \(posterior.coordinateNames[i]): analytic \(g[i]) numeric \(numeric)")
            }
        }
    }

    func testEveryModelAndHierarchyHasAnExactGradient() {
        for (m, model) in ModelCatalog.all.enumerated() {
            let options = model.optionCount == nil ? 3 : nil
            let study = StudySimulator.simulate(model: model, subjects: 6, trials: 40, blocks: 2, missingProbability: 0.1,
                                                seed: UInt64(10 + m), options: options)
            let batch = study.batch
            checkGradient(HierarchicalPosterior(model: model, batch: batch), seed: 1, label: "\(model.name) partial")
            checkGradient(HierarchicalPosterior(model: model, batch: batch, priors: HierarchyPriors(muScale: 2, sigmaScale: 0.5, gammaScale: 0.7),
                                                covariates: covariates(subjects: 6)), seed: 2, label: "\(model.name) covariates")
            checkGradient(HierarchicalPosterior(model: model, batch: batch, mode: .none), seed: 3, label: "\(model.name) none")
            checkGradient(HierarchicalPosterior(model: model, batch: batch, mode: .pooled), seed: 4, label: "\(model.name) pooled")
        }
    }

    /// Each model's simulated file reads back into the same batch (gain/loss columns included),
    /// and the posterior's subject log-likelihoods equal the plain reference's on that data.
    func testSimulatedDataRoundTripAndReferenceLikelihood() throws {
        for model in ModelCatalog.all {
            let study = StudySimulator.simulate(model: model, subjects: 5, trials: 30, blocks: 2, missingProbability: 0.1,
                                                seed: 3, options: model.optionCount == nil ? 4 : nil)
            let text = TrialTableWriter.tsv(study.batch, blockNumber: study.blockNumber, writeBlockColumn: true)
            let back = try TrialTableReader.parse(text: text, fileName: "sim.tsv", requirements: model.data)
            XCTAssertEqual(back.choice, study.batch.choice, model.name)
            XCTAssertEqual(back.columns, study.batch.columns, model.name)
            let posterior = HierarchicalPosterior(model: model, batch: back)
            let x = (0..<posterior.dimension).map { Double($0 % 5) * 0.2 - 0.4 }
            _ = logDensity(posterior, x)
            let theta = posterior.subjectParameters(x)
            let P = model.parameters.count
            let want = referenceLikelihood(rule: model.rule, batch: back, reward: model.reward.rewards(back),
                                           theta: (0..<P).map { Array(theta[($0 * 5)..<(($0 + 1) * 5)]) })
            for s in 0..<5 { XCTAssertEqual(posterior.subjectLogLikelihood[s], want[s].v, accuracy: 1e-11 * abs(want[s].v), model.name) }
        }
    }

    /// The scalar trial step (simulation, trajectories) and the vectorized scan are one model:
    /// replaying the observed choices through `choiceProbabilities`/`update` gives each
    /// subject's log-likelihood as the scan computes it.
    func testTrialStepAgreesWithTheScan() throws {
        for model in ModelCatalog.all {
            let study = StudySimulator.simulate(model: model, subjects: 5, trials: 40, blocks: 2, missingProbability: 0.1,
                                                seed: 21, options: model.optionCount == nil ? 4 : nil)
            let batch = study.batch
            let posterior = HierarchicalPosterior(model: model, batch: batch)
            let x = (0..<posterior.dimension).map { Double($0 % 7) * 0.15 - 0.45 }
            let theta = posterior.subjectParameters(x)
            let rewards = model.reward.rewards(batch)
            let P = model.parameters.count, S = batch.subjectCount, K = batch.optionCount
            for s in 0..<S {
                let th = (0..<P).map { theta[$0 * S + s] }
                var q = [Double](repeating: 0, count: K), previous = -1, total = 0.0
                for t in 0..<batch.trialsPerSubject[s] {
                    let i = t * S + s
                    if batch.blockStart[i] { q = [Double](repeating: 0, count: K); previous = -1 }
                    let c = Int(batch.choice[i])
                    guard c >= 0 else { continue }
                    total += Foundation.log(model.rule.choiceProbabilities(q: q, theta: th, previous: previous)[c])
                    model.rule.update(q: &q, chosen: c, reward: rewards[i], theta: th)
                    previous = c
                }
                XCTAssertEqual(total, posterior.subjectLogLikelihood[s], accuracy: 1e-10 * abs(total), "\(model.name) subject \(s)")
            }
        }
    }

    /// Rewards as each model defines them, and hBayesDM's multiple-block names.
    func testRewardDefinitionsAndNames() throws {
        let text = "subjID\tchoice\tgain\tloss\toutcome\n1\t1\t1\t0\t25\n1\t3\t0\t-1\t-25\n1\t2\t1\t-1\t0\n"
        let batch = try TrialTableReader.parse(text: text, fileName: "r.tsv",
                                               requirements: DataRequirements(optionCount: nil, numericColumns: ["gain", "loss", "outcome"]))
        XCTAssertEqual(RewardDefinition.gainMinusLoss(gain: "gain", loss: "loss").rewards(batch), [1, -1, 0])
        XCTAssertEqual(RewardDefinition.signOf("outcome").rewards(batch), [1, -1, 0])
        XCTAssertEqual(ModelCatalog.model(named: "prl_rp_multipleB")?.name, "prl_rp")
        XCTAssertEqual(ModelCatalog.model(named: "prl_fictitious_multipleB")?.name, "prl_fictitious")
        XCTAssertNil(ModelCatalog.model(named: "bandit2arm"))
        XCTAssertEqual(batch.optionCount, 3)
        // prl_fictitious's alpha has a half-Cauchy(0, 1) scale prior, as hBayesDM.
        XCTAssertEqual(ModelCatalog.prlFictitious.parameters[1].scalePrior, .halfCauchy(1))
        XCTAssertEqual(ModelCatalog.prlRP.parameters.map(\.name), ["Apun", "Arew", "beta"])
    }
}

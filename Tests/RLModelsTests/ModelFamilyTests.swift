import XCTest
import Foundation
import HandWrittenScan
import ModelLanguage
import Randomness
@testable import RLModels

/// Every model of the catalog, under every hierarchy: simulated data read back, the exact
/// gradient against central finite differences, the likelihood against the hand-written scan,
/// and replays agreeing with the likelihood.
final class ModelFamilyTests: XCTestCase {
    func logDensity(_ posterior: HierarchicalPosterior, _ x: [Double], gradient: inout [Double]) -> Double {
        x.withUnsafeBufferPointer { xp in
            gradient.withUnsafeMutableBufferPointer { posterior.logDensity(xp, gradient: $0) }
        }
    }

    func logDensity(_ posterior: HierarchicalPosterior, _ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
    }

    func covariates(subjects: Int) -> SubjectCovariates {
        let age: [Double] = (0..<subjects).map { (s: Int) -> Double in 20 + 3 * Double(s) }
        let group: [Double] = (0..<subjects).map { (s: Int) -> Double in Double(s % 2) }
        let raw: [[Double]] = [age, group]
        guard case let .success(c) = SubjectCovariates.standardized(names: ["age", "group"], raw: raw, levels: [:])
        else {
            fatalError("covariates")
        }
        return c
    }

    func checkGradient(_ posterior: HierarchicalPosterior, seed: UInt64, label: String) {
        var rng = Philox(seed: seed)
        var checked = 0, drawn = 0
        while checked < 2 {
            drawn += 1
            let x = (0..<posterior.dimension).map { _ in rng.nextUniform(-1.5, 1.5) }
            var g = [Double](repeating: 0, count: posterior.dimension)
            let lp = logDensity(posterior, x, gradient: &g)
            XCTAssert(lp.isFinite, label)
            XCTAssertEqual(logDensity(posterior, x), lp, label)
            // A point whose log density is below -1e7 lies outside any posterior, where a model
            // can be ill-conditioned itself (bart_par4's 1 - (phi + eta·s)/(1 + eta·n) cancels
            // to a burst belief near 0): another point is drawn (BuiltInModelGradientTests
            // checks the machine against the reference interpreter everywhere).
            guard lp > -1e7 || drawn > 20 else { continue }
            checked += 1
            for i in 0..<posterior.dimension {
                // Central differences at step h, and at h/100 when a kink of a piecewise model
                // (the clipping of alt_delta and alt_gamma, min and max) lies within h of x.
                func numeric(_ h: Double) -> Double {
                    var up = x, down = x
                    up[i] += h
                    down[i] -= h
                    return (logDensity(posterior, up) - logDensity(posterior, down)) / (2 * h)
                }
                // A central difference rounds off by about ε·|log density|/h, which at extreme
                // points (the bart models' log densities reach 1e8 there) exceeds 1e-6 of a
                // gradient of order 1: that much more is allowed.
                func allowed(_ h: Double, _ estimate: Double) -> Double {
                    1e-6 * max(1, abs(estimate)) + 8 * Double.ulpOfOne * abs(lp) / h
                }
                var h = 1e-5 * max(1, abs(x[i]))
                var estimate = numeric(h)
                if abs(g[i] - estimate) >= allowed(h, estimate) {
                    h /= 100
                    estimate = numeric(h)
                }
                XCTAssertLessThan(
                    abs(g[i] - estimate), allowed(h, estimate),
                    "\(label) \(posterior.coordinateNames[i]): analytic \(g[i]) numeric \(estimate), log density \(lp)")
            }
        }
    }

    func testEveryModelAndHierarchyHasAnExactGradient() throws {
        for (m, model) in ModelCatalog.all.enumerated() {
            let options = model.optionCount == nil ? 3 : nil
            let study = try StudySimulator.simulate(
                model: model, subjects: 6, trials: 40, blocks: 2, missingProbability: 0.1,
                seed: UInt64(10 + m), options: options)
            let batch = study.batch
            checkGradient(HierarchicalPosterior(model: model, batch: batch), seed: 1, label: "\(model.name) partial")
            checkGradient(
                HierarchicalPosterior(
                    model: model, batch: batch, priors: HierarchyPriors(muScale: 2, sigmaScale: 0.5, gammaScale: 0.7),
                    covariates: covariates(subjects: 6)), seed: 2, label: "\(model.name) covariates")
            checkGradient(
                HierarchicalPosterior(model: model, batch: batch, mode: .none), seed: 3, label: "\(model.name) none")
            checkGradient(
                HierarchicalPosterior(model: model, batch: batch, mode: .pooled), seed: 4, label: "\(model.name) pooled"
            )
        }
    }

    /// Each model's simulated file reads back into the same batch (gain/loss columns included),
    /// and the posterior's subject log-likelihoods equal the hand-written scan's on that data
    /// (for the models the hand-written scan had; the others are checked against hBayesDM's
    /// Stan programs by scripts/validate-hbayesdm.py).
    func testSimulatedDataRoundTripAndReferenceLikelihood() throws {
        for model in ModelCatalog.all {
            let study = try StudySimulator.simulate(
                model: model, subjects: 5, trials: 30, blocks: 2, missingProbability: 0.1,
                seed: 3, options: model.optionCount == nil ? 4 : nil)
            let text = TrialTableWriter.tsv(study.batch, blockNumber: study.blockNumber, writeBlockColumn: true)
            let back = try TrialTableReader.parse(text: text, fileName: "sim.tsv", requirements: model.data)
            XCTAssertEqual(back.choice, study.batch.choice, model.name)
            XCTAssertEqual(back.columns, study.batch.columns, model.name)
            guard HandWrittenModels.names.contains(model.name) else { continue }
            let posterior = HierarchicalPosterior(model: model, batch: back)
            let x = (0..<posterior.dimension).map { Double($0 % 5) * 0.2 - 0.4 }
            _ = logDensity(posterior, x)
            let theta = posterior.subjectParameters(x)
            let P = model.parameters.count
            var want = [Double](repeating: 0, count: 5)
            _ = HandWrittenModels.likelihood(model.name, batch: back, parameterCount: P)
                .evaluate(theta: theta, subjectLogLikelihood: &want, gradient: nil)
            for s in 0..<5 {
                XCTAssertEqual(posterior.subjectLogLikelihood[s], want[s], accuracy: 1e-11 * abs(want[s]), model.name)
            }
        }
    }

    /// Replays (trajectories, trial log-likelihoods, learning curves) and the likelihood are one
    /// model: a lane replayed under many draws gives, per draw, trial log-probabilities summing
    /// to the subject's log-likelihood, and choice probabilities summing to 1.
    func testReplayAgreesWithTheLikelihood() throws {
        for model in ModelCatalog.all {
            let study = try StudySimulator.simulate(
                model: model, subjects: 5, trials: 40, blocks: 2, missingProbability: 0.1,
                seed: 21, options: model.optionCount == nil ? 4 : nil)
            let batch = study.batch
            let posterior = HierarchicalPosterior(model: model, batch: batch)
            let replay = try ModelReplay(model: model, batch: batch)
            let P = model.parameters.count, S = batch.laneCount
            let points = (0..<3).map { d in (0..<posterior.dimension).map { Double(($0 + d) % 7) * 0.15 - 0.45 } }
            for s in 0..<S {
                var expected: [Double] = []
                var theta: [[Double]] = []
                for x in points {
                    let th = posterior.subjectParameters(x)
                    expected.append(posterior.subjectLogLikelihood[s])
                    theta.append((0..<P).map { th[$0 * S + s] })
                }
                let run = replay.run(lane: s, theta: theta)
                // Choice probabilities sum to 1 (models observing a choice among options; a
                // wiener response comes with its time, and replays report its log p only).
                let probabilities = replay.choiceProbabilityProbes
                XCTAssertEqual(
                    probabilities == nil, model.data.choiceColumn == nil || model.task == .probabilisticSelectionRT,
                    model.name)
                for d in 0..<theta.count {
                    var total = 0.0
                    for t in 0..<run.trials {
                        total += replay.logLikelihoodProbes.reduce(0) { $0 + run.value($1, trial: t, draw: d) }
                        if let probabilities {
                            XCTAssertEqual(
                                probabilities.reduce(0) { $0 + run.value($1, trial: t, draw: d) }, 1, accuracy: 1e-12)
                        }
                    }
                    XCTAssertEqual(
                        total, expected[d], accuracy: 1e-10 * abs(total), "\(model.name) subject \(s) draw \(d)")
                }
            }
        }
    }

    /// hBayesDM's banditNarm_ models are its bandit4arm models over K options: on four-option
    /// data each gives its bandit4arm counterpart's log density and gradient exactly.
    func testBanditNarmModelsEqualTheirFourArmedCounterparts() throws {
        let pairs = [
            ("banditNarm_4par", "bandit4arm_4par"), ("banditNarm_lapse", "bandit4arm_lapse"),
            ("banditNarm_lapse_decay", "bandit4arm_lapse_decay"),
            ("banditNarm_singleA_lapse", "bandit4arm_singleA_lapse"),
            ("banditNarm_2par_lapse", "bandit4arm_2par_lapse"),
            ("banditNarm_kalman_filter", "bandit4arm2_kalman_filter")
        ]
        for (general, fourArmed) in pairs {
            let narm = try XCTUnwrap(ModelCatalog.model(named: general)),
                four = try XCTUnwrap(ModelCatalog.model(named: fourArmed))
            XCTAssertNil(narm.optionCount, general)
            XCTAssertEqual(four.optionCount, 4, fourArmed)
            let study = try StudySimulator.simulate(
                model: four, subjects: 4, trials: 50, blocks: 2, missingProbability: 0.1, seed: 8)
            let a = HierarchicalPosterior(model: narm, batch: study.batch),
                b = HierarchicalPosterior(model: four, batch: study.batch)
            XCTAssertEqual(a.coordinateNames, b.coordinateNames, general)
            let x = (0..<a.dimension).map { Double(($0 * 5) % 9) * 0.15 - 0.6 }
            var ga = [Double](repeating: 0, count: a.dimension), gb = ga
            XCTAssertEqual(logDensity(a, x, gradient: &ga), logDensity(b, x, gradient: &gb), general)
            XCTAssertEqual(ga, gb, general)
        }
    }

    /// Rewards as each model defines them, and hBayesDM's multiple-block names.
    func testRewardDefinitionsAndNames() throws {
        // The models' rewards (the `reward` declaration) as the hand-written catalog defined them.
        let text = "subjID\tchoice\tgain\tloss\toutcome\n1\t1\t1\t0\t25\n1\t3\t0\t-1\t-25\n1\t2\t1\t-1\t0\n"
        for name in ["banditNarm_delta", "prl_rp", "bandit2arm_delta"] {
            let model = ModelCatalog.model(named: name)!
            let columns = model.data.columns
            let requirements = DataRequirements(columns: columns, optionCount: 3)
            let batch = try TrialTableReader.parse(text: text, fileName: "r.tsv", requirements: requirements)
            let replay = try ModelReplay(model: model, batch: batch)
            let run = replay.run(lane: 0, theta: [model.parameters.map(\.typicalValue)])
            let rewards = (0..<3).map { run.value(replay.probe("reward")!, trial: $0, draw: 0) }
            XCTAssertEqual(rewards, HandWrittenModels.rewards(name, batch: batch), name)
        }
        XCTAssertEqual(ModelCatalog.model(named: "prl_rp_multipleB")?.name, "prl_rp")
        XCTAssertEqual(ModelCatalog.model(named: "prl_fictitious_multipleB")?.name, "prl_fictitious")
        XCTAssertNil(ModelCatalog.model(named: "bandit2arm"))
        // prl_fictitious's alpha has a half-Cauchy(0, 1) scale prior, as hBayesDM.
        XCTAssertEqual(ModelCatalog.model(named: "prl_fictitious")!.parameters[1].scalePrior, .halfCauchy(1))
        XCTAssertEqual(ModelCatalog.model(named: "prl_rp")!.parameters.map(\.name), ["Apun", "Arew", "beta"])
    }
}

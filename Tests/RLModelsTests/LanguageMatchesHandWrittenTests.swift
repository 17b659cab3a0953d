import XCTest
import Foundation
import HandWrittenScan
import ModelLanguage
import Randomness
@testable import RLModels

/// The seven built-in models, written in the model language, give the same log-likelihood and
/// gradient as the hand-written scan they replaced (relative 1e-12), on the benchmark study with
/// unequal lengths turned into blocks and missed trials, and on random studies with 2 to 5
/// options and real-valued outcomes.
final class LanguageMatchesHandWrittenTests: XCTestCase {
    /// ../shared's data_S100_var (100 subjects of unequal lengths), copied into the fixtures,
    /// with every subject's trials split into blocks of 45 and every 13th trial missed; gain and
    /// loss columns derived from the outcome.
    static func benchmarkStudy() throws -> String {
        let url = Bundle.module.url(forResource: "data_S100_var", withExtension: "tsv", subdirectory: "Fixtures")!
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        var out = "subjID\tblock\tchoice\toutcome\tgain\tloss\n"
        var counts: [Substring: Int] = [:]
        for (n, line) in lines.dropFirst().enumerated() {
            let f = line.split(separator: "\t")
            let t = counts[f[0], default: 0]
            counts[f[0]] = t + 1
            let outcome = Double(f[2])!
            let missed = n % 13 == 5
            out +=
                "\(f[0])\t\(t / 45)\t\(missed ? "NA" : String(f[1]))\t\(f[2])\t\(max(outcome, 0))\t\(min(outcome, 0))\n"
        }
        return out
    }

    func randomBatch(options k: Int, subjects: Int, seed: UInt64) -> TrialBatch {
        var rng = Philox(seed: seed)
        let rows = (0..<subjects).map { _ -> (choices: [Int], outcomes: [Double], blocks: [Int]) in
            let n = 5 + Int(rng.nextUniform() * 40)
            let blocks = 1 + Int(rng.nextUniform() * 3)
            var choices = (0..<n).map { _ in rng.nextUniform() < 0.15 ? 0 : 1 + Int(rng.nextUniform() * Double(k)) }
            if !choices.contains(where: { $0 > 0 }) { choices[0] = 1 }
            let outcomes = (0..<n).map { _ in rng.nextUniform() < 0.5 ? 1.0 : rng.nextUniform(-1.5, 0.5) }
            return (choices, outcomes, (0..<n).map { $0 * blocks / n })
        }
        return makeBatch(options: k, subjects: rows)
    }

    /// Both likelihoods at `theta` (P × S natural-scale values).
    func compare(_ name: String, batch: TrialBatch, theta: [Double], label: String) {
        let model = ModelCatalog.model(named: name)!
        let P = model.parameters.count, S = batch.laneCount
        let language = model.makeLikelihood(batch)
        let hand = HandWrittenModels.likelihood(name, batch: batch, parameterCount: P)
        var ll1 = [Double](repeating: .nan, count: S), ll2 = ll1
        var g1 = [Double](repeating: .nan, count: P * S), g2 = g1
        let v1 = language.evaluate(theta: theta, subjectLogLikelihood: &ll1, gradient: &g1)
        let v2 = hand.evaluate(theta: theta, subjectLogLikelihood: &ll2, gradient: &g2)
        XCTAssertEqual(v1, v2, accuracy: 1e-12 * abs(v2), "\(label) total")
        var worst = 0.0
        for s in 0..<S {
            XCTAssertEqual(ll1[s], ll2[s], accuracy: 1e-12 * max(1, abs(ll2[s])), "\(label) subject \(s)")
            for p in 0..<P {
                let scale = max(1e-3, (0..<S).map { abs(g2[p * S + $0]) }.max()!)
                worst = max(worst, abs(g1[p * S + s] - g2[p * S + s]) / max(abs(g2[p * S + s]), scale * 1e-3))
                XCTAssertEqual(
                    g1[p * S + s], g2[p * S + s], accuracy: 1e-12 * max(abs(g2[p * S + s]), scale * 1e-3),
                    "\(label) subject \(s) \(model.parameters[p].name)")
            }
        }
        // Without a gradient the value is the same.
        XCTAssertEqual(language.evaluate(theta: theta, subjectLogLikelihood: &ll1, gradient: nil), v1, label)
    }

    func parameters(_ name: String, subjects S: Int, seed: UInt64) -> [Double] {
        let model = ModelCatalog.model(named: name)!
        var rng = Philox(seed: seed, stream: 9)
        return model.parameters.flatMap { p in (0..<S).map { _ in p.constrain(rng.nextUniform(-1.5, 1.5)).value } }
    }

    func testBuiltInModelsEqualTheHandWrittenScanOnTheBenchmarkStudy() throws {
        let text = try Self.benchmarkStudy()
        for (m, name) in HandWrittenModels.names.enumerated() {
            let model = ModelCatalog.model(named: name)!
            let batch = try TrialTableReader.parse(text: text, fileName: "bench.tsv", requirements: model.data)
            XCTAssertGreaterThan(batch.missedTrialCount, 500)
            XCTAssert(batch.blocksPerLane.allSatisfy { $0 >= 3 })
            for k in 0..<3 {
                compare(
                    name, batch: batch, theta: parameters(name, subjects: batch.laneCount, seed: UInt64(10 * m + k)),
                    label: "\(name) draw \(k)")
            }
        }
    }

    func testBuiltInModelsEqualTheHandWrittenScanOnRandomStudies() {
        var seed: UInt64 = 1
        for name in HandWrittenModels.names {
            let model = ModelCatalog.model(named: name)!
            for k in model.optionCount.map({ [$0] }) ?? [2, 3, 5] {
                seed += 1
                let batch = randomBatch(options: k, subjects: 11, seed: seed)
                compare(name, batch: batch, theta: parameters(name, subjects: 11, seed: seed), label: "\(name) K=\(k)")
            }
        }
    }
}

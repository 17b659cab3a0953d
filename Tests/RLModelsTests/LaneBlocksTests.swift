import Randomness
import XCTest

@testable import RLModels

/// A likelihood run in lane blocks on one shared tape (`LaneLikelihood`) gives bit-for-bit the
/// log-likelihoods, gradient and total of one machine over every lane, for every built-in model.
final class LaneBlocksTests: XCTestCase {
    func testBlocksCoverTheLanesInWholeVectorsOfAtMostTheLimit() {
        for (lanes, atMost) in [(1, 128), (4, 128), (128, 128), (129, 128), (1000, 128), (10_000, 128), (37, 8), (5, 2)]
        {
            let blocks = LaneLikelihood.blocks(lanes: lanes, atMost: atMost)
            XCTAssertEqual(blocks.first?.lowerBound, 0)
            XCTAssertEqual(blocks.last?.upperBound, lanes)
            for (a, b) in zip(blocks, blocks.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
            let limit = max(4, atMost / 4 * 4)
            XCTAssert(blocks.allSatisfy { !$0.isEmpty && $0.count <= limit }, "\(lanes), \(atMost): \(blocks)")
            XCTAssert(blocks.dropLast().allSatisfy { $0.count % 4 == 0 }, "\(lanes), \(atMost): \(blocks)")
            XCTAssertEqual(blocks.count, (lanes + limit - 1) / limit, "the fewest blocks: \(lanes), \(atMost)")
        }
        XCTAssertEqual(
            LaneLikelihood.blocks(lanes: 1000, atMost: 128).map(\.count), [124, 124, 124, 128, 124, 124, 124, 128])
    }

    /// Every built-in model on a simulated study with blocks and missed trials: blocks of 4, 8
    /// and 12 lanes against one machine.
    func testEveryBuiltInModelGivesTheSameNumbersInBlocks() throws {
        for (m, model) in ModelCatalog.all.enumerated() {
            let study = try StudySimulator.simulate(
                model: model, subjects: 23, trials: 24, blocks: 2, missingProbability: 0.1, seed: UInt64(m + 1))
            try compareBlocked(model, study.batch, seed: UInt64(m), blockSizes: [4, 8, 12])
        }
    }

    /// Unequal lengths too: the benchmark study of 100 subjects, in blocks of 12 and of 128.
    func testUnequalLengthsGiveTheSameNumbersInBlocks() throws {
        let text = try LanguageMatchesHandWrittenTests.benchmarkStudy()
        for name in ["bandit2arm_delta", "bandit4arm_lapse"] {
            let model = ModelCatalog.model(named: name)!
            let batch = try TrialTableReader.parse(text: text, fileName: "bench.tsv", requirements: model.data)
            XCTAssertGreaterThan(Set(batch.trialsPerLane).count, 1)
            try compareBlocked(model, batch, seed: 7, blockSizes: [12, 128])
        }
    }

    func compareBlocked(_ model: ModelDefinition, _ batch: TrialBatch, seed: UInt64, blockSizes: [Int]) throws {
        let P = model.parameters.count, S = batch.laneCount
        try model.checkIndices(batch, dataFile: "study")
        var rng = Philox(seed: seed, stream: 3)
        let bounds = model.subjectUpperBounds(batch)
        let theta = model.parameters.enumerated().flatMap { p, spec in
            (0..<S).map { s in
                let bounded = bounds[p].map { spec.withUpperBound($0[batch.hasConditions ? batch.laneSubject[s] : s]) }
                return (bounded ?? spec).constrain(rng.nextUniform(-1.5, 1.5)).value
            }
        }
        let whole = model.makeLikelihood(batch, lanesPerBlock: S + 4)
        var ll = [Double](repeating: .nan, count: S), g = [Double](repeating: .nan, count: P * S)
        let total = whole.evaluate(theta: theta, subjectLogLikelihood: &ll, gradient: &g)
        XCTAssert(total.isFinite, "\(model.name): \(total)")
        for size in blockSizes {
            let blocked = model.makeLikelihood(batch, lanesPerBlock: size)
            XCTAssertEqual((blocked as! LaneLikelihood).machines.count, (S + size - 1) / size, model.name)
            var llB = [Double](repeating: .nan, count: S), gB = [Double](repeating: .nan, count: P * S)
            // Twice: a block must not read what the previous block (or evaluation) left on the tape.
            for _ in 0..<2 {
                let totalB = blocked.evaluate(theta: theta, subjectLogLikelihood: &llB, gradient: &gB)
                XCTAssertEqual(totalB.bitPattern, total.bitPattern, "\(model.name) in blocks of \(size): total")
                XCTAssertEqual(llB.map(\.bitPattern), ll.map(\.bitPattern), "\(model.name) in blocks of \(size)")
                XCTAssertEqual(gB.map(\.bitPattern), g.map(\.bitPattern), "\(model.name) in blocks of \(size)")
            }
            XCTAssertEqual(
                blocked.evaluate(theta: theta, subjectLogLikelihood: &llB, gradient: nil).bitPattern, total.bitPattern,
                "\(model.name) in blocks of \(size), no gradient")
        }
    }
}

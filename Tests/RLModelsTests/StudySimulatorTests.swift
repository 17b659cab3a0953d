import XCTest
@testable import RLModels

final class StudySimulatorTests: XCTestCase {
    /// Reading what the writer wrote gives back the same batch; the same seed gives the same text.
    func testWriteThenReadGivesTheSameBatch() throws {
        for (blocks, missing) in [(1, 0.0), (3, 0.2)] {
            let study = StudySimulator.simulate(model: ModelCatalog.bandit2armDelta, subjects: 6, trials: 40,
                                                blocks: blocks, missingProbability: missing, seed: 17)
            let text = TrialTableWriter.tsv(study.batch, blockNumber: study.blockNumber, writeBlockColumn: blocks > 1)
            let back = try TrialTableReader.parse(text: text, fileName: "sim.tsv", requirements: ModelCatalog.bandit2armDelta.data)
            XCTAssertEqual(back.choice, study.batch.choice)
            XCTAssertEqual(back.columns, study.batch.columns)
            XCTAssertEqual(back.blockStart, study.batch.blockStart)
            XCTAssertEqual(back.subjectIDs, study.batch.subjectIDs)
            XCTAssertEqual(back.blocksPerSubject, [Int](repeating: blocks, count: 6))
            if missing > 0 { XCTAssertGreaterThan(back.missedTrialCount, 0) }
            let again = StudySimulator.simulate(model: ModelCatalog.bandit2armDelta, subjects: 6, trials: 40,
                                                blocks: blocks, missingProbability: missing, seed: 17)
            XCTAssertEqual(TrialTableWriter.tsv(again.batch, blockNumber: again.blockNumber, writeBlockColumn: blocks > 1), text)
        }
    }

    /// Simulated behaviour follows the parameters: learners prefer the better arm before the
    /// reversal; the group parameters' sample means are near the requested group values.
    func testSimulatedSubjectsLearn() {
        let study = StudySimulator.simulate(model: ModelCatalog.bandit2armDelta, subjects: 200, trials: 100, seed: 3)
        let b = study.batch
        var better = 0, total = 0
        for t in 20..<50 { for s in 0..<b.subjectCount { total += 1; if b.choice[t * b.subjectCount + s] == 0 { better += 1 } } }
        XCTAssertGreaterThan(Double(better) / Double(total), 0.6)
        let z = study.z
        let meanZ = z.reduce(0, +) / Double(z.count)
        XCTAssertEqual(meanZ, 0, accuracy: 0.15)
        XCTAssertEqual(study.group.mu[0], PhiApprox.inverse(0.3), accuracy: 1e-12)
        // A more subjects study extends one with fewer (same seed): subject 0's trials agree.
        let small = StudySimulator.simulate(model: ModelCatalog.bandit2armDelta, subjects: 3, trials: 100, seed: 3)
        for t in 0..<100 { XCTAssertEqual(small.batch.choice[t * 3], b.choice[t * 200]) }
    }
}

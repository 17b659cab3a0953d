import XCTest
@testable import RLFit
import RLModels
import Sampling

final class LearningCurvesTests: XCTestCase {
    /// For data simulated from the fitted model, the one-step-ahead predicted learning curve
    /// follows the observed one: both rise above chance, dip at the reversal, and agree on
    /// average across trials.
    func testPredictedCurveFollowsObservedOnSimulatedData() throws {
        let model = ModelCatalog.bandit2armDelta
        let study = try StudySimulator.simulate(model: model, subjects: 40, trials: 120, seed: 5)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("curves-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("study.tsv").path
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try TrialTableWriter.tsv(study.batch).write(toFile: path, atomically: true, encoding: .utf8)
        let options = FitOptions(
            model: model, dataPath: path, outputDirectory: dir.appendingPathComponent("fit").path,
            chainIDs: [1, 2], warmup: 300, draws: 200, seed: 3)
        _ = try FitRunner(options: options).run()
        let contents = try FitDirectory.read(options.outputDirectory)
        let curves = try XCTUnwrap(LearningCurves.compute(batch: study.batch, model: model, chains: contents.chains))
        XCTAssertEqual(curves.trials.count, 120)
        let gap = zip(curves.observed, curves.predictedMean).map { abs($0 - $1) }.reduce(0, +) / 120
        XCTAssertLessThan(gap, 0.08)
        let early = curves.predictedMean[30..<55].reduce(0, +) / 25,
            reversal = curves.predictedMean[60..<65].reduce(0, +) / 5
        XCTAssertGreaterThan(early, 0.65)
        XCTAssertLessThan(reversal, early - 0.1)
        XCTAssert(zip(curves.predictedLow, curves.predictedHigh).allSatisfy { $0 <= $1 })
    }
}

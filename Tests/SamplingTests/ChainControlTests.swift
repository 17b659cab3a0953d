import Foundation
import Sampling
import XCTest

/// Progress reports, cancellation, thinning, saved warmup, warnings and configuration checks.
final class ChainControlTests: XCTestCase {
    private final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var reports: [ChainProgress] = []
        func add(_ p: ChainProgress) { lock.lock(); reports.append(p); lock.unlock() }
        var all: [ChainProgress] { lock.lock(); defer { lock.unlock() }; return reports }
    }

    func testProgressIsReportedEveryIteration() throws {
        let recorder = Recorder()
        let sampler = Sampler(configuration: SamplerConfiguration(warmup: 150, draws: 100, seed: 2))
        _ = try sampler.runChains(
            chainIDs: [0, 1], threads: 2, makeDensity: { _ in Funnel(k: 3) },
            progress: { recorder.add($0) })
        for chain in [0, 1] {
            let reports = recorder.all.filter { $0.chainID == chain }
            XCTAssertEqual(reports.map(\.iteration), Array(1...250))
            XCTAssertEqual(reports.filter { $0.phase == .warmup }.count, 150)
            XCTAssertEqual(reports.last?.phase, .sampling)
            XCTAssertEqual(reports.last?.totalIterations, 250)
            XCTAssert(
                zip(reports, reports.dropFirst()).allSatisfy {
                    $0.samplingDivergences <= $1.samplingDivergences && $0.warmupDivergences <= $1.warmupDivergences
                })
        }
    }

    /// Cancelling stops every chain at its next iteration; the partial results are returned
    /// and marked incomplete.
    func testCancellationReturnsPartialResults() throws {
        let token = CancellationToken()
        let sampler = Sampler(configuration: SamplerConfiguration(warmup: 100, draws: 5000, metric: .diag, seed: 4))
        let results = try sampler.runChains(
            chainIDs: [0, 1], threads: 2, makeDensity: { _ in IndependentGaussian(dimension: 4) },
            progress: { if $0.iteration == 300 { token.cancel() } }, cancellation: token)
        // The chain that reached 300 first cancelled both; the other stopped wherever it was.
        XCTAssertGreaterThanOrEqual(results.map(\.iterationsCompleted).max()!, 300)
        for r in results {
            XCTAssertFalse(r.isComplete)
            XCTAssertLessThan(r.iterationsCompleted, 5100)
            XCTAssertEqual(r.drawCount, max(0, r.iterationsCompleted - 100))
            XCTAssertEqual(r.positions.count, r.drawCount * 4)
            XCTAssert(r.warnings.contains { $0.contains("cancelled") })
        }
        // Cancelled before the start: no iterations.
        let early = CancellationToken()
        early.cancel()
        let none = try sampler.runChain(chainID: 0, density: IndependentGaussian(dimension: 4), cancellation: early)
        XCTAssertFalse(none.isComplete)
        XCTAssertEqual(none.drawCount, 0)
    }

    /// thin = 3 keeps iterations 0, 3, 6, … of each phase; saveWarmup prepends warmup rows;
    /// the kept rows are exactly the unthinned chain's rows.
    func testThinningAndSavedWarmup() throws {
        let base = SamplerConfiguration(warmup: 100, draws: 100, seed: 8, saveWarmup: true)
        var thinned = base
        thinned.thin = 3
        let full = try Sampler(configuration: base).runChain(chainID: 1, density: IndependentGaussian(dimension: 2))
        let thin = try Sampler(configuration: thinned).runChain(chainID: 1, density: IndependentGaussian(dimension: 2))
        XCTAssertEqual(full.warmupDrawCount, 100)
        XCTAssertEqual(full.drawCount, 200)
        XCTAssertEqual(thin.warmupDrawCount, 34)
        XCTAssertEqual(thin.samplingDrawCount, 34)
        let keptRows = Array(stride(from: 0, to: 100, by: 3)) + Array(stride(from: 100, to: 200, by: 3))
        for (k, row) in keptRows.enumerated() {
            XCTAssertEqual(Array(thin.position(k)), Array(full.position(row)))
            XCTAssertEqual(thin.statistics[k], full.statistics[row])
        }
        XCTAssertEqual(thin.divergences, full.divergences)
        XCTAssertEqual(thin.samplingGradientEvaluations, full.samplingGradientEvaluations)
    }

    /// Short warmups warn about the reduced schedule; warmup 0 keeps the initial step size and
    /// the unit metric.
    func testShortWarmups() throws {
        let reduced = try Sampler(configuration: SamplerConfiguration(warmup: 100, draws: 10, seed: 1))
            .runChain(chainID: 0, density: IndependentGaussian(dimension: 2))
        XCTAssert(reduced.warnings.contains { $0.contains("15%/75%/10%") }, "\(reduced.warnings)")
        let tiny = try Sampler(configuration: SamplerConfiguration(warmup: 10, draws: 10, seed: 1))
            .runChain(chainID: 0, density: IndependentGaussian(dimension: 2))
        XCTAssert(tiny.warnings.contains { $0.contains("no metric adaptation") }, "\(tiny.warnings)")
        XCTAssertEqual(tiny.inverseMetric, .diagonal([1, 1]))
        let none = try Sampler(configuration: SamplerConfiguration(warmup: 0, draws: 10, seed: 1, initialStepSize: 0.3))
            .runChain(chainID: 0, density: IndependentGaussian(dimension: 2))
        XCTAssertEqual(none.stepSize, 0.3)
        XCTAssert(none.statistics.allSatisfy { $0.stepSize == 0.3 })
    }

    func testInvalidConfigurationIsRejected() {
        let bad: [SamplerConfiguration] = [
            SamplerConfiguration(warmup: -1), SamplerConfiguration(maxDepth: 0), SamplerConfiguration(adaptDelta: 1),
            SamplerConfiguration(initRadius: -1), SamplerConfiguration(thin: 0),
            SamplerConfiguration(initialStepSize: 0)
        ]
        for c in bad {
            XCTAssertThrowsError(
                try Sampler(configuration: c).runChain(chainID: 0, density: IndependentGaussian(dimension: 1))
            ) {
                XCTAssert("\($0)".contains("invalid sampler configuration"), "\($0)")
            }
        }
    }

    /// A tree depth limit of 3 caps n_leapfrog at 7 and is reported.
    func testMaxDepthIsRespected() throws {
        let config = SamplerConfiguration(warmup: 200, draws: 200, maxDepth: 3, metric: .diag, seed: 1)
        let r = try Sampler(configuration: config).runChain(
            chainID: 0, density: AR1Gaussian(dimension: 20, rho: 0.99, spreadScales: false))
        XCTAssert(r.statistics.allSatisfy { $0.treeDepth <= 3 && $0.leapfrogSteps <= 7 })
        XCTAssertGreaterThan(r.maxDepthHits, 0)
        XCTAssertEqual(r.maxDepthHits, r.statistics.filter { $0.treeDepth == 3 }.count)
    }
}

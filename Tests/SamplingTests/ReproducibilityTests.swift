import Sampling
import XCTest

/// Chain c of seed s is the same sequence of draws whatever the thread count, whichever other
/// chains run, and when it runs alone (the CLI's --chain-ids, or a cluster job per chain).
final class ReproducibilityTests: XCTestCase {
    private let target = AR1Gaussian(dimension: 5, rho: 0.7, spreadScales: true)

    private func assertIdentical(_ a: ChainResult, _ b: ChainResult, file: StaticString = #filePath, line: UInt = #line)
    {
        XCTAssertEqual(a.chainID, b.chainID, file: file, line: line)
        XCTAssertEqual(a.positions, b.positions, file: file, line: line)
        XCTAssertEqual(a.statistics, b.statistics, file: file, line: line)
        XCTAssertEqual(a.stepSize, b.stepSize, file: file, line: line)
        XCTAssertEqual(a.inverseMetric, b.inverseMetric, file: file, line: line)
        XCTAssertEqual(a.gradientEvaluations, b.gradientEvaluations, file: file, line: line)
    }

    func testSameSeedSameDrawsOnAnyThreadCountAndAlone() throws {
        for metric in MetricKind.allCases {
            let sampler = Sampler(
                configuration: SamplerConfiguration(warmup: 300, draws: 200, metric: metric, seed: 12345))
            let target = self.target
            let oneThread = try sampler.runChains(chainIDs: [0, 1, 2, 3], threads: 1) { _ in target }
            let twoThreads = try sampler.runChains(chainIDs: [0, 1, 2, 3], threads: 2) { _ in target }
            let manyThreads = try sampler.runChains(chainIDs: [0, 1, 2, 3], threads: 8) { _ in target }
            for c in 0..<4 {
                assertIdentical(oneThread[c], twoThreads[c])
                assertIdentical(oneThread[c], manyThreads[c])
            }
            let alone = try sampler.runChain(chainID: 3, density: target)
            assertIdentical(alone, oneThread[3])
            let aloneInList = try sampler.runChains(chainIDs: [3], threads: 2) { _ in target }
            assertIdentical(aloneInList[0], oneThread[3])
            // Different chains and different seeds differ.
            XCTAssertNotEqual(oneThread[0].positions, oneThread[1].positions)
            var other = sampler
            other.configuration.seed = 12346
            XCTAssertNotEqual(try other.runChain(chainID: 3, density: target).positions, alone.positions)
        }
    }

    /// Results come back in the order of `chainIDs`, with their ids.
    func testResultOrderFollowsChainIDs() throws {
        let target = self.target
        let sampler = Sampler(configuration: SamplerConfiguration(warmup: 100, draws: 50, seed: 1))
        let results = try sampler.runChains(chainIDs: [7, 2, 5], threads: 2) { _ in target }
        XCTAssertEqual(results.map(\.chainID), [7, 2, 5])
        let seven = try sampler.runChain(chainID: 7, density: target)
        XCTAssertEqual(results[0].positions, seven.positions)
    }
}

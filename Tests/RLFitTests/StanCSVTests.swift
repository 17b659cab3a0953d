import XCTest
@testable import RLFit

final class StanCSVTests: XCTestCase {
    func record(dense: Bool, saveWarmup: Bool, complete: Bool = true) -> ChainRecord {
        let names = ["mu_pr.1", "sigma.1", "log_lik.1"]
        var table: [Double] = []
        let rows = saveWarmup ? 5 : 3
        for r in 0..<rows {
            table += [-10.5 - Double(r), 0.9, 0.25, 3, 7, r == 1 ? 1 : 0, 12.25 + Double(r)]
            table += [0.1 * Double(r), 1.5e-7 * Double(r + 1), -123.456789]
        }
        return ChainRecord(
            id: 3, seed: 42, columnNames: names, table: table, warmupRowCount: saveWarmup ? 2 : 0,
            stepSize: 0.123456789, inverseMetric: dense ? [1, 0.5, 0, 0.5, 2, 0, 0, 0, 3] : [1, 2, 3],
            denseMetric: dense, warmupSeconds: 1.25, samplingSeconds: 2.5, complete: complete)
    }

    let configuration = StanCSVConfiguration(
        model: "bandit2arm_delta", dataFile: "d.tsv", numSamples: 3, numWarmup: 2,
        saveWarmup: false, thin: 1, adaptDelta: 0.8, maxDepth: 10, initialization: "2",
        rlfitVersion: "test", initBuffer: 75, window: 25, termBuffer: 50)

    func testLayoutAsCmdStanWritesIt() {
        let text = StanCSVWriter.text(record(dense: false, saveWarmup: false), configuration: configuration)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssert(lines.contains("#     num_warmup = 2"))
        XCTAssert(lines.contains("#     num_samples = 3"))
        XCTAssert(lines.contains("#     save_warmup = 0"))
        XCTAssert(lines.contains("#     thin = 1"))
        XCTAssert(lines.contains("# id = 3"))
        XCTAssert(lines.contains("#   seed = 42"))
        XCTAssert(lines.contains("# model = bandit2arm_delta"))
        XCTAssert(lines.contains("#   file = d.tsv"))
        let header = lines.firstIndex { !$0.hasPrefix("#") }!
        XCTAssertEqual(
            lines[header],
            "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,mu_pr.1,sigma.1,log_lik.1")
        XCTAssertEqual(lines[header + 1], "# Adaptation terminated")
        XCTAssertEqual(lines[header + 2], "# Step size = 0.123457")
        XCTAssertEqual(lines[header + 3], "# Diagonal elements of inverse mass matrix:")
        XCTAssertEqual(lines[header + 4], "# 1, 2, 3")
        XCTAssertEqual(lines[header + 5], "-10.5,0.9,0.25,3,7,0,12.25,0,1.5e-07,-123.457")
        XCTAssert(
            text.contains(
                "#  Elapsed Time: 1.250 seconds (Warm-up)\n#                2.500 seconds (Sampling)\n#                3.750 seconds (Total)"
            ))
    }

    func testRoundTripThroughReader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stancsv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (dense, warm) in [(false, false), (true, true)] {
            var config = configuration
            config.saveWarmup = warm
            let original = record(dense: dense, saveWarmup: warm, complete: !dense)
            let path = dir.appendingPathComponent("chain-3.csv").path
            try AtomicFile.write(
                Data(StanCSVWriter.text(original, configuration: config, significantDigits: 17).utf8), to: path)
            let back = try StanCSVReader.read(path: path).record
            XCTAssertEqual(back.columnNames, original.columnNames)
            XCTAssertEqual(back.table, original.table)
            XCTAssertEqual(back.warmupRowCount, original.warmupRowCount)
            XCTAssertEqual(back.inverseMetric, original.inverseMetric)
            XCTAssertEqual(back.denseMetric, dense)
            XCTAssertEqual(back.stepSize, original.stepSize)
            XCTAssertEqual(back.id, 3)
            XCTAssertEqual(back.seed, 42)
            XCTAssertEqual(back.complete, !dense)
            XCTAssertEqual(back.samplingSeconds, 2.5)
        }
    }

    func testTruncatedFileIsRejectedWithLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stancsv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("chain-1.csv").path
        var text = StanCSVWriter.text(record(dense: false, saveWarmup: false), configuration: configuration)
        text += "1,2,3\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StanCSVReader.read(path: path)) { error in
            XCTAssert("\(error)".contains("truncated"), "\(error)")
        }
    }
}

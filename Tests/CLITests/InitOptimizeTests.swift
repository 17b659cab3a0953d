import Foundation
import XCTest

/// Chains in different modes, and the remedy: `rlfit fit --init optimize`.
///
/// The study: 10 simulated subjects × 200 choices, option 1 with probability ½, fitted with a
/// model whose log-odds of option 1 are b·(b − 1.5) (one parameter, pooled): b ≈ 0 and b ≈ 1.5
/// explain the choices equally well, the N(0, 0.25²) prior puts the second peak ≈ 19 lower in
/// lp__ (its mass a share of about e⁻¹⁹), and between them the likelihood falls by ≈ 80, so a
/// chain never crosses. Random starts on (−2, 2) put chains of seed 4 in both modes.
final class InitOptimizeTests: XCTestCase {
    static let model = """
        model two_peaks "option 1 with log-odds b·(b − 1.5): b near 0 and b near 1.5 explain the same choices"
        options 2
        data choice: option "1 or 2"
        parameter b real typical 0 "a root of the log-odds"
        trial {
          choice ~ softmax([b * (b - 1.5), 0.0])
        }
        """

    static let directory: URL = {
        let dir = try! CommandLineRunner.temporaryDirectory()
        try! model.write(to: dir.appendingPathComponent("two_peaks.rlm"), atomically: true, encoding: .utf8)
        var state: UInt64 = 5
        func uniform() -> Double { // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / 9_007_199_254_740_992
        }
        var rows = ["subjID\ttrial\tchoice"]
        for s in 1...10 { for t in 1...200 { rows.append("\(s)\t\(t)\t\(uniform() < 0.5 ? 1 : 2)") } }
        try! (rows.joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent("study.tsv"), atomically: true, encoding: .utf8)
        return dir
    }()

    func fit(_ extra: [String], out: String) throws -> (CommandLineRunner.Result, [String: Any]) {
        let dir = Self.directory
        let r = try CommandLineRunner.run(
            [
                "fit", dir.appendingPathComponent("study.tsv").path, "--model",
                dir.appendingPathComponent("two_peaks.rlm").path, "--hierarchy", "pooled",
                "--prior-mu", "0.25", "--warmup", "300", "--draws", "1000", "--seed", "4",
                "--out", dir.appendingPathComponent(out).path
            ] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        let data = try Data(contentsOf: dir.appendingPathComponent(out).appendingPathComponent("fit.json"))
        return (r, try JSONSerialization.jsonObject(with: data) as! [String: Any])
    }

    /// Each chain's mean of the parameter (column mu_b) from its chain file.
    func chainMeans(_ out: String) throws -> [Double] {
        try (1...4).map { c in
            let text = try String(
                contentsOf: Self.directory.appendingPathComponent(out).appendingPathComponent("chain-\(c).csv"),
                encoding: .utf8)
            let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            let column = lines[0].split(separator: ",").firstIndex(of: "mu_b")!
            let values = lines.dropFirst().map { Double($0.split(separator: ",")[column])! }
            return values.reduce(0, +) / Double(values.count)
        }
    }

    func testRandomStartsLeaveChainsInTwoModesAndTheVerdictSaysSo() throws {
        let (r, manifest) = try fit(["--quiet"], out: "random")
        XCTAssertEqual(manifest["verdict"] as? String, "failed")
        XCTAssertGreaterThan(manifest["max_rhat"] as? Double ?? 0, 1.5)
        let means = try chainMeans("random")
        XCTAssertTrue(
            means.contains { abs($0) < 0.2 } && means.contains { abs($0 - 1.5) < 0.2 }, "chain means \(means)")
        let warning = r.stdout + r.stderr
        XCTAssertTrue(warning.contains("the chains sit in 2 different modes"), warning)
        XCTAssertTrue(warning.contains("More draws will not mix them"), warning)
        XCTAssertTrue(warning.contains("--init optimize"), warning)
        XCTAssertEqual((manifest["initialization"] as? [String: Any])?["method"] as? String, "random")
    }

    /// The remedy: every chain in the higher mode, R-hat < 1.01, and the report says where the
    /// optimizations ended. A chain run alone starts and samples exactly as in the whole fit.
    func testInitOptimizeStartsEveryChainInTheHighestMode() throws {
        let (r, manifest) = try fit(["--init", "optimize"], out: "optimize")
        XCTAssertNotEqual(manifest["verdict"] as? String, "failed")
        XCTAssertLessThan(manifest["max_rhat"] as? Double ?? 9, 1.01)
        for m in try chainMeans("optimize") { XCTAssertEqual(m, 0, accuracy: 0.15) }
        let initialization = try XCTUnwrap(manifest["initialization"] as? [String: Any])
        XCTAssertEqual(initialization["method"] as? String, "optimize")
        let optima = try XCTUnwrap(initialization["optimizations"] as? [[String: Any]])
        XCTAssertEqual(optima.count, 8)
        XCTAssertTrue(optima.allSatisfy { $0["converged"] as? Bool == true })
        let heights = optima.map { $0["log_density"] as! Double }
        XCTAssertGreaterThan(heights.max()! - heights.min()!, 15, "both modes found: \(heights)")
        XCTAssertTrue(r.stderr.contains("optimizing from 8 random points"), r.stderr)
        XCTAssertTrue(r.stdout.contains("chains started at the highest of 8 optimizations"), r.stdout)
        XCTAssertTrue(r.stdout.contains("lower (its peak e^-"), r.stdout)
        let run = try String(contentsOf: Self.directory.appendingPathComponent("optimize/run.json"), encoding: .utf8)
        XCTAssertTrue(run.contains("\"init\" : \"optimize\"") || run.contains("\"init\": \"optimize\""), run)
        let header = try String(
            contentsOf: Self.directory.appendingPathComponent("optimize/chain-1.csv"), encoding: .utf8)
        XCTAssertTrue(header.contains("# init = optimize"))

        _ = try fit(["--quiet", "--init", "optimize", "--chain-ids", "3"], out: "alone")
        func body(_ out: String) throws -> [Substring] {
            try String(
                contentsOf: Self.directory.appendingPathComponent(out).appendingPathComponent("chain-3.csv"),
                encoding: .utf8
            )
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        }
        XCTAssertEqual(try body("alone"), try body("optimize"))
    }

    func testBadInitValuesAreRefused() throws {
        let dir = Self.directory
        let base = [
            "fit", dir.appendingPathComponent("study.tsv").path, "--model",
            dir.appendingPathComponent("two_peaks.rlm").path,
            "--out", dir.appendingPathComponent("bad").path
        ]
        let r = try CommandLineRunner.run(base + ["--init", "0.5"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("init must be random or optimize"), r.stderr)
        let n = try CommandLineRunner.run(base + ["--init", "optimize", "--init-optimizations", "0"])
        XCTAssertEqual(n.status, 64)
        XCTAssertTrue(n.stderr.contains("init optimizations must be in 1...1000"), n.stderr)
    }
}

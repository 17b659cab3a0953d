import Foundation
import XCTest

final class SimulateAndCheckTests: XCTestCase {
    func testSimulateThenCheckAndSameSeedSameFile() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let a = dir.appendingPathComponent("a.tsv").path, b = dir.appendingPathComponent("b.tsv").path
        let args = [
            "simulate", "--model", "bandit2arm_delta", "--subjects", "4", "--trials", "30", "--seed", "5",
            "--blocks", "2", "--missing", "0.1"
        ]
        XCTAssertEqual(try CommandLineRunner.run(args + ["--out", a]).status, 0)
        XCTAssertEqual(try CommandLineRunner.run(args + ["--out", b]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
        let truth =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a + ".truth.json")))
            as! [String: Any]
        XCTAssertEqual((truth["A"] as! [Double]).count, 4)
        XCTAssertEqual(truth["model"] as? String, "bandit2arm_delta")

        let check = try CommandLineRunner.run(["check", a, "--model", "bandit2arm_delta"])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssert(check.stdout.contains("subjects        4"), check.stdout)
        XCTAssert(check.stdout.contains("2 per subject"), check.stdout)
        XCTAssert(check.stdout.contains("-1 ("), check.stdout)
        XCTAssertFalse(check.stdout.contains("warning"))
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(names, ["a.tsv", "a.tsv.truth.json", "b.tsv", "b.tsv.truth.json"])
    }

    /// The task and group flags reach the simulation and the truth file; bad values are usage
    /// errors (64) that say what is expected, and no file is written.
    func testSimulateTaskAndGroupFlags() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let a = dir.appendingPathComponent("prl.tsv").path
        let base = ["simulate", "--model", "prl_rp", "--subjects", "3", "--trials", "60", "--seed", "2"]
        let ok = try CommandLineRunner.run(
            base + [
                "--reward-probabilities", "0.9,0.1", "--reversal", "after-correct=4-6",
                "--group", "Arew=0.5", "--group-sd", "0.1", "--out", a
            ])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let truth =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a + ".truth.json")))
            as! [String: Any]
        XCTAssertEqual(truth["task"] as? String, "P(+1) 0.9 / 0.1, reversed after 4-6 consecutive best-option choices")
        XCTAssertEqual(truth["reward_probabilities"] as? [Double], [0.9, 0.1])
        XCTAssertEqual(truth["mu_Arew"] as! Double, 0.5, accuracy: 1e-9)
        XCTAssertEqual(truth["sigma"] as? [Double], [0.1, 0.1, 0.1])
        let defaultTask = dir.appendingPathComponent("default.tsv").path
        XCTAssertEqual(try CommandLineRunner.run(base + ["--out", defaultTask]).status, 0)
        let defaultTruth =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: defaultTask + ".truth.json")))
            as! [String: Any]
        XCTAssertEqual(
            defaultTruth["task"] as? String, "P(+1) 0.8 / 0.2, reversed after 5-9 consecutive best-option choices")

        // K for a model that takes it from the data: from the listed probabilities.
        let four = dir.appendingPathComponent("four.tsv").path
        let narm = try CommandLineRunner.run([
            "simulate", "--model", "banditNarm_delta", "--subjects", "5", "--trials", "80", "--seed", "3",
            "--reward-probabilities", "0.9,0.6,0.4,0.1", "--out", four
        ])
        XCTAssertEqual(narm.status, 0, narm.stderr)
        let check = try CommandLineRunner.run(["check", four, "--model", "banditNarm_delta"])
        XCTAssert(check.stdout.contains("options         4"), check.stdout)

        let bad: [([String], String)] = [
            (["--reversal", "sometimes"], "after-correct=MIN-MAX"),
            (["--reversal", "after-correct=9-5"], "after-correct=MIN-MAX"),
            (["--reward-probabilities", "0.8"], "two or more probabilities"),
            (["--reward-probabilities", "0.5,0.3,0.2"], "give 2 values"),
            (["--group", "Arew=1.5"], "outside"),
            (["--group-sd", "0"], "must be positive"),
            (["--options", "3"], "prl_rp has 2 options")
        ]
        for (flags, message) in bad {
            let out = dir.appendingPathComponent("bad.tsv").path
            let r = try CommandLineRunner.run(base + flags + ["--out", out])
            XCTAssertEqual(r.status, 64, "\(flags)")
            XCTAssert(r.stderr.contains(message), "\(flags): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(flags)")
        }
    }

    func testBadDataExits65WithLocationAndNoReport() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("bad.tsv").path
        try "subjID\tchoice\toutcome\n1\t1\t1\n1\t3\t1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CommandLineRunner.run(["check", path, "--model", "bandit2arm_delta"])
        XCTAssertEqual(r.status, 65)
        XCTAssert(r.stderr.contains("\(path):3:2: error: column 'choice' value \"3\""), r.stderr)
        XCTAssert(r.stderr.contains("fix:"))
        XCTAssertEqual(r.stdout, "")
    }

    func testMissingFileExits66AndBadUsageExits64() throws {
        let missing = try CommandLineRunner.run(["check", "/nonexistent/x.tsv", "--model", "bandit2arm_delta"])
        XCTAssertEqual(missing.status, 66)
        XCTAssert(missing.stderr.contains("/nonexistent/x.tsv"))
        XCTAssertEqual(try CommandLineRunner.run(["check", "x.tsv", "--model", "nope"]).status, 64)
        XCTAssertEqual(
            try CommandLineRunner.run([
                "simulate", "--model", "bandit2arm_delta", "--subjects", "0",
                "--trials", "5", "--seed", "1", "--out", "/tmp/x.tsv"
            ]).status, 64)
        XCTAssertEqual(try CommandLineRunner.run(["frobnicate"]).status, 64)
    }

    func testOutcomeCodingWarning() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("zero_one.tsv").path
        try "subjID\tchoice\toutcome\n1\t1\t1\n1\t2\t0\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CommandLineRunner.run(["check", path, "--model", "bandit2arm_delta"])
        XCTAssertEqual(r.status, 0)
        XCTAssert(r.stdout.contains("warning:") && r.stdout.contains("0/1 coding"), r.stdout)
    }

    func testGradientBenchPrintsJSONLine() throws {
        let r = try CommandLineRunner.run(["bench", "gradient", "--subjects", "5", "--trials", "20", "--repeats", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = r.stdout.split(separator: "\n").first { $0.hasPrefix("{") }.map(String.init) ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        XCTAssertGreaterThan(object["gradient_ns_per_subject_trial"] as! Double, 0)
    }
}

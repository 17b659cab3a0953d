import Foundation
import XCTest

final class SimulateAndCheckTests: XCTestCase {
    func testSimulateThenCheckAndSameSeedSameFile() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let a = dir.appendingPathComponent("a.tsv").path, b = dir.appendingPathComponent("b.tsv").path
        let args = ["simulate", "--model", "bandit2arm_delta", "--subjects", "4", "--trials", "30", "--seed", "5",
                    "--blocks", "2", "--missing", "0.1"]
        XCTAssertEqual(try CommandLineRunner.run(args + ["--out", a]).status, 0)
        XCTAssertEqual(try CommandLineRunner.run(args + ["--out", b]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a + ".truth.json"))) as! [String: Any]
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
        XCTAssertEqual(try CommandLineRunner.run(["simulate", "--model", "bandit2arm_delta", "--subjects", "0",
                                                  "--trials", "5", "--seed", "1", "--out", "/tmp/x.tsv"]).status, 64)
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

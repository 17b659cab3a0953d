import Foundation
import XCTest

/// A corpus of malformed inputs — data files, run files, options, grid files — each run as a
/// user would, with the exit code and the message fragment it must get (and never exit 0, never
/// a crash, never a partial fit folder).
final class MalformedInputTests: XCTestCase {
    struct Case {
        let name: String
        /// The file's bytes (written as `input`), or nil when the arguments alone are wrong.
        let file: [UInt8]?
        /// Arguments; `INPUT` is the file's path, `OUT` a fresh output folder, `STUDY` a valid study.
        let arguments: [String]
        let exit: Int32
        let fragment: String
    }

    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }
    static let header = "subjID\tchoice\toutcome\n"
    static func data(_ rows: String) -> [UInt8] { text(header + rows) }
    static let check = ["check", "INPUT", "--model", "bandit2arm_delta"]
    static let config = ["fit", "STUDY", "--model", "bandit2arm_delta", "--config", "INPUT", "--out", "OUT"]
    static let fit = [
        "fit", "STUDY", "--model", "bandit2arm_delta", "--out", "OUT", "--warmup", "20", "--draws", "10", "--quiet"
    ]

    static let cases: [Case] = [
        // Data files.
        Case(
            name: "NUL inside a value", file: data("1\t1\0\t1\n"), arguments: check, exit: 65,
            fragment: ":2:2: error: a control character (NUL, character 4 of the line)"),
        Case(
            name: "hexadecimal outcome", file: data("1\t1\t0x1\n"), arguments: check, exit: 65,
            fragment: "value \"0x1\": outcome is not a finite number"),
        Case(
            name: "infinite outcome", file: data("1\t1\tinf\n"), arguments: check, exit: 65,
            fragment: "outcome is not a finite number"),
        Case(
            name: "outcome 1e400", file: data("1\t1\t1e400\n"), arguments: check, exit: 65,
            fragment: "outcome is not a finite number"),
        Case(
            name: "invisible subject id", file: text(header + "\u{2028}\t1\t1\n"), arguments: check, exit: 65,
            fragment: "the subject id has no visible character (\\u{2028})"),
        Case(
            name: "zero-width subject id", file: text(header + "\u{200B}\t1\t1\n"), arguments: check, exit: 65,
            fragment: "no visible character"),
        Case(
            name: "UTF-16 with BOM", file: [0xFF, 0xFE] + Array(header.utf8).flatMap { [$0, 0] }, arguments: check,
            exit: 65, fragment: "the file is UTF-16 (little-endian) text"),
        Case(
            name: "UTF-16 without BOM", file: Array((header + "1\t1\t1\n").utf8).flatMap { [$0, 0] }, arguments: check,
            exit: 65, fragment: "UTF-16 (little-endian, no byte-order mark)"),
        Case(
            name: "5 MB cell", file: data("1\t1\t" + String(repeating: "x", count: 5_000_000) + "\n"), arguments: check,
            exit: 65, fragment: "… [5000000 characters]"),
        Case(
            name: "choice out of range", file: data("1\t3\t1\n"), arguments: check, exit: 65,
            fragment: "choice 3 is out of range"),
        Case(name: "choice 0", file: data("1\t0\t1\n"), arguments: check, exit: 65, fragment: "--first-option 0"),
        Case(
            name: "fractional choice", file: data("1\t1.5\t1\n"), arguments: check, exit: 65,
            fragment: "choice is not an integer"),
        Case(name: "negative choice", file: data("1\t-1\t1\n"), arguments: check, exit: 65, fragment: "out of range"),
        Case(
            name: "text choice", file: data("1\tleft\t1\n"), arguments: check, exit: 65,
            fragment: "choice is not an integer"),
        Case(
            name: "missing outcome on an answered trial", file: data("1\t1\tNA\n"), arguments: check, exit: 65,
            fragment: "outcome is missing on a trial with a response"),
        Case(
            name: "missing subject id", file: data("\t1\t1\n"), arguments: check, exit: 65,
            fragment: "missing subject id"),
        Case(
            name: "no choice column", file: text("subjID\toutcome\n1\t1\n"), arguments: check, exit: 65,
            fragment: "required column 'choice'"),
        Case(name: "empty file", file: [], arguments: check, exit: 65, fragment: "the file is empty"),
        Case(name: "header only", file: text(header), arguments: check, exit: 65, fragment: "header but no trials"),
        Case(
            name: "trial goes backwards", file: text("subjID\tchoice\toutcome\ttrial\n1\t1\t1\t2\n1\t2\t1\t1\n"),
            arguments: check, exit: 65, fragment: "trial goes backwards"),
        Case(
            name: "trial not a number", file: text("subjID\tchoice\toutcome\ttrial\n1\t1\t1\tfirst\n"),
            arguments: check, exit: 65, fragment: "not a number"),
        Case(
            name: "trial in hexadecimal", file: text("subjID\tchoice\toutcome\ttrial\n1\t1\t1\t0x1\n"),
            arguments: check, exit: 65, fragment: "not a number"),
        Case(
            name: "missing block", file: text("subjID\tchoice\toutcome\tblock\n1\t1\t1\t\n"), arguments: check,
            exit: 65, fragment: "missing block"),
        Case(
            name: "binary file", file: [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00], arguments: check,
            exit: 65, fragment: "control character"),
        Case(
            name: "no such data file", file: nil,
            arguments: ["check", "/nonexistent/study.tsv", "--model", "bandit2arm_delta"], exit: 66,
            fragment: "cannot read the file"),
        Case(
            name: "bad data for fit writes nothing", file: data("1\t9\t1\n"),
            arguments: ["fit", "INPUT", "--model", "bandit2arm_delta", "--out", "OUT"], exit: 65,
            fragment: "out of range"),
        // Run files.
        Case(
            name: "unknown key", file: text(#"{"warmpu": 10}"#), arguments: config, exit: 64,
            fragment: ":1:2: error: unknown key warmpu; did you mean warmup?"),
        Case(
            name: "key with a byte-order mark", file: text("{\"\u{FEFF}chains\": 2}"), arguments: config, exit: 64,
            fragment: "unknown key \\u{FEFF}chains (it holds characters that print as nothing); did you mean chains?"),
        Case(
            name: "duplicate key", file: text(#"{"chains": 2, "chains": 3}"#), arguments: config, exit: 64,
            fragment: ":1:15: error: key 'chains' is given twice"),
        Case(
            name: "fractional chains", file: text(#"{"chains": 2.5}"#), arguments: config, exit: 64,
            fragment: "key 'chains': expected a whole number, found a number"),
        Case(
            name: "chains as text", file: text(#"{"chains": "four"}"#), arguments: config, exit: 64,
            fragment: "key 'chains': expected a whole number, found a string"),
        Case(
            name: "flag as number", file: text(#"{"save_warmup": 1}"#), arguments: config, exit: 64,
            fragment: "expected true or false"),
        Case(
            name: "negative seed", file: text(#"{"seed": -1}"#), arguments: config, exit: 64,
            fragment: "key 'seed': expected a whole number ≥ 0, found -1"),
        Case(
            name: "trailing comma", file: text("{\"seed\": 3,\n}"), arguments: config, exit: 64,
            fragment: ":1:11: error: not valid JSON: a comma before the closing bracket"),
        Case(
            name: "priors as a number", file: text(#"{"priors": 3}"#), arguments: config, exit: 64,
            fragment: "key 'priors': expected an object with \"mu\", \"sigma\", \"gamma\", found a whole number"),
        Case(
            name: "threads in a run file", file: text(#"{"threads": 2}"#), arguments: config, exit: 64,
            fragment: "unknown key threads: --threads says how to run, not what to fit"),
        Case(
            name: "covariates as text", file: text(#"{"covariates": "age"}"#), arguments: config, exit: 64,
            fragment: "expected a list of strings"),
        Case(
            name: "unknown prior", file: text(#"{"priors": {"nu": 1}}"#), arguments: config, exit: 64,
            fragment: "unknown key priors.nu"),
        Case(
            name: "not an object", file: text("[1]"), arguments: config, exit: 64,
            fragment: "a run file is one JSON object"),
        Case(
            name: "broken JSON", file: text("{\"chains\": }"), arguments: config, exit: 64, fragment: "not valid JSON"),
        Case(
            name: "adapt_delta out of range", file: text(#"{"adapt_delta": 1.5}"#), arguments: config, exit: 64,
            fragment: "adapt delta must be in (0, 1)"),
        Case(
            name: "metric unknown", file: text(#"{"metric": "euclid"}"#), arguments: config, exit: 64,
            fragment: "metric must be dense or diag"),
        // Options.
        Case(
            name: "--draws -1", file: nil, arguments: fit + ["--draws", "-1"], exit: 64, fragment: "draws must be ≥ 1"),
        Case(
            name: "--threads -3", file: nil, arguments: fit + ["--threads", "-3"], exit: 64,
            fragment: "--threads must be at least 1"),
        Case(
            name: "--checkpoint-every -5", file: nil, arguments: fit + ["--checkpoint-every", "-5"], exit: 64,
            fragment: "--checkpoint-every takes seconds ≥ 0"),
        Case(
            name: "--warmup abc", file: nil, arguments: fit + ["--warmup", "abc"], exit: 64,
            fragment: "--warmup takes a whole number, got 'abc'"),
        Case(
            name: "--prior-sigma 1e-320", file: nil, arguments: fit + ["--prior-sigma", "1e-320"], exit: 64,
            fragment: "prior scale sigma must be between 1e-8 and 1e8"),
        Case(
            name: "--chain-ids 1,x", file: nil, arguments: fit + ["--chain-ids", "1,x"], exit: 64,
            fragment: "--chain-ids takes positive integers separated by commas"),
        Case(
            name: "--arg without a value", file: nil, arguments: fit + ["--arg", "payscale"], exit: 64,
            fragment: "--arg takes NAME=VALUE"),
        Case(
            name: "--columns malformed", file: nil, arguments: fit + ["--columns", "choice"], exit: 64,
            fragment: "--columns takes MODEL=FILE pairs"),
        Case(
            name: "unknown option", file: nil, arguments: fit + ["--draw", "5"], exit: 64,
            fragment: "unknown option '--draw'; did you mean --draws?"),
        Case(
            name: "two data files", file: nil, arguments: fit + ["other.tsv"], exit: 64,
            fragment: "unexpected argument 'other.tsv'"),
        Case(
            name: "--first-option 2", file: nil, arguments: fit + ["--first-option", "2"], exit: 64,
            fragment: "first option must be 0 or 1"),
        Case(
            name: "--max-depth 0", file: nil, arguments: fit + ["--max-depth", "0"], exit: 64,
            fragment: "max depth must be in 1...20"),
        Case(
            name: "unknown model", file: nil, arguments: ["fit", "STUDY", "--model", "bandit2arm_dlta", "--out", "OUT"],
            exit: 64, fragment: "did you mean bandit2arm_delta"),
        // Grid files.
        Case(
            name: "grid: duplicate key", file: text(#"{"models": ["bandit2arm_delta"], "models": ["x"]}"#),
            arguments: ["grid", "plan", "INPUT", "--out", "OUT"], exit: 65, fragment: "key 'models' is given twice"),
        Case(
            name: "grid: no studies", file: text(#"{"models": ["bandit2arm_delta"]}"#),
            arguments: ["grid", "plan", "INPUT", "--out", "OUT"], exit: 65, fragment: "no studies")
    ]

    func testEveryMalformedInputGetsItsExitCodeAndMessage() throws {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 40)
        let base = try CommandLineRunner.temporaryDirectory()
        for (k, c) in Self.cases.enumerated() {
            let dir = base.appendingPathComponent("case-\(k)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let input = dir.appendingPathComponent("input").path
            if let bytes = c.file { _ = FileManager.default.createFile(atPath: input, contents: Data(bytes)) }
            let out = dir.appendingPathComponent("out").path
            let arguments = c.arguments.map {
                $0 == "INPUT" ? input : $0 == "OUT" ? out : $0 == "STUDY" ? FitCommandTests.study : $0
            }
            let r = try CommandLineRunner.run(arguments)
            XCTAssertEqual(r.status, c.exit, "\(c.name): \(r.stderr.prefix(500))")
            XCTAssertTrue(
                r.stderr.contains(c.fragment), "\(c.name): expected '\(c.fragment)' in:\n\(r.stderr.prefix(800))")
            XCTAssertLessThan(r.stderr.count + r.stdout.count, 4000, "\(c.name): the message echoes too much")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/fit.json"), "\(c.name): a fit was written")
        }
    }
}

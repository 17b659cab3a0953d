import Foundation
import XCTest

/// `rlfit fit --resume`: a fit killed at any moment (SIGKILL: no chance to clean up) and resumed
/// from its checkpoints ends with exactly the uninterrupted fit's files.
final class ResumeCommandTests: XCTestCase {
    static var study: String { FitCommandTests.study }

    static let fitArguments = [
        "--model", "bandit2arm_delta", "--warmup", "700", "--draws", "500", "--seed", "11",
        "--save-warmup", "--thin", "2", "--quiet"
    ]

    /// The chain file's lines without the ones that hold dates and timings.
    func comparable(_ url: URL) throws -> [Substring] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.contains("start_datetime") && !$0.contains("seconds (") && !$0.contains("Elapsed Time") }
    }

    func startFit(out: URL, resume: Bool) throws -> Process {
        let process = Process()
        process.executableURL = CommandLineRunner.executable
        process.arguments =
            resume
            ? ["fit", "--resume", out.path, "--quiet", "--checkpoint-every", "0.01"]
            : ["fit", Self.study] + Self.fitArguments + ["--out", out.path, "--checkpoint-every", "0.01"]
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    /// 20 fits killed with SIGKILL at moments spread over the run (during warmup, sampling, or after
    /// some chains finished; half of the resumes killed again), each resumed until it finishes:
    /// every chain file equals the uninterrupted fit's line for line (draws, adaptation block),
    /// and so does summary.csv.
    func testKilledFitsResumeToTheUninterruptedDraws() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let reference = base.appendingPathComponent("reference")
        let started = Date()
        let r = try CommandLineRunner.run(["fit", Self.study] + Self.fitArguments + ["--out", reference.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let duration = Date().timeIntervalSince(started)
        // Kill moments spread evenly over the run: the golden-ratio sequence (k·0.618…) mod 1.
        var position = 0.5
        func next() -> Double {
            position = (position + 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1)
            return position
        }
        var continued = 0
        for k in 0..<20 {
            let out = base.appendingPathComponent("killed-\(k)")
            var process = try startFit(out: out, resume: false)
            Thread.sleep(forTimeInterval: 0.05 + next() * duration)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if k % 2 == 1 { // kill the resume as well
                process = try startFit(out: out, resume: true)
                Thread.sleep(forTimeInterval: 0.05 + next() * duration / 2)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            let resumed = try CommandLineRunner.run(["fit", "--resume", out.path, "--quiet"])
            if resumed.status == 66 && resumed.stderr.contains("stopped before it began") {
                // Killed before the fit wrote its run file: nothing to resume; the command again
                // (no --overwrite needed: a killed run's temporaries are not a fit) does it all.
                let again = try CommandLineRunner.run(["fit", Self.study] + Self.fitArguments + ["--out", out.path])
                XCTAssertEqual(again.status, 0, "kill \(k): " + again.stderr)
            } else {
                XCTAssertEqual(resumed.status, 0, "kill \(k): " + resumed.stderr)
            }
            if resumed.stdout.contains("went on from their checkpoints") { continued += 1 }
            for c in 1...4 {
                let name = "chain-\(c).csv"
                XCTAssertEqual(
                    try comparable(out.appendingPathComponent(name)),
                    try comparable(reference.appendingPathComponent(name)),
                    "kill \(k): \(name) differs from the uninterrupted fit's")
            }
            XCTAssertEqual(
                try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8),
                try String(contentsOf: reference.appendingPathComponent("summary.csv"), encoding: .utf8), "kill \(k)")
            let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
            XCTAssertFalse(
                names.contains { $0.hasSuffix(".checkpoint") || $0.hasSuffix(".incomplete") }, "kill \(k): \(names)")
        }
        XCTAssertGreaterThan(continued, 5, "too few kills landed after a checkpoint to test resuming")
    }

    /// A write that fails (a full disk; here a file-size limit, `ulimit -f`, which fails writes
    /// the same way) stops the fit with exit 73 naming the file and the system's reason, leaves
    /// no summary or fit.json, and the fit resumes once there is room, to the uninterrupted draws.
    func testAFailedWriteStopsTheFitAndItResumes() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let reference = base.appendingPathComponent("reference")
        XCTAssertEqual(
            try CommandLineRunner.run(["fit", Self.study] + Self.fitArguments + ["--out", reference.path]).status, 0)
        let out = base.appendingPathComponent("full")
        let command =
            ([CommandLineRunner.executable.path, "fit", Self.study] + Self.fitArguments
            + ["--out", out.path, "--checkpoint-every", "0.01"]).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -f 60; trap '' XFSZ; exec " + command]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 73, message)
        XCTAssert(message.contains(out.path) && message.contains("cannot write: File too large"), message)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        XCTAssertFalse(
            names.contains { $0.hasPrefix("summary") || $0 == "fit.json" || $0.hasSuffix(".csv") }, "\(names)")
        let resumed = try CommandLineRunner.run(["fit", "--resume", out.path, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        for c in 1...4 {
            XCTAssertEqual(
                try comparable(out.appendingPathComponent("chain-\(c).csv")),
                try comparable(reference.appendingPathComponent("chain-\(c).csv")), "chain \(c)")
        }
    }

    /// What `--resume` refuses, and a finished fit (nothing to do, exit 0).
    func testResumeRefusals() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let out = base.appendingPathComponent("fit")
        let process = try startFit(out: out, resume: false)
        Thread.sleep(forTimeInterval: 0.3)
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)

        let extra = try CommandLineRunner.run(["fit", "--resume", out.path, "--seed", "3"])
        XCTAssertEqual(extra.status, 64, extra.stderr)
        XCTAssert(extra.stderr.contains("--resume DIR takes the fit's options from DIR/run.json"), extra.stderr)
        let nothing = try CommandLineRunner.run(["fit", "--resume", base.appendingPathComponent("none").path])
        XCTAssertEqual(nothing.status, 66, nothing.stderr)
        // The same command again, into the interrupted fit: refused, pointing to --resume.
        let rerun = try CommandLineRunner.run(["fit", Self.study] + Self.fitArguments + ["--out", out.path])
        XCTAssertEqual(rerun.status, 73, rerun.stderr)
        XCTAssert(
            rerun.stderr.contains("interrupted before it finished")
                && rerun.stderr.contains("rlfit fit --resume \(out.path)"), rerun.stderr)

        // A fit of a model file resumes through its kept copy, model.rlm: without it, refused
        // (the file the run names may have changed since). Here run.json is pointed at a file.
        let runPath = out.appendingPathComponent("run.json"), keptModel = out.appendingPathComponent("model.rlm")
        let (savedRun, savedModel) = (try Data(contentsOf: runPath), try Data(contentsOf: keptModel))
        var edited = try JSONSerialization.jsonObject(with: savedRun) as! [String: Any]
        let modelFile = base.appendingPathComponent("mine.rlm")
        try savedModel.write(to: modelFile)
        edited["model"] = modelFile.path
        try JSONSerialization.data(withJSONObject: edited).write(to: runPath)
        try FileManager.default.removeItem(at: keptModel)
        let withoutModel = try CommandLineRunner.run(["fit", "--resume", out.path, "--quiet"])
        XCTAssertEqual(withoutModel.status, 66, withoutModel.stderr)
        XCTAssert(
            withoutModel.stderr.contains("model.rlm, the model file this fit ran, is missing"), withoutModel.stderr)
        try savedRun.write(to: runPath)
        try savedModel.write(to: keptModel)

        // The data changed since the fit started: refused, naming the file.
        let original = try Data(contentsOf: URL(fileURLWithPath: Self.study))
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as! [String: Any]
        let dataPath = run["data"] as! String
        try (original + Data("\n".utf8)).write(to: URL(fileURLWithPath: dataPath))
        let changed = try CommandLineRunner.run(["fit", "--resume", out.path, "--quiet"])
        try original.write(to: URL(fileURLWithPath: dataPath))
        XCTAssertEqual(changed.status, 65, changed.stderr)
        XCTAssert(changed.stderr.contains("changed since the fit") && changed.stderr.contains(dataPath), changed.stderr)

        // A damaged checkpoint is bad input naming the file.
        let checkpoint = out.appendingPathComponent("chain-1.checkpoint")
        let saved = try Data(contentsOf: checkpoint)
        try saved.prefix(saved.count - 5).write(to: checkpoint)
        let damaged = try CommandLineRunner.run(["fit", "--resume", out.path, "--quiet"])
        XCTAssertEqual(damaged.status, 65, damaged.stderr)
        XCTAssert(damaged.stderr.contains("chain-1.checkpoint"), damaged.stderr)
        try saved.write(to: checkpoint)

        let resumed = try CommandLineRunner.run(["fit", "--resume", out.path, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        // A run killed just after fit.json leaves its checkpoints: a resume finds the fit finished
        // and clears them.
        try saved.write(to: checkpoint)
        let again = try CommandLineRunner.run(["fit", "--resume", out.path, "--quiet"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssert(again.stdout.contains("nothing to resume"), again.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: checkpoint.path))
    }
}

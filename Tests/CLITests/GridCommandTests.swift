import Foundation
import XCTest

/// `rlfit grid`: plan, run (one task, or all here), status, merge — as a user runs them.
final class GridCommandTests: XCTestCase {
    /// Two small studies (8 subjects × 60 trials, different seeds).
    static let studies: [String] = {
        let dir = try! CommandLineRunner.temporaryDirectory()
        return ["study_a", "study_b"].enumerated().map { k, name in
            let path = dir.appendingPathComponent("\(name).tsv").path
            let r = try! CommandLineRunner.run([
                "simulate", "--model", "bandit2arm_delta", "--subjects", "8", "--trials", "60",
                "--seed", "\(5 + k)", "--missing", "0.05", "--out", path
            ])
            precondition(r.status == 0, r.stderr)
            return path
        }
    }()

    /// The chain file's draw rows (no comments: dates, paths and timings differ by run).
    func rows(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    func writeGrid(_ text: String, in dir: URL) throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("grid.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func gridJSON(models: [String], chains: Int = 2, warmup: Int = 150, draws: Int = 100, extra: String = "") -> String
    {
        """
        {"data": [\(Self.studies.map { "\"\($0)\"" }.joined(separator: ", "))],
         "models": [\(models.map { "\"\($0)\"" }.joined(separator: ", "))],
         "seeds": [7],
         "options": {"chains": \(chains), "warmup": \(warmup), "draws": \(draws)}\(extra)}
        """
    }

    /// 2 data sets × 2 models × 2 chains, run here two at a time: every merged chain's draws are
    /// byte-identical to `rlfit fit --chain-ids c` run alone, each merged fit's summary to the
    /// whole fit run in one process; grid.csv has a row per fit, a comparison per data set;
    /// status says all done; running or merging again changes nothing.
    func testLocalGridMergesChainsIdenticalToLocalFits() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let grid = try writeGrid(gridJSON(models: ["bandit2arm_delta", "delta_stick"]), in: base)
        let job = base.appendingPathComponent("job").path
        let plan = try CommandLineRunner.run(["grid", "plan", grid, "--out", job])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertTrue(plan.stdout.contains("4 fits, 8 tasks"), plan.stdout)
        let tasks = try String(contentsOfFile: job + "/tasks.tsv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(tasks.count, 9)
        XCTAssertEqual(
            tasks[1], "1\tstudy_a.bandit2arm_delta\t1\ttasks/study_a.bandit2arm_delta/chain-1\tlogs/task-1.log")
        let sbatch = try String(contentsOfFile: job + "/task.sbatch", encoding: .utf8)
        for line in [
            "#SBATCH --cpus-per-task=1", "#SBATCH --requeue", "#SBATCH --open-mode=append",
            "grid run \(job) --task \"$SLURM_ARRAY_TASK_ID\""
        ] {
            XCTAssertTrue(sbatch.contains(line), "task.sbatch lacks \(line):\n\(sbatch)")
        }
        let submit = try String(contentsOfFile: job + "/submit.sh", encoding: .utf8)
        XCTAssertTrue(submit.contains("--dependency=afterok:$array --kill-on-invalid-dep=yes"), submit)
        XCTAssertTrue(submit.contains("--array=\"$tasks%100\""), submit)
        let unfinished = try CommandLineRunner.run(["grid", "status", job, "--unfinished"])
        XCTAssertEqual(unfinished.stdout, "1-8\n")

        let run = try CommandLineRunner.run(["grid", "run", job, "--local", "--jobs", "2"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        for data in Self.studies {
            let stem = ((data as NSString).lastPathComponent as NSString).deletingPathExtension
            for model in ["bandit2arm_delta", "delta_stick"] {
                let fit = "\(job)/fits/\(stem).\(model)"
                let whole = base.appendingPathComponent("whole-\(stem)-\(model)").path
                let r = try CommandLineRunner.run([
                    "fit", data, "--model", model, "--chains", "2", "--warmup", "150", "--draws", "100",
                    "--seed", "7", "--out", whole, "--quiet"
                ])
                XCTAssertEqual(r.status, 0, r.stderr)
                for c in 1...2 {
                    let alone = base.appendingPathComponent("alone-\(stem)-\(model)-\(c)").path
                    let a = try CommandLineRunner.run([
                        "fit", data, "--model", model, "--warmup", "150", "--draws", "100", "--seed", "7",
                        "--chain-ids", "\(c)", "--out", alone, "--quiet"
                    ])
                    XCTAssertEqual(a.status, 0, a.stderr)
                    XCTAssertEqual(
                        try rows("\(fit)/chain-\(c).csv"), try rows("\(alone)/chain-\(c).csv"), "\(fit) chain \(c)")
                }
                XCTAssertEqual(
                    try String(contentsOfFile: "\(fit)/summary.csv", encoding: .utf8),
                    try String(contentsOfFile: "\(whole)/summary.csv", encoding: .utf8), fit)
                let names = try FileManager.default.contentsOfDirectory(atPath: fit)
                for name in ["fit.json", "subjects.csv", "report.html", "run.json", "model.rlm"] {
                    XCTAssertTrue(names.contains(name), "\(fit): \(names)")
                }
                XCTAssertFalse(names.contains { $0.hasSuffix(".checkpoint") }, "\(fit): \(names)")
            }
        }
        let table = try String(contentsOfFile: job + "/grid.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(table.count, 5)
        XCTAssertTrue(
            table[0].hasPrefix("fit,data,model,seed,status,max_rhat,min_ess_bulk,min_ess_tail,divergences,elpd_loo"),
            String(table[0]))
        XCTAssertTrue(
            table.dropFirst().allSatisfy { $0.contains(",merged,") && !$0.contains(",NA,") },
            table.joined(separator: "\n"))
        for stem in ["study_a", "study_b"] {
            let compare = try String(contentsOfFile: "\(job)/compare/\(stem).txt", encoding: .utf8)
            XCTAssertTrue(
                compare.contains("\(stem).bandit2arm_delta") && compare.contains("\(stem).delta_stick"), compare)
        }
        let status = try CommandLineRunner.run(["grid", "status", job])
        XCTAssertTrue(
            status.stdout.hasPrefix(
                "8 tasks: 8 done, 0 running, 0 interrupted, 0 failed, 0 missing; 4 of 4 fits merged"), status.stdout)
        XCTAssertEqual(try CommandLineRunner.run(["grid", "status", job, "--unfinished"]).stdout, "\n")
        let again = try CommandLineRunner.run(["grid", "run", job, "--task", "3"])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("has finished already"), again.stdout)
        let merge = try CommandLineRunner.run(["grid", "merge", job])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertFalse(merge.stdout.contains("merged study"), "a second merge redid fits:\n\(merge.stdout)")
    }

    /// A task stopped by SIGTERM (SLURM's requeue, preemption, time limit) exits 143 and is
    /// "interrupted"; one killed outright (SIGKILL) is too, once its process is gone; run again,
    /// each resumes from its checkpoint to the uninterrupted chain's draws, and status counts the
    /// attempts. The merge refuses (exit 75) while a task is unfinished and lists the fit as missing.
    func testInterruptedTasksResumeToTheSameDraws() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let grid = try writeGrid(
            """
            {"data": ["\(Self.studies[0])"], "models": ["bandit2arm_delta"], "seeds": [11],
             "options": {"chains": 2, "warmup": 1500, "draws": 1500}}
            """, in: base)
        let job = base.appendingPathComponent("job").path
        XCTAssertEqual(try CommandLineRunner.run(["grid", "plan", grid, "--out", job]).status, 0)
        let alone = base.appendingPathComponent("alone").path
        XCTAssertEqual(
            try CommandLineRunner.run([
                "fit", Self.studies[0], "--model", "bandit2arm_delta", "--chains", "2", "--warmup", "1500",
                "--draws", "1500", "--seed", "11", "--out", alone, "--quiet"
            ]).status, 0)
        for (task, signal) in [(1, SIGTERM), (2, SIGKILL)] {
            let process = Process()
            process.executableURL = CommandLineRunner.executable
            process.arguments = ["grid", "run", job, "--task", "\(task)", "--checkpoint-every", "0.05"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Stop it once its chain has a checkpoint, mid-run.
            let checkpoint = "\(job)/tasks/study_a.bandit2arm_delta/chain-\(task)/chain-\(task).checkpoint"
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: checkpoint) && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            Thread.sleep(forTimeInterval: 0.1)
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            if signal == SIGTERM { XCTAssertEqual(process.terminationStatus, 143) }
            let status = try CommandLineRunner.run(["grid", "status", job])
            XCTAssertTrue(
                status.stdout.contains("task \(task) (study_a.bandit2arm_delta, chain \(task)): interrupted"),
                status.stdout)
        }
        let early = try CommandLineRunner.run(["grid", "merge", job])
        XCTAssertEqual(early.status, 75, early.stderr)
        XCTAssertTrue(early.stderr.contains("1 of 1 fits have unfinished tasks"), early.stderr)
        XCTAssertTrue(try String(contentsOfFile: job + "/grid.csv", encoding: .utf8).contains(",missing,"))
        XCTAssertEqual(try CommandLineRunner.run(["grid", "status", job, "--unfinished"]).stdout, "1-2\n")

        for task in 1...2 {
            let r = try CommandLineRunner.run(["grid", "run", job, "--task", "\(task)"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("resumed from the checkpoints"), r.stdout)
        }
        let status = try CommandLineRunner.run(["grid", "status", job])
        XCTAssertTrue(status.stdout.contains("2 done"), status.stdout)
        XCTAssertTrue(
            status.stdout.contains("task 1 (study_a.bandit2arm_delta, chain 1): done (attempt 2, requeued or rerun 1×"),
            status.stdout)
        let merge = try CommandLineRunner.run(["grid", "merge", job])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        for c in 1...2 {
            XCTAssertEqual(
                try rows("\(job)/fits/study_a.bandit2arm_delta/chain-\(c).csv"), try rows("\(alone)/chain-\(c).csv"),
                "chain \(c)")
        }
        XCTAssertEqual(
            try String(contentsOfFile: "\(job)/fits/study_a.bandit2arm_delta/summary.csv", encoding: .utf8),
            try String(contentsOfFile: "\(alone)/summary.csv", encoding: .utf8))
    }

    /// Grid files with a mistake: `file:line:column: error:` and a fix, exit 65, no job folder.
    func testGridFileMistakesNameTheirPlace() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let cases: [(String, String, String)] = [
            (
                #"{"data": ["\#(Self.studies[0])"], "models": ["bandit2arm_delta"], "option": {}}"#, "1:",
                "unknown key 'option'"
            ),
            (
                "{\"data\": [\"\(Self.studies[0])\"],\n \"models\": [\"bandit2arm_delta\"],\n \"options\": {\"seed\": 3}}",
                "3:14", "'seed' is set per fit by the grid"
            ),
            (
                "{\"data\": [\"nowhere.tsv\"],\n \"models\": [\"bandit2arm_delta\"]}", "1:10",
                "data file 1, nowhere.tsv, cannot be read"
            ),
            (
                "{\"data\": [\"\(Self.studies[0])\"],\n \"models\": [\"bandit2arm_dlta\"]}", "2:12",
                "unknown model 'bandit2arm_dlta'; did you mean bandit2arm_delta?"
            ),
            (
                "{\"data\": [\"\(Self.studies[0])\"],\n \"models\": [\"bandit2arm_delta\"],\n \"options\": {\"warmup\": \"many\"}}",
                "3:24", "key 'options.warmup'"
            ),
            (
                "{\"data\": [\"\(Self.studies[0])\"],\n \"models\": [\"bandit2arm_delta\"],\n \"options\": {\"adapt_delta\": 1.5}}",
                "3:13", "adapt delta must be in (0, 1)"
            ),
            ("{\"data\": [\"\(Self.studies[0])\"],\n \"models\" [\"bandit2arm_delta\"]}", "2:", "not valid JSON"),
            (
                "{\"data\": [\"\(Self.studies[0])\"],\n \"models\": [\"bandit2arm_delta\"],\n \"task\": \"subject\"}",
                "3:10", "task must be \"chain\""
            )
        ]
        for (k, (text, place, message)) in cases.enumerated() {
            let dir = base.appendingPathComponent("case-\(k)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let grid = try writeGrid(text, in: dir)
            let job = dir.appendingPathComponent("job").path
            let r = try CommandLineRunner.run(["grid", "plan", grid, "--out", job])
            XCTAssertEqual(r.status, 65, "case \(k): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("\(grid):\(place)"), "case \(k): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "case \(k): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("fix: "), "case \(k): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: job), "case \(k): a job folder was written")
        }
        // A plan is never overwritten; a task outside the grid is a usage error; no plan: 66.
        let grid = try writeGrid(gridJSON(models: ["bandit2arm_delta"]), in: base)
        let job = base.appendingPathComponent("job").path
        XCTAssertEqual(try CommandLineRunner.run(["grid", "plan", grid, "--out", job]).status, 0)
        let twice = try CommandLineRunner.run(["grid", "plan", grid, "--out", job])
        XCTAssertEqual(twice.status, 73, twice.stderr)
        XCTAssertTrue(twice.stderr.contains("already holds a planned grid"), twice.stderr)
        let outside = try CommandLineRunner.run(["grid", "run", job, "--task", "99"])
        XCTAssertEqual(outside.status, 64, outside.stderr)
        XCTAssertTrue(outside.stderr.contains("task 99 is not in this grid (tasks 1…4)"), outside.stderr)
        let none = try CommandLineRunner.run(["grid", "status", base.path])
        XCTAssertEqual(none.status, 66, none.stderr)
    }

    /// Overrides reach the SLURM script: --time, --mem, --max-running, --cpus-per-task, and the
    /// grid file's partition and extra sbatch options.
    func testPlannedResourcesAndOverrides() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let grid = try writeGrid(
            gridJSON(
                models: ["bandit2arm_delta"],
                extra: #", "task": "fit", "slurm": {"partition": "short", "sbatch": ["--account=lab"]}"#), in: base)
        let job = base.appendingPathComponent("job").path
        let r = try CommandLineRunner.run([
            "grid", "plan", grid, "--out", job, "--time", "1-02:30:00", "--mem", "3G", "--max-running", "7",
            "--cpus-per-task", "2"
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let sbatch = try String(contentsOfFile: job + "/task.sbatch", encoding: .utf8)
        for line in [
            "--time=1-02:30:00", "--mem=3072M", "--cpus-per-task=2", "#SBATCH --partition=short",
            "#SBATCH --account=lab"
        ] {
            XCTAssertTrue(sbatch.contains(line), "\(line):\n\(sbatch)")
        }
        XCTAssertTrue(try String(contentsOfFile: job + "/submit.sh", encoding: .utf8).contains("%7\""))
        let bad = try CommandLineRunner.run([
            "grid", "plan", grid, "--out", base.appendingPathComponent("job2").path, "--time", "soon"
        ])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("time 'soon' is not a SLURM time"), bad.stderr)
    }

    /// Scale: a 500-fit grid (1 data set × 2 models × 250 seeds, one chain each, tiny fits) is
    /// planned, run here and merged; every fit is merged, grid.csv has 500 rows, 250 comparisons
    /// are written, and plan and merge stay small in memory (each prints its time and peak).
    func testFiveHundredFitGridPlansAndMerges() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let data = base.appendingPathComponent("tiny.tsv").path
        XCTAssertEqual(
            try CommandLineRunner.run([
                "simulate", "--model", "bandit2arm_delta", "--subjects", "6", "--trials", "30",
                "--seed", "5", "--out", data
            ]).status, 0)
        let seeds = (1...250).map(String.init).joined(separator: ", ")
        let grid = try writeGrid(
            """
            {"data": ["tiny.tsv"], "models": ["bandit2arm_delta", "delta_stick"], "seeds": [\(seeds)],
             "options": {"chains": 1, "warmup": 30, "draws": 20}}
            """, in: base)
        let job = base.appendingPathComponent("job").path
        let plan = try CommandLineRunner.run(["grid", "plan", grid, "--out", job])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertTrue(plan.stdout.contains("500 fits, 500 tasks"), plan.stdout)
        let run = try CommandLineRunner.run(["grid", "run", job, "--local", "--jobs", "2"])
        XCTAssertEqual(run.status, 0, String(run.stderr.suffix(2000)))
        // Merge again from scratch, to time and size the merge alone.
        try FileManager.default.removeItem(atPath: job + "/fits")
        try FileManager.default.createDirectory(atPath: job + "/fits", withIntermediateDirectories: true)
        let merge = try CommandLineRunner.run(["grid", "merge", job])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertTrue(merge.stdout.contains("500 fits: "), String(merge.stdout.prefix(500)))
        XCTAssertTrue(merge.stdout.contains("250 model comparisons"), String(merge.stdout.suffix(500)))
        let table = try String(contentsOfFile: job + "/grid.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(table.count, 501)
        XCTAssertEqual(table.filter { $0.contains(",merged,") }.count, 500)
        for (name, output) in [("plan", plan.stdout), ("merge", merge.stdout)] {
            let line = output.split(separator: "\n").last { $0.hasPrefix("\(name): ") }.map(String.init) ?? ""
            print("500-fit grid, \(line)")
            let peak = line.components(separatedBy: "peak memory ").last.flatMap {
                Double($0.split(separator: " ").first ?? "")
            }
            XCTAssertNotNil(peak, line)
            XCTAssertLessThan(peak ?? .infinity, 500, "\(name) of 500 fits took more than 500 MB: \(line)")
        }
    }

    /// A recovery grid simulates its studies when planning (as `rlfit recover` does, same seeds),
    /// fits each as grid tasks, and the merge's recovery table equals `rlfit recover`'s (up to the
    /// chain files' 6 significant digits); an SBC grid's ranks equal `rlfit sbc`'s exactly.
    func testSimulatedGridsEqualRecoverAndSBC() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        // Stan's warmup windows (75/25), as recover and sbc use.
        let grid = try writeGrid(
            """
            {"recovery": {"replicates": 2, "subjects": 12, "trials": 80},
             "models": ["bandit2arm_delta"], "seeds": [4],
             "options": {"chains": 2, "warmup": 200, "draws": 150, "init_buffer": 75, "window": 25}}
            """, in: base)
        let job = base.appendingPathComponent("job").path
        XCTAssertEqual(try CommandLineRunner.run(["grid", "plan", grid, "--out", job]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: job + "/data/bandit2arm_delta.rep2.tsv.truth.json"))
        let run = try CommandLineRunner.run(["grid", "run", job, "--local"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(
            run.stdout.contains("parameter recovery: bandit2arm_delta, 2 replicate(s) of 12 subjects × 80 trials"),
            run.stdout)
        let reference = base.appendingPathComponent("recover.csv").path
        let recover = try CommandLineRunner.run([
            "recover", "--model", "bandit2arm_delta", "--replicates", "2", "--subjects", "12", "--trials", "80",
            "--chains", "2", "--warmup", "200", "--draws", "150", "--seed", "4", "--out", reference
        ])
        XCTAssertEqual(recover.status, 0, recover.stderr)
        func table(_ path: String) throws -> [[String]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                $0.split(separator: ",").map(String.init)
            }
        }
        let ours = try table(job + "/recovery/bandit2arm_delta.csv"), theirs = try table(reference)
        XCTAssertEqual(ours.count, 3)
        XCTAssertEqual(ours.first, theirs.first)
        for (a, b) in zip(ours.dropFirst(), theirs.dropFirst()) {
            XCTAssertEqual(a[0], b[0])
            for k in 1..<a.count {
                XCTAssertEqual(
                    Double(a[k])!, Double(b[k])!, accuracy: 1e-5 * max(1, abs(Double(b[k])!)), "\(a[0]) column \(k)")
            }
        }

        let sbcGrid = try writeGrid(
            """
            {"sbc": {"replicates": 4, "subjects": 5, "trials": 40, "rank_draws": 19, "bins": 4},
             "models": ["bandit2arm_delta"], "seeds": [3],
             "options": {"chains": 2, "warmup": 100, "draws": 100, "init_buffer": 75, "window": 25}}
            """, in: base)
        let sbcJob = base.appendingPathComponent("sbc-job").path
        XCTAssertEqual(try CommandLineRunner.run(["grid", "plan", sbcGrid, "--out", sbcJob]).status, 0)
        XCTAssertEqual(try CommandLineRunner.run(["grid", "run", sbcJob, "--local"]).status, 0)
        let ranks = base.appendingPathComponent("sbc.csv").path
        let sbc = try CommandLineRunner.run([
            "sbc", "--model", "bandit2arm_delta", "--replicates", "4", "--subjects", "5", "--trials", "40",
            "--warmup", "100", "--draws", "100", "--rank-draws", "19", "--bins", "4", "--seed", "3", "--out", ranks
        ])
        XCTAssertEqual(sbc.status, 0, sbc.stderr)
        XCTAssertEqual(
            try String(contentsOfFile: sbcJob + "/sbc/bandit2arm_delta.csv", encoding: .utf8),
            try String(contentsOfFile: ranks, encoding: .utf8))
        // A simulated design takes one seed, and not data as well.
        let both = try writeGrid(
            #"{"data": ["x.tsv"], "sbc": {}, "models": ["bandit2arm_delta"]}"#, in: base.appendingPathComponent("both"))
        let refused = try CommandLineRunner.run(["grid", "plan", both, "--out", base.appendingPathComponent("j3").path])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("give one of \"data\", \"recovery\" and \"sbc\""), refused.stderr)
    }

    /// A task that fails (here: its data file was damaged after planning) is "failed" with its
    /// error and the tail of its log; `--local` exits 1 naming it, and the merge waits (75).
    func testFailedTaskIsReportedWithItsLog() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let data = base.appendingPathComponent("study.tsv").path
        try FileManager.default.copyItem(atPath: Self.studies[0], toPath: data)
        let grid = try writeGrid(
            #"{"data": ["study.tsv"], "models": ["bandit2arm_delta"], "seeds": [2], "options": {"chains": 1, "warmup": 50, "draws": 50}}"#,
            in: base)
        let job = base.appendingPathComponent("job").path
        XCTAssertEqual(try CommandLineRunner.run(["grid", "plan", grid, "--out", job]).status, 0)
        try "subjID\tchoice\toutcome\n1\t3\t1\n".write(toFile: data, atomically: true, encoding: .utf8)
        let run = try CommandLineRunner.run(["grid", "run", job, "--local"])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("1 task did not finish (1)"), run.stderr)
        let status = try CommandLineRunner.run(["grid", "status", job])
        XCTAssertTrue(
            status.stdout.contains("1 tasks: 0 done, 0 running, 0 interrupted, 1 failed, 0 missing"), status.stdout)
        XCTAssertTrue(status.stdout.contains("task 1 (study.bandit2arm_delta, chain 1): failed"), status.stdout)
        XCTAssertTrue(status.stdout.contains("    | "), "no log tail:\n\(status.stdout)")
        XCTAssertTrue(status.stdout.contains("study.tsv"), status.stdout)
        XCTAssertEqual(try CommandLineRunner.run(["grid", "merge", job]).status, 75)
    }
}

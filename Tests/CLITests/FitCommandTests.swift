import Foundation
import XCTest

/// `rlfit fit` and `rlfit summary` as a user runs them.
final class FitCommandTests: XCTestCase {
    /// A small simulated study (8 subjects × 60 trials) shared by the tests.
    static let study: String = {
        let dir = try! CommandLineRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("study.tsv").path
        let r = try! CommandLineRunner.run([
            "simulate", "--model", "bandit2arm_delta", "--subjects", "8", "--trials", "60",
            "--seed", "3", "--missing", "0.05", "--out", path
        ])
        precondition(r.status == 0, r.stderr)
        return path
    }()

    func fit(_ extra: [String], out: URL) throws -> CommandLineRunner.Result {
        try CommandLineRunner.run(
            [
                "fit", Self.study, "--model", "bandit2arm_delta", "--warmup", "150", "--draws", "100",
                "--seed", "11", "--quiet", "--out", out.path
            ] + extra)
    }

    func chainBody(_ url: URL) throws -> [Substring] {
        // Draw lines only: comments carry timings and dates that differ between runs.
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    func testFitWritesEveryFileAndTheReport() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("fit")
        let r = try fit([], out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("mu_A") && r.stdout.contains("R-hat") && r.stdout.contains("divergences"), r.stdout)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        XCTAssertEqual(
            names,
            [
                "chain-1.csv", "chain-2.csv", "chain-3.csv", "chain-4.csv", "summary.csv", "subjects.csv", "fit.json",
                "run.json",
                "model.rlm", "report.html", "ppc.csv"
            ])
        let ppc = try String(contentsOf: out.appendingPathComponent("ppc.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(ppc[0], "subjID,trial,trial_in_block,observed_better,predicted_mean,predicted_q5,predicted_q95")
        XCTAssertEqual(ppc.filter { $0.hasPrefix("group,") }.count, 60)
        XCTAssertEqual(ppc.count, 1 + 60 + 8 * 60)
        // The offline report: inline SVG, no scripts or remote resources.
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        for part in [
            "<svg", "mu_A", "Trace and rank plots", "Subjects", "Posterior predictive learning curve", "<table>"
        ] {
            XCTAssert(html.contains(part), part)
        }
        XCTAssertFalse(html.contains("<script") || html.contains("http://") || html.contains("https://"))
        let header = try chainBody(out.appendingPathComponent("chain-1.csv"))[0]
        let columns = header.split(separator: ",").map(String.init)
        XCTAssertEqual(
            Array(columns.prefix(11)),
            [
                "lp__", "accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__",
                "energy__", "mu_pr.1", "mu_pr.2", "sigma.1", "sigma.2"
            ])
        XCTAssertEqual(columns.filter { $0.hasPrefix("A_pr.") }.count, 8)
        XCTAssertEqual(columns.filter { $0.hasPrefix("tau.") }.count, 8)
        XCTAssertEqual(columns.filter { $0.hasPrefix("log_lik.") }.count, 8)
        XCTAssert(columns.contains("mu_A") && columns.contains("mu_tau"))
        XCTAssertEqual(try chainBody(out.appendingPathComponent("chain-1.csv")).count, 101)

        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(summary[0], "name,mean,sd,mcse_mean,q5,q50,q95,ess_bulk,ess_tail,rhat")
        XCTAssertEqual(summary.count, 1 + columns.count - 7)
        let subjects = try String(contentsOf: out.appendingPathComponent("subjects.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(subjects[0], "subjID,A_mean,A_q2.5,A_q97.5,tau_mean,tau_q2.5,tau_q97.5")
        XCTAssertEqual(subjects.count, 9)
        XCTAssert(subjects[1].hasPrefix("1,"))

        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("fit.json")))
            as! [String: Any]
        XCTAssertEqual(manifest["seed"] as? Int, 11)
        let data = manifest["data"] as! [String: Any]
        XCTAssertEqual((data["sha256"] as! String).count, 64)
        XCTAssertEqual((manifest["chains"] as! [Any]).count, 4)
        XCTAssertNotNil(manifest["verdict"] as? String)
        XCTAssertEqual(manifest["complete"] as? Bool, true)
        XCTAssert((manifest["command"] as! String).contains("--seed 11"))

        // The report again, from the files.
        let again = try CommandLineRunner.run(["summary", out.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssert(again.stdout.contains("mu_A") && again.stdout.contains("worst R-hat"), again.stdout)
    }

    /// The same seed gives the same draws; a chain run alone (--chain-ids) gives the draws it
    /// has in the full run, whatever the thread count.
    func testSameSeedSameDrawsAndChainsAloneMatch() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let full = base.appendingPathComponent("full"), again = base.appendingPathComponent("again")
        let alone = base.appendingPathComponent("alone")
        XCTAssertEqual(try fit(["--threads", "2"], out: full).status, 0)
        XCTAssertEqual(try fit(["--threads", "1"], out: again).status, 0)
        for c in 1...4 {
            XCTAssertEqual(
                try chainBody(full.appendingPathComponent("chain-\(c).csv")),
                try chainBody(again.appendingPathComponent("chain-\(c).csv")), "chain \(c)")
        }
        let r = try fit(["--chain-ids", "3"], out: alone)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: alone.path).filter { $0.hasPrefix("chain-") },
            ["chain-3.csv"])
        XCTAssertEqual(
            try chainBody(full.appendingPathComponent("chain-3.csv")),
            try chainBody(alone.appendingPathComponent("chain-3.csv")))
        XCTAssert(r.stdout.contains("one chain only"), r.stdout)
    }

    /// `--config DIR/run.json` reproduces a fit: the same draws; command-line options override
    /// the file; unknown keys are rejected.
    func testRunFileReproducesTheFit() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let first = base.appendingPathComponent("first")
        XCTAssertEqual(try fit(["--hierarchy", "partial"], out: first).status, 0)
        let runFile = first.appendingPathComponent("run.json")
        let resolved = try JSONSerialization.jsonObject(with: Data(contentsOf: runFile)) as! [String: Any]
        XCTAssertEqual(resolved["seed"] as? Int, 11)
        XCTAssertEqual(resolved["model"] as? String, "bandit2arm_delta")
        XCTAssertEqual(resolved["warmup"] as? Int, 150)
        XCTAssertEqual(resolved["init_buffer"] as? Int, 15)
        XCTAssertEqual(resolved["window"] as? Int, 15)
        let chainText = try String(contentsOf: first.appendingPathComponent("chain-1.csv"), encoding: .utf8)
        XCTAssert(
            chainText.contains("#       init_buffer = 15\n#       term_buffer = 50\n#       window = 15\n"), chainText)
        let second = base.appendingPathComponent("second")
        let r = try CommandLineRunner.run(["fit", "--config", runFile.path, "--out", second.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for c in 1...4 {
            XCTAssertEqual(
                try chainBody(first.appendingPathComponent("chain-\(c).csv")),
                try chainBody(second.appendingPathComponent("chain-\(c).csv")))
        }
        // run.json holds absolute paths: a fit given its data by a relative path is reproduced,
        // and replayed, from another working directory.
        let local = base.appendingPathComponent("local")
        try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.study, toPath: local.appendingPathComponent("study.tsv").path)
        let relative = try CommandLineRunner.run(
            [
                "fit", "study.tsv", "--model", "bandit2arm_delta", "--chains", "1", "--warmup", "50", "--draws", "50",
                "--seed", "3", "--out", "rel", "--quiet"
            ], in: local)
        XCTAssertEqual(relative.status, 0, relative.stderr)
        let stored =
            try JSONSerialization.jsonObject(with: Data(contentsOf: local.appendingPathComponent("rel/run.json")))
            as! [String: Any]
        let storedData = try XCTUnwrap(stored["data"] as? String)
        XCTAssert(storedData.hasPrefix("/") && storedData.hasSuffix("/local/study.tsv"), storedData)
        let elsewhere = try CommandLineRunner.run(
            ["fit", "--config", "local/rel/run.json", "--out", "rel2", "--quiet"], in: base)
        XCTAssertEqual(elsewhere.status, 0, elsewhere.stderr)
        XCTAssertEqual(
            try chainBody(local.appendingPathComponent("rel/chain-1.csv")),
            try chainBody(base.appendingPathComponent("rel2/chain-1.csv")))
        let replay = try CommandLineRunner.run(["loglik", "local/rel", "--out", "rel.csv"], in: base)
        XCTAssertEqual(replay.status, 0, replay.stderr)

        let bad = base.appendingPathComponent("bad.json").path
        try #"{"model": "bandit2arm_delta", "warmpu": 10}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        let rejected = try CommandLineRunner.run([
            "fit", Self.study, "--config", bad, "--out", base.appendingPathComponent("x").path
        ])
        XCTAssertEqual(rejected.status, 64)
        XCTAssert(rejected.stderr.contains("\(bad):1:31: error: unknown key warmpu"), rejected.stderr)
        // Errors point at the place in the file: a wrong type, and broken syntax.
        for (text, expected) in [
            ("{\n  \"model\": \"bandit2arm_delta\",\n  \"chains\": \"four\"\n}\n", ":3:13: error: key 'chains'"),
            ("{\n  \"model\": \"bandit2arm_delta\",\n  \"chains\": four\n}\n", ":3:13: error: not valid JSON"),
            ("{\"priors\": {\"mu\": \"wide\"}}", ":1:19: error: key 'priors.mu'"),
            ("[1]", ":1:1: error: a run file is one JSON object")
        ] {
            try text.write(toFile: bad, atomically: true, encoding: .utf8)
            let r = try CommandLineRunner.run([
                "fit", Self.study, "--config", bad, "--out", base.appendingPathComponent("x").path
            ])
            XCTAssertEqual(r.status, 64, text)
            XCTAssert(r.stderr.contains(bad + expected) && r.stderr.contains("fix:"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: base.appendingPathComponent("x").path))
        }
    }

    /// --hierarchy none and pooled, and --covariates, as the output columns show them.
    func testHierarchiesAndCovariates() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        func header(_ dir: URL) throws -> [String] {
            try chainBody(dir.appendingPathComponent("chain-1.csv"))[0].split(separator: ",").map(String.init)
        }
        let none = base.appendingPathComponent("none"), pooled = base.appendingPathComponent("pooled")
        XCTAssertEqual(try fit(["--hierarchy", "none"], out: none).status, 0)
        let noneColumns = try header(none)
        XCTAssertFalse(noneColumns.contains("mu_pr.1") || noneColumns.contains("sigma.1"))
        XCTAssert(noneColumns.contains("A_pr.8") && noneColumns.contains("tau.8") && noneColumns.contains("log_lik.8"))
        let pooledResult = try fit(["--hierarchy", "pooled"], out: pooled)
        XCTAssertEqual(pooledResult.status, 0, pooledResult.stderr)
        let pooledColumns = try header(pooled)
        XCTAssert(
            pooledColumns.contains("mu_pr.2") && pooledColumns.contains("mu_A") && !pooledColumns.contains("sigma.1"))

        // A study with an age column constant within subject.
        let lines = try String(contentsOfFile: Self.study, encoding: .utf8).split(separator: "\n")
        var text = lines[0] + "\tage\tgroup\n"
        for line in lines.dropFirst() {
            let id = Int(line.split(separator: "\t")[0])!
            text += line + "\t\(20 + 3 * id)\t\(id % 2 == 0 ? "patient" : "control")\n"
        }
        let withAge = base.appendingPathComponent("age.tsv").path
        try text.write(toFile: withAge, atomically: true, encoding: .utf8)
        let covariates = base.appendingPathComponent("cov")
        let r = try CommandLineRunner.run([
            "fit", withAge, "--model", "bandit2arm_delta", "--warmup", "150", "--draws", "100",
            "--seed", "2", "--quiet", "--covariates", "age,group", "--out", covariates.path
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let columns = try header(covariates)
        XCTAssertEqual(columns.filter { $0.hasPrefix("gamma.") }, ["gamma.1.1", "gamma.1.2", "gamma.2.1", "gamma.2.2"])
        XCTAssert(r.stdout.contains("covariate effects") && r.stdout.contains("A        ~ age"), r.stdout)
        XCTAssert(r.stdout.contains("control → patient"), r.stdout)

        // A covariate that changes within a subject is rejected, naming the subject.
        let varying = base.appendingPathComponent("varying.tsv").path
        try
            (lines[0] + "\tage\n"
            + lines.dropFirst().enumerated().map { "\($0.element)\t\($0.offset)" }.joined(separator: "\n"))
            .write(toFile: varying, atomically: true, encoding: .utf8)
        let rejected = try CommandLineRunner.run([
            "fit", varying, "--model", "bandit2arm_delta", "--covariates", "age", "--quiet",
            "--out", base.appendingPathComponent("v").path
        ])
        XCTAssertEqual(rejected.status, 65)
        XCTAssert(rejected.stderr.contains("changes within subject '1'"), rejected.stderr)
        XCTAssertEqual(
            try fit(["--hierarchy", "none", "--covariates", "x"], out: base.appendingPathComponent("y")).status, 64)
    }

    /// An existing fit is never replaced without --overwrite; output and summary errors are
    /// plain messages with sysexits codes; data warnings reach the report and the verdict.
    func testOverwriteOutputErrorsAndDataWarningsInTheReport() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let out = base.appendingPathComponent("fit")
        XCTAssertEqual(try fit([], out: out).status, 0)
        let again = try fit([], out: out)
        XCTAssertEqual(again.status, 73)
        XCTAssert(
            again.stderr.contains("already holds a fit (bandit2arm_delta)") && again.stderr.contains("--overwrite"),
            again.stderr)
        XCTAssertEqual(try fit(["--overwrite"], out: out).status, 0)
        let file = base.appendingPathComponent("a-file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let onFile = try fit([], out: file)
        XCTAssertEqual(onFile.status, 73)
        XCTAssert(onFile.stderr.contains("is a file, not a directory"), onFile.stderr)
        let missing = try CommandLineRunner.run(["summary", base.appendingPathComponent("nothing").path])
        XCTAssertEqual(missing.status, 66)
        XCTAssert(missing.stderr.contains("no such directory") && !missing.stderr.contains("NSCocoa"), missing.stderr)

        // 0/1 outcomes: the coding warning is in the report, fit.json's warnings and verdict.
        let lines = try String(contentsOfFile: Self.study, encoding: .utf8).split(separator: "\n")
        let zeroOne = base.appendingPathComponent("zero_one.tsv").path
        try
            (lines[0] + "\n"
            + lines.dropFirst().map { $0.replacingOccurrences(of: "\t-1", with: "\t0") }.joined(separator: "\n"))
            .write(toFile: zeroOne, atomically: true, encoding: .utf8)
        let coded = base.appendingPathComponent("coded")
        let r = try CommandLineRunner.run([
            "fit", zeroOne, "--model", "bandit2arm_delta", "--warmup", "150", "--draws", "100",
            "--seed", "1", "--quiet", "--out", coded.path
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("warning: outcome: values 0 (") && r.stdout.contains("0/1 coding"), r.stdout)
        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: coded.appendingPathComponent("fit.json")))
            as! [String: Any]
        XCTAssertEqual(manifest["verdict"] as? String, "warnings")
        XCTAssertEqual((manifest["data_warnings"] as? [String])?.count, 1)
        let summary = try CommandLineRunner.run(["summary", coded.path])
        XCTAssert(summary.stdout.contains("0/1 coding"), summary.stdout)
    }

    /// A PST-style file (HDDM's column names, 0-based choices, interleaved conditions) fits with
    /// --columns, --first-option 0 and --condition; subjects.csv has one row per subject.
    func testConditionsColumnsAndFirstOption() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        var text = "subj_idx,cond,trial,response,feedback\n"
        for s in 1...4 {
            for t in 1...20 {
                for c in ["AB", "CD"] { text += "\(s),\(c),\(t),\((s + t) % 3 == 0 ? 0 : 1),\(t % 4 == 0 ? -1 : 1)\n" }
            }
        }
        let path = base.appendingPathComponent("pst.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let out = base.appendingPathComponent("fit")
        let r = try CommandLineRunner.run([
            "fit", path, "--model", "delta_dual", "--columns", "subjID=subj_idx,choice=response,outcome=feedback",
            "--first-option", "0", "--condition", "cond", "--warmup", "150", "--draws", "100",
            "--seed", "3", "--quiet", "--out", out.path
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("4 subjects, 160 choices in 2 conditions"), r.stdout)
        let subjects = try String(contentsOf: out.appendingPathComponent("subjects.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(subjects.count, 5)
        let check = try CommandLineRunner.run([
            "check", path, "--model", "delta_dual", "--columns", "subjID=subj_idx,choice=response,outcome=feedback",
            "--first-option", "0", "--condition", "cond"
        ])
        XCTAssert(check.stdout.contains("2 conditions with separate values: AB, CD"), check.stdout)
        XCTAssertEqual(
            try CommandLineRunner.run(["fit", path, "--model", "delta_dual", "--columns", "subjID", "--out", out.path])
                .status, 64)
        // A misspelt model column in --columns is refused by check as by fit, with the name meant
        // (ignored, the data error would blame 'outcome').
        for command in ["check", "fit"] {
            let typo = try CommandLineRunner.run(
                [
                    command, path, "--model", "delta_dual", "--columns",
                    "subjID=subj_idx,choice=response,outcom=feedback", "--first-option", "0", "--condition", "cond"
                ] + (command == "fit" ? ["--out", base.appendingPathComponent("typo").path] : []))
            XCTAssertEqual(typo.status, 64, typo.stderr)
            XCTAssert(
                typo.stderr.contains("--columns maps 'outcom', which delta_dual does not read")
                    && typo.stderr.contains("did you mean 'outcome'?"), typo.stderr)
            XCTAssert(typo.stderr.contains("Usage: rlfit \(command) "), typo.stderr)
        }
    }

    /// `rlfit compare` ranks fits of the same data by subject-level PSIS-LOO; fits of different
    /// subjects are refused.
    func testCompareRanksFitsOfTheSameData() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let delta = base.appendingPathComponent("delta"), stick = base.appendingPathComponent("stick")
        XCTAssertEqual(try fit([], out: delta).status, 0)
        let r = try CommandLineRunner.run([
            "fit", Self.study, "--model", "delta_stick", "--warmup", "150", "--draws", "100",
            "--seed", "11", "--quiet", "--out", stick.path
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let compare = try CommandLineRunner.run(["compare", delta.path, stick.path])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssert(
            compare.stdout.contains("delta (bandit2arm_delta)") && compare.stdout.contains("stick (delta_stick)"),
            compare.stdout)
        XCTAssert(compare.stdout.contains("elpd_loo") && compare.stdout.contains("pxp"), compare.stdout)
        let rankRows = compare.stdout.split(separator: "\n").filter {
            $0.hasPrefix("delta (") || $0.hasPrefix("stick (")
        }
        let weights = rankRows.prefix(2).map { Double($0.split(separator: ")")[1].split(separator: " ")[5])! }
        XCTAssertEqual(weights.reduce(0, +), 1, accuracy: 1e-3)

        // Trial level: every answered trial is an observation; replaying a draw through the model
        // gives back each subject's log_lik (up to the chain files' 6 digits).
        let pointwise = base.appendingPathComponent("pointwise.csv")
        let trial = try CommandLineRunner.run([
            "compare", delta.path, stick.path, "--level", "trial", "--pointwise", pointwise.path
        ])
        XCTAssertEqual(trial.status, 0, trial.stderr)
        XCTAssert(trial.stdout.contains("trial level"), trial.stdout)
        let answered = try String(contentsOfFile: Self.study, encoding: .utf8).split(separator: "\n").dropFirst()
            .filter { !$0.split(separator: "\t")[2].hasPrefix("NA") }.count
        XCTAssert(trial.stdout.contains("/\(answered)"), "expected \(answered) trials: " + trial.stdout)
        let rows = try String(contentsOf: pointwise, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows[0], "model,observation,subjID,trial,elpd_loo,p_loo,pareto_k")
        XCTAssertEqual(rows.count, 1 + 2 * answered)
        // Rows carry the data's subject id and trial number (the study's first answered trial).
        let firstTrial = try String(contentsOfFile: Self.study, encoding: .utf8).split(separator: "\n").dropFirst()
            .first { !$0.split(separator: "\t")[2].hasPrefix("NA") }!.split(separator: "\t")
        XCTAssert(
            rows[1].hasPrefix("delta (bandit2arm_delta),1,\(firstTrial[0]),\(firstTrial[1]),"),
            "\(rows[1]) \(firstTrial)")
        // Subject level: one row per subject, with its id.
        let subjectPointwise = base.appendingPathComponent("subjects-pointwise.csv")
        let subjectLevel = try CommandLineRunner.run([
            "compare", delta.path, stick.path, "--pointwise", subjectPointwise.path
        ])
        XCTAssertEqual(subjectLevel.status, 0, subjectLevel.stderr)
        let subjectRows = try String(contentsOf: subjectPointwise, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(subjectRows[0], "model,observation,subjID,elpd_loo,p_loo,pareto_k")
        XCTAssert(subjectRows[1].hasPrefix("delta (bandit2arm_delta),1,\(firstTrial[0]),"), "\(subjectRows[1])")

        // A fit of other subjects cannot be compared.
        let other = base.appendingPathComponent("other.tsv").path
        XCTAssertEqual(
            try CommandLineRunner.run([
                "simulate", "--model", "bandit2arm_delta", "--subjects", "5", "--trials", "40",
                "--seed", "1", "--out", other
            ]).status, 0)
        let otherFit = base.appendingPathComponent("otherfit")
        XCTAssertEqual(
            try CommandLineRunner.run([
                "fit", other, "--model", "bandit2arm_delta", "--warmup", "100", "--draws", "100",
                "--seed", "1", "--quiet", "--out", otherFit.path
            ]).status, 0)
        let mismatch = try CommandLineRunner.run(["compare", delta.path, otherFit.path])
        XCTAssertEqual(mismatch.status, 65)
        XCTAssert(mismatch.stderr.contains("differ"), mismatch.stderr)
    }

    /// `rlfit recover` fits simulated studies and reports recovery per parameter.
    func testRecoverReportsEveryParameter() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("recover.csv")
        let r = try CommandLineRunner.run([
            "recover", "--model", "delta_stick", "--subjects", "12", "--trials", "80",
            "--replicates", "2", "--warmup", "150", "--draws", "100", "--group", "A=0.4,kappa=1",
            "--out", out.path
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        for p in ["A ", "tau ", "kappa "] { XCTAssert(r.stdout.contains("\n" + p), r.stdout) }
        let csv = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv[0], "parameter,correlation,correlation_min,correlation_max,bias,rmse,coverage90")
        XCTAssertEqual(csv.count, 4)
        for row in csv.dropFirst() {
            let fields = row.split(separator: ",").dropFirst().map { Double($0)! }
            XCTAssert(fields[1] <= fields[0] && fields[0] <= fields[2], "\(row)") // min ≤ mean ≤ max
            XCTAssert(fields[5] >= 0 && fields[5] <= 1) // coverage
        }
        XCTAssert(
            r.stdout.contains("r range") && r.stdout.contains("task: P(+1) 0.8 / 0.5 / 0.2, reversed halfway"), r.stdout
        )
        XCTAssertEqual(try CommandLineRunner.run(["recover", "--model", "delta_stick", "--group", "A=2"]).status, 64)
        // A model the task cannot simulate is refused with the task this run would simulate
        // (--options 4 here), not the two-option default.
        let dir = try CommandLineRunner.temporaryDirectory()
        let mood = dir.appendingPathComponent("mood.rlm").path
        try """
        model mood "a delta rule that also reads mood"
        options from data
        data choice: option
        data outcome: real
        data mood: real
        parameter A in (0, 1)
        parameter tau in (0, 5)
        state Q[option] = 0
        trial {
          choice ~ softmax(tau * Q * mood)
          Q[choice] += A * (outcome - Q[choice])
        }

        """.write(toFile: mood, atomically: true, encoding: .utf8)
        let refused = try CommandLineRunner.run(["recover", "--model", mood, "--options", "4"])
        XCTAssertEqual(refused.status, 64, refused.stderr)
        XCTAssert(
            refused.stderr.contains(
                "mood reads data column 'mood'; the simulated task (P(+1) 0.8 / 0.6 / 0.4 / 0.2, reversed halfway"),
            refused.stderr)
    }

    /// `rlfit trajectories DIR` writes one row per trial with the data, the values, the choice
    /// probabilities, the prediction error and the reward (mean and 90% interval).
    func testTrajectories() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("fit")
        XCTAssertEqual(try fit([], out: out).status, 0)
        let r = try CommandLineRunner.run(["trajectories", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOf: out.appendingPathComponent("trajectories.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(
            lines[0],
            "subjID,trial,block_start,choice,outcome,Q.1_mean,Q.1_q5,Q.1_q95,Q.2_mean,Q.2_q5,Q.2_q95,"
                + "p_choice.1_mean,p_choice.1_q5,p_choice.1_q95,p_choice.2_mean,p_choice.2_q5,p_choice.2_q95,"
                + "pe_mean,pe_q5,pe_q95,reward_mean,reward_q5,reward_q95")
        XCTAssertEqual(lines.count, 1 + 8 * 60)
        var missed = 0
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let p1 = Double(f[11])!, p2 = Double(f[14])!
            XCTAssertEqual(p1 + p2, 1, accuracy: 1e-5)
            XCTAssert(Double(f[6])! <= Double(f[5])! + 1e-9 && Double(f[5])! <= Double(f[7])! + 1e-9)
            if f[3] == "NA" {
                missed += 1
                // pe and the reward come from the trial's data, which a missed trial lacks.
                XCTAssertEqual(f[17], "NA")
                XCTAssertEqual(Array(f[20...22]), ["NA", "NA", "NA"])
            } else {
                // pe = outcome − Q[choice], the reward is the outcome.
                let q = Double(f[f[3] == "1" ? 5 : 8])!
                XCTAssertEqual(Double(f[17])!, Double(f[4])! - q, accuracy: 1e-4)
                XCTAssertEqual(Double(f[20])!, Double(f[4])!, accuracy: 1e-12)
            }
        }
        XCTAssertGreaterThan(missed, 0)
        // A directory that does not exist is named as such (66), by every command reading a fit.
        for command in ["trajectories", "loglik", "summary"] {
            let missing = try CommandLineRunner.run([command, "/nonexistent"])
            XCTAssertEqual(missing.status, 66, command)
            XCTAssert(
                missing.stderr.contains("/nonexistent: no such directory (give the --out directory of a fit)"),
                "\(command): \(missing.stderr)")
        }
        // A directory that holds no fit is not called an interrupted one (which `--resume`
        // could not finish): the replays say what is missing.
        let empty = try CommandLineRunner.temporaryDirectory().path
        for command in ["trajectories", "loglik"] {
            let r = try CommandLineRunner.run([command, empty])
            XCTAssertEqual(r.status, 66, command)
            XCTAssertFalse(r.stderr.contains("INCOMPLETE"), "\(command): \(r.stderr)")
            XCTAssert(r.stderr.contains("no run.json"), "\(command): \(r.stderr)")
            XCTAssert(r.stderr.contains("give the --out directory of a fit"), "\(command): \(r.stderr)")
        }
    }

    /// `rlfit loglik DIR`: trial-level log-likelihoods whose per-subject sums are the chain
    /// files' log_lik.s (up to the 6 digits the chain files keep of the parameters).
    func testTrialLogLikelihoodSumsToSubjectLogLikelihood() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("fit")
        XCTAssertEqual(try fit(["--chains", "1"], out: out).status, 0)
        XCTAssertEqual(try CommandLineRunner.run(["loglik", out.path]).status, 0)
        let rows = try String(contentsOf: out.appendingPathComponent("log_lik_trial.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(rows[0], "subjID,trial,draw,log_lik")
        var sums: [String: Double] = [:]
        for row in rows.dropFirst() {
            let f = row.split(separator: ",")
            sums["\(f[0]).\(f[2])", default: 0] += Double(f[3])!
        }
        let body = try chainBody(out.appendingPathComponent("chain-1.csv"))
        let header = body[0].split(separator: ",").map(String.init)
        for draw in [1, 50, 100] {
            let values = body[draw].split(separator: ",").map { Double($0)! }
            for s in 1...8 {
                let want = values[header.firstIndex(of: "log_lik.\(s)")!]
                XCTAssertEqual(sums["\(s).\(draw)"]!, want, accuracy: 1e-3 * abs(want), "subject \(s) draw \(draw)")
            }
        }
    }

    func testBadUsageAndBadData() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("x")
        XCTAssertEqual(try fit(["--metric", "euclid"], out: out).status, 64)
        XCTAssertEqual(try fit(["--adapt-delta", "1.5"], out: out).status, 64)
        XCTAssertEqual(try fit(["--chain-ids", "1,x"], out: out).status, 64)
        let bad = try CommandLineRunner.temporaryDirectory().appendingPathComponent("bad.tsv").path
        try "subjID\tchoice\toutcome\n1\t1\tyes\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try CommandLineRunner.run(["fit", bad, "--model", "bandit2arm_delta", "--quiet", "--out", out.path])
        XCTAssertEqual(r.status, 65)
        XCTAssert(r.stderr.contains("bad.tsv:2:3"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("fit.json").path))
    }

    /// Ctrl-C stops every chain, keeps the draws so far as chain-<c>.csv.incomplete, and exits 130.
    func testInterruptLeavesFilesMarkedIncomplete() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("interrupted")
        let process = Process()
        process.executableURL = CommandLineRunner.executable
        process.arguments = [
            "fit", Self.study, "--model", "bandit2arm_delta", "--warmup", "100000", "--draws", "1000",
            "--seed", "1", "--out", out.path
        ]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        Thread.sleep(forTimeInterval: 1.5)
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        XCTAssert(
            names.contains("chain-1.csv.incomplete") && names.contains("summary.csv.incomplete")
                && names.contains("report.html.incomplete"), "\(names)")
        XCTAssertFalse(names.contains("summary.csv") || names.contains("subjects.csv"))
        XCTAssertFalse(names.contains("chain-1.csv"))
        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("fit.json")))
            as! [String: Any]
        XCTAssertEqual(manifest["complete"] as? Bool, false)
        XCTAssertEqual(manifest["verdict"] as? String, "incomplete")
        let text = try String(contentsOf: out.appendingPathComponent("chain-1.csv.incomplete"), encoding: .utf8)
        XCTAssert(text.contains("# incomplete = 1"))
        let summary = try CommandLineRunner.run(["summary", out.path])
        XCTAssert(summary.stdout.contains("interrupted"), summary.stdout + summary.stderr)
    }

    /// Starts a fit that runs until signalled (warmup 100000) and waits until it holds the lock
    /// on `out` (the lock file names its process).
    func startLongFit(out: URL, model: String = "bandit2arm_delta", extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = CommandLineRunner.executable
        process.arguments =
            [
                "fit", Self.study, "--model", model, "--warmup", "100000", "--draws", "1000",
                "--seed", "99", "--quiet", "--out", out.path
            ] + extra
        process.standardError = Pipe()
        process.standardOutput = Pipe()
        try process.run()
        let lockFile = out.appendingPathComponent(".rlfit.lock")
        for _ in 0..<200 {
            if let text = try? String(contentsOf: lockFile, encoding: .utf8),
                text.contains("\(process.processIdentifier)")
            {
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        return process
    }

    /// A second fit into a directory another fit is using stops at once with exit 73, naming
    /// the other process, and leaves the running fit's files alone; SIGTERM ends a fit like
    /// Ctrl-C (files kept, marked incomplete) with exit 143; the directory is free afterwards.
    func testDirectoryInUseAndSIGTERM() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("busy")
        let first = try startLongFit(out: out)
        let second = try fit(["--overwrite"], out: out)
        XCTAssertEqual(second.status, 73, second.stderr)
        XCTAssert(
            second.stderr.contains("in use by another rlfit run (process \(first.processIdentifier))"), second.stderr)
        XCTAssert(first.isRunning)
        first.terminate() // SIGTERM
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 143)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        XCTAssert(names.contains("chain-1.csv.incomplete") && names.contains("fit.json"), "\(names)")
        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("fit.json")))
            as! [String: Any]
        XCTAssertEqual(manifest["complete"] as? Bool, false)
        XCTAssertEqual(try fit(["--overwrite"], out: out).status, 0)
    }

    /// `--overwrite` removes every file of the earlier fit before it writes anything: an
    /// overwrite interrupted during sampling leaves no old summary, report, learning curves,
    /// chains or `fit.json` beside the new (incomplete) chains; the user's own files stay.
    func testInterruptedOverwriteLeavesNothingOfTheOldFit() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("replaced")
        XCTAssertEqual(try fit([], out: out).status, 0)
        let old = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        for name in [
            "summary.csv", "subjects.csv", "report.html", "ppc.csv", "chain-1.csv", "fit.json", "run.json", "model.rlm"
        ] {
            XCTAssert(old.contains(name), "\(name) missing from the first fit: \(old)")
        }
        let notes = out.appendingPathComponent("my-notes.txt")
        try "mine".write(to: notes, atomically: true, encoding: .utf8)
        let second = try startLongFit(out: out, model: "delta_stick", extra: ["--overwrite"])
        // While the new fit samples, nothing of the old one is left: only the new fit's run
        // file, model and streamed chains.
        let during = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
            .subtracting([".rlfit.lock", "my-notes.txt", "run.json", "model.rlm"]).filter {
                !$0.hasSuffix(".csv.incomplete") && !$0.hasSuffix(".checkpoint")
            }
        XCTAssertEqual(during, [], "files of the old fit during the overwrite: \(during)")
        XCTAssert(
            try String(contentsOf: out.appendingPathComponent("run.json"), encoding: .utf8).contains("delta_stick"))
        second.interrupt()
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 130)
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        for name in ["summary.csv", "subjects.csv", "report.html", "ppc.csv", "chain-1.csv", "chain-2.csv"] {
            XCTAssertFalse(after.contains(name), "stale \(name) after an interrupted overwrite: \(after)")
        }
        XCTAssert(after.contains("my-notes.txt"))
        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("fit.json")))
            as! [String: Any]
        XCTAssertEqual(manifest["complete"] as? Bool, false)
        XCTAssertEqual((manifest["options"] as? [String: Any])?["model"] as? String, "delta_stick")
        XCTAssertEqual(manifest["seed"] as? Int, 99)
    }

    /// What the machine cannot hold is refused before anything is written (exit 64, naming
    /// what takes the memory), not an abort hours later.
    func testHugeRunsAreRefusedBeforeTheyStart() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("huge")
        let r = try fit(["--warmup", "1000000000"], out: out)
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssert(r.stderr.contains("of memory") && r.stderr.contains("shrinkage estimator's window"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused fit wrote \(out.path)")
        let draws = try fit(["--draws", "4294967297"], out: out)
        XCTAssertEqual(draws.status, 64, draws.stderr)
        XCTAssert(draws.stderr.contains("chain files read back"), draws.stderr)
        // Chains beyond what one fit runs, however small the study.
        let chains = try fit(["--chains", "100000", "--warmup", "10", "--draws", "10"], out: out)
        XCTAssertEqual(chains.status, 64, chains.stderr)
        XCTAssert(chains.stderr.contains("at most 1000"), chains.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused fit wrote \(out.path)")
    }

    /// A finished fit whose chain file has gone is missing draws, not a fit of fewer chains:
    /// every command reading it says which file (66).
    func testAFinishedFitMissingAChainFileIsRefused() throws {
        let out = try CommandLineRunner.temporaryDirectory().appendingPathComponent("fit")
        XCTAssertEqual(try fit([], out: out).status, 0)
        try FileManager.default.removeItem(at: out.appendingPathComponent("chain-2.csv"))
        for args in [["summary", out.path], ["loglik", out.path], ["compare", out.path, out.path]] {
            let r = try CommandLineRunner.run(args)
            XCTAssertEqual(r.status, 66, "\(args): \(r.stderr)")
            XCTAssert(r.stderr.contains("chain-2.csv is missing: fit.json lists it"), "\(args): \(r.stderr)")
        }
        // The refused loglik left no temporary file.
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains("partial") }
        XCTAssertEqual(left, [])
    }

    /// An incomplete fit (here: chain 4 killed before its first draw, the others done, no
    /// finished fit.json): `summary` says so first and summarizes the chains that have draws
    /// (not all NaN), `compare` refuses it unless --allow-incomplete, `loglik` warns first.
    func testIncompleteFitsSaySoAndUseTheDrawsThatExist() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let out = base.appendingPathComponent("partial")
        XCTAssertEqual(try fit([], out: out).status, 0)
        let other = base.appendingPathComponent("other")
        XCTAssertEqual(try fit([], out: other).status, 0)
        for c in 1...4 {
            let path = out.appendingPathComponent("chain-\(c).csv")
            var text = try String(contentsOf: path, encoding: .utf8)
            if c == 4 { // killed in warmup: the header only
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let header = lines.firstIndex { !$0.hasPrefix("#") }!
                text = lines[...header].joined(separator: "\n") + "\n"
            }
            try text.write(
                to: out.appendingPathComponent("chain-\(c).csv.incomplete"), atomically: true, encoding: .utf8)
            try FileManager.default.removeItem(at: path)
        }
        try FileManager.default.removeItem(at: out.appendingPathComponent("fit.json"))

        let summary = try CommandLineRunner.run(["summary", out.path])
        XCTAssertEqual(summary.status, 0, summary.stderr)
        XCTAssert(
            summary.stdout.hasPrefix("INCOMPLETE FIT in \(out.path)")
                && summary.stdout.contains("chain 4 did not finish")
                && summary.stdout.contains("chain 1: 100, chain 2: 100, chain 3: 100, chain 4: 0"), summary.stdout)
        let muA = summary.stdout.split(separator: "\n").first { $0.hasPrefix("mu_A ") }!
        XCTAssertFalse(muA.contains("nan"), String(muA))
        XCTAssert(summary.stdout.contains("the summaries use chains 1, 2, 3 (100 draws each)"), summary.stdout)
        XCTAssertFalse(summary.stdout.contains("No warnings"), summary.stdout)

        let refused = try CommandLineRunner.run(["compare", other.path, out.path])
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssert(
            refused.stderr.contains("is an incomplete fit") && refused.stderr.contains("--allow-incomplete"),
            refused.stderr)
        let allowed = try CommandLineRunner.run(["compare", other.path, out.path, "--allow-incomplete"])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssert(allowed.stdout.hasPrefix("INCOMPLETE FIT in \(out.path)"), allowed.stdout)

        let loglik = try CommandLineRunner.run(["loglik", out.path])
        XCTAssertEqual(loglik.status, 0, loglik.stderr)
        XCTAssert(loglik.stderr.hasPrefix("INCOMPLETE FIT in \(out.path)"), loglik.stderr)
        let trajectories = try CommandLineRunner.run(["trajectories", out.path])
        XCTAssertEqual(trajectories.status, 0, trajectories.stderr)
        XCTAssert(trajectories.stderr.hasPrefix("INCOMPLETE FIT in \(out.path)"), trajectories.stderr)

        // A chain killed before it wrote its file is named from run.json, and the chains left
        // are not called a one-chain fit.
        for c in [2, 3] {
            try FileManager.default.removeItem(at: out.appendingPathComponent("chain-\(c).csv.incomplete"))
        }
        let early = try CommandLineRunner.run(["summary", out.path])
        XCTAssertEqual(early.status, 0, early.stderr)
        XCTAssert(
            early.stdout.contains("chains 2, 3, 4 did not finish")
                && early.stdout.contains(
                    "chain 1: 100, chain 2: none (no file yet), chain 3: none (no file yet), chain 4: 0"),
            early.stdout)
        XCTAssertFalse(early.stdout.contains("one chain only"), early.stdout)
    }

    /// A model with more than 1000 parameters gets a diagonal metric unless --metric says
    /// otherwise, and the report and run.json say so (10,000 subjects with a dense metric
    /// would need 3 × 3.2 GB and d² work per step).
    func testLargeModelsGetADiagonalMetric() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let study = base.appendingPathComponent("wide.tsv").path
        XCTAssertEqual(
            try CommandLineRunner.run([
                "simulate", "--model", "bandit2arm_delta", "--subjects", "520", "--trials", "4",
                "--seed", "3", "--out", study
            ]).status, 0)
        let out = base.appendingPathComponent("auto")
        let r = try CommandLineRunner.run([
            "fit", study, "--model", "bandit2arm_delta", "--warmup", "30", "--draws", "10", "--seed", "1",
            "--chains", "1", "--quiet", "--out", out.path
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(
            r.stdout.contains("diag metric (chosen for 1044 parameters; --metric dense forces a dense one)"), r.stdout)
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as! [String: Any]
        XCTAssertEqual(run["metric"] as? String, "diag")
        let forced = try CommandLineRunner.run([
            "fit", study, "--model", "bandit2arm_delta", "--warmup", "30", "--draws", "10", "--seed", "1",
            "--chains", "1", "--quiet", "--metric", "dense", "--out", base.appendingPathComponent("dense").path
        ])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(forced.stdout.contains("dense metric,"), forced.stdout)
    }

    /// Ctrl-C while a large file is read stops the fit within a second (the reader asks every
    /// 65,536 rows), exit 130, nothing written.
    func testInterruptWhileReadingActsAtOnce() throws {
        let base = try CommandLineRunner.temporaryDirectory()
        let path = base.appendingPathComponent("large.tsv").path
        var text = "subjID\tchoice\toutcome\n"
        text.reserveCapacity(12_000_000)
        for s in 0..<1000 { for t in 0..<1000 { text += "\(s + 1)\t\(1 + (s + t) % 2)\t\(t % 3 == 0 ? -1 : 1)\n" } }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let out = base.appendingPathComponent("fit")
        let process = Process()
        process.executableURL = CommandLineRunner.executable
        process.arguments = ["fit", path, "--model", "bandit2arm_delta", "--quiet", "--out", out.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        let sent = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        XCTAssertLessThan(Date().timeIntervalSince(sent), 2, "the interrupt took too long")
        XCTAssertTrue(stderr.contains("interrupted while reading the data: nothing was written"), stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("fit.json").path))
    }
}

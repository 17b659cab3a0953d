import Foundation
import XCTest

/// Users' own model files through the command line: print a built-in file, check a file alone
/// and with data, fit it and use the fit (trajectories, loglik, compare), arguments, and the
/// errors a mistake gets (file:line:column, exit 65).
final class ModelFileCommandTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The worked example of the README: forgetting, perseveration and a lapse.
    static let example = """
        model delta_forget_stick_lapse "delta learning, forgetting, perseveration and lapses, K options"
        options from data
        data choice: option "the option chosen"
        data outcome: real "reward = 1, loss = -1" values {1, -1}
        reward outcome
        argument Q0 = 0 "initial value"
        parameter A     in (0, 1)  typical 0.3  "learning rate"
        parameter tau   in (0, 5)  typical 2.5  "inverse temperature"
        parameter F     in (0, 1)  typical 0.1  "forgetting rate"
        parameter kappa real       typical 0.3  "perseveration"
        parameter xi    in (0, 1)  typical 0.05 "lapse"
        state Q[option] = Q0
        state previous: option = none
        trial {
          u = [tau * Q[k] + kappa * (k == previous) for k in option]
          choice ~ categorical((1 - xi) * softmax(u) + xi / K)
          pe = outcome - Q[choice]
          Q[choice] += A * pe
          for k in option {
            if k != choice { Q[k] -= F * Q[k] }
          }
          previous = choice
        }

        """

    /// `rlfit simulate` of bandit2arm_delta into DIR/study.tsv (seed 4, `extra` options added);
    /// returns its path.
    static func simulatedStudy(in dir: URL, subjects: Int, trials: Int, extra: [String] = []) throws -> String {
        let data = dir.appendingPathComponent("study.tsv").path
        let r = try CommandLineRunner.run(
            [
                "simulate", "--model", "bandit2arm_delta", "--subjects", "\(subjects)", "--trials", "\(trials)",
                "--seed", "4", "--out", data
            ] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        return data
    }

    func testModelsPrintsEachBuiltInFileExactly() throws {
        for name in [
            "bandit2arm_delta", "banditNarm_delta", "delta_forget", "delta_dual", "delta_stick", "prl_rp",
            "prl_fictitious"
        ] {
            let r = try CommandLineRunner.run(["models", name])
            XCTAssertEqual(r.status, 0, r.stderr)
            let file = try String(
                contentsOf: Self.repository.appendingPathComponent("models/\(name).rlm"), encoding: .utf8)
            XCTAssertEqual(r.stdout, file, name)
        }
        XCTAssertEqual(
            try CommandLineRunner.run(["models", "prl_rp_multipleB"]).stdout,
            try String(contentsOf: Self.repository.appendingPathComponent("models/prl_rp.rlm"), encoding: .utf8))
        let unknown = try CommandLineRunner.run(["models", "bandit2arm"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssert(unknown.stderr.contains("did you mean bandit2arm_delta"), unknown.stderr)
        XCTAssert(unknown.stderr.contains("Usage: rlfit models"), unknown.stderr)
        let misspelt = try CommandLineRunner.run(["models", "bandit2arm_dleta"])
        XCTAssertEqual(misspelt.status, 64)
        XCTAssert(
            misspelt.stderr.contains(
                "unknown model 'bandit2arm_dleta'; did you mean bandit2arm_delta? Built-in models: "), misspelt.stderr)
        // A copied built-in fits like the built-in (same name, same numbers).
        let list = try CommandLineRunner.run(["models"])
        XCTAssert(list.stdout.contains("delta_stick: "), list.stdout)
        // Every parameter's whole name and range (none cut to a column width).
        XCTAssert(list.stdout.contains("  alpha_pos (0, 1)  "), list.stdout)
        XCTAssert(list.stdout.contains("  rho    (-0.5, 0.5) risk preference"), list.stdout)
        XCTAssert(list.stdout.contains("`rlfit models NAME` prints a model's file"), list.stdout)
    }

    func testOwnModelFileCheckFitAndReplays() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("mine.rlm").path
        try Self.example.write(toFile: model, atomically: true, encoding: .utf8)
        let data = try Self.simulatedStudy(
            in: dir, subjects: 6, trials: 60, extra: ["--blocks", "2", "--missing", "0.05"])
        // The data's own trial numbers (here 11, 12, …) are the ones output files list.
        let table = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        XCTAssertEqual(table[0][1], "trial")
        try
            (table.prefix(1).map { $0.joined(separator: "\t") }
            + table.dropFirst().map { row in
                var r = row
                r[1] = String(Int(r[1])! + 10)
                return r.joined(separator: "\t")
            }).joined(separator: "\n").appending("\n").write(toFile: data, atomically: true, encoding: .utf8)
        let alone = try CommandLineRunner.run(["check", "--model", model])
        XCTAssertEqual(alone.status, 0, alone.stderr)
        XCTAssert(
            alone.stdout.contains("valid model delta_forget_stick_lapse (5 parameters: A, tau, F, kappa, xi)"),
            alone.stdout)
        let check = try CommandLineRunner.run(["check", data, "--model", model])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssert(check.stdout.contains("valid for delta_forget_stick_lapse"), check.stdout)

        let out = dir.appendingPathComponent("fit").path
        let fit = try CommandLineRunner.run([
            "fit", data, "--model", model, "--arg", "Q0=0.1", "--chains", "2", "--warmup", "150",
            "--draws", "100", "--seed", "3", "--quiet", "--out", out
        ])
        XCTAssertEqual(fit.status, 0, fit.stderr)
        XCTAssert(fit.stdout.contains("mu_xi"), fit.stdout)
        // The fit keeps the model file as fitted, and run.json reproduces the argument.
        XCTAssertEqual(try String(contentsOfFile: out + "/model.rlm", encoding: .utf8), Self.example)
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json")))
            as! [String: Any]
        XCTAssertEqual(run["model"] as? String, model)
        XCTAssertEqual((run["arguments"] as? [String: Double])?["Q0"], 0.1)

        // Replays use the kept copy even when the user's file changes afterwards.
        try Self.example.replacingOccurrences(of: "xi / K", with: "xi / 2").write(
            toFile: model, atomically: true, encoding: .utf8)
        let trajectories = try CommandLineRunner.run(["trajectories", out])
        XCTAssertEqual(trajectories.status, 0, trajectories.stderr)
        let header = try String(contentsOfFile: out + "/trajectories.csv", encoding: .utf8).split(separator: "\n")[0]
        for column in ["Q.1_mean", "Q.2_q95", "previous_mean", "u.1_mean", "p_choice.2_mean", "pe_mean", "reward_mean"]
        {
            XCTAssert(header.contains(column), "\(column) not in \(header)")
        }
        let rows = try String(contentsOfFile: out + "/trajectories.csv", encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let trialColumn = rows[0].firstIndex(of: "trial")!, previousColumn = rows[0].firstIndex(of: "previous_mean")!
        XCTAssertEqual(rows[1][trialColumn], "11")
        XCTAssertEqual(rows[1][previousColumn], "NA") // `none` before the first choice
        XCTAssertEqual(try CommandLineRunner.run(["loglik", out]).status, 0)
        let loglik = try String(contentsOfFile: out + "/log_lik_trial.csv", encoding: .utf8).split(separator: "\n")
        XCTAssert(loglik[1].hasPrefix("1,11,1,") || loglik[1].hasPrefix("1,12,1,"), "\(loglik[1])")
        let ppc = try String(contentsOfFile: out + "/ppc.csv", encoding: .utf8).split(separator: "\n")
        XCTAssert(ppc.contains { $0.hasPrefix("1,11,1,") }, "\(ppc.prefix(3))")
        let other = dir.appendingPathComponent("b2a").path
        XCTAssertEqual(
            try CommandLineRunner.run([
                "fit", data, "--model", "bandit2arm_delta", "--chains", "2", "--warmup", "150",
                "--draws", "100", "--seed", "3", "--quiet", "--out", other
            ]).status, 0)
        let compare = try CommandLineRunner.run(["compare", out, other])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssert(compare.stdout.contains("delta_forget_stick_lapse"), compare.stdout)
        // Without its kept copy the fit is not replayed through the edited original (nor resumed:
        // `--resume` reads the options the same way, `FitOptions.ofFit`).
        try FileManager.default.removeItem(atPath: out + "/model.rlm")
        for args in [["loglik", out], ["trajectories", out]] {
            let r = try CommandLineRunner.run(args)
            XCTAssertEqual(r.status, 66, args.joined(separator: " "))
            XCTAssert(r.stderr.contains("model.rlm, the model file this fit ran, is missing"), r.stderr)
        }
    }

    /// A user's file simulates (with its arguments and group values), recovers and calibrates
    /// like a built-in: the simulated study checks and refits with the same file, and the
    /// truth written beside it names the file's parameters.
    func testOwnModelFileSimulatesRecoversAndCalibrates() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("mine.rlm").path
        try Self.example.write(toFile: model, atomically: true, encoding: .utf8)
        let data = dir.appendingPathComponent("mine.tsv").path
        let simulate = try CommandLineRunner.run([
            "simulate", "--model", model, "--arg", "Q0=0.2", "--options", "4",
            "--group", "xi=0.1,kappa=0.5", "--subjects", "5", "--trials", "40",
            "--blocks", "2", "--missing", "0.1", "--seed", "8", "--out", data
        ])
        XCTAssertEqual(simulate.status, 0, simulate.stderr)
        let rows = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 1 + 5 * 40)
        XCTAssert(rows.dropFirst().contains { $0.split(separator: "\t").contains("4") }, "option 4 is never chosen")
        let truth =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: data + ".truth.json")))
            as! [String: Any]
        for p in ["A", "tau", "F", "kappa", "xi"] { XCTAssertEqual((truth[p] as? [Double])?.count, 5, p) }
        XCTAssert(((truth["xi"] as? [Double]) ?? []).allSatisfy { $0 > 0 && $0 < 1 })
        // The same seed gives the same study.
        let again = dir.appendingPathComponent("again.tsv").path
        XCTAssertEqual(
            try CommandLineRunner.run([
                "simulate", "--model", model, "--arg", "Q0=0.2", "--options", "4",
                "--group", "xi=0.1,kappa=0.5", "--subjects", "5", "--trials", "40",
                "--blocks", "2", "--missing", "0.1", "--seed", "8", "--out", again
            ]).status, 0)
        XCTAssertEqual(
            try String(contentsOfFile: again, encoding: .utf8), try String(contentsOfFile: data, encoding: .utf8))
        XCTAssertEqual(try CommandLineRunner.run(["check", data, "--model", model]).status, 0)

        let recover = try CommandLineRunner.run([
            "recover", "--model", model, "--subjects", "8", "--trials", "60",
            "--replicates", "1", "--warmup", "100", "--draws", "60", "--seed", "2"
        ])
        XCTAssertEqual(recover.status, 0, recover.stderr)
        for p in ["A ", "tau ", "F ", "kappa ", "xi "] { XCTAssert(recover.stdout.contains("\n" + p), recover.stdout) }

        let ranks = dir.appendingPathComponent("ranks.csv").path
        let sbc = try CommandLineRunner.run([
            "sbc", "--model", model, "--replicates", "2", "--subjects", "3", "--trials", "30",
            "--warmup", "60", "--draws", "40", "--rank-draws", "19", "--bins", "4", "--seed", "3",
            "--out", ranks
        ])
        XCTAssertEqual(sbc.status, 0, sbc.stderr)
        let rankRows = try String(contentsOfFile: ranks, encoding: .utf8).split(separator: "\n")
        // Ranks of μ_pr and σ for the five parameters and of the first subject's, 2 replicates each.
        XCTAssertEqual(rankRows.count, 1 + 15 * 2)
        for q in ["mu_pr.5,2,", "sigma.5,2,", "xi.1,2,"] { XCTAssert(rankRows.contains { $0.hasPrefix(q) }, q) }
    }

    /// `rlfit bench gradient` times a file too and reports the tape's memory.
    func testBenchGradientOnAFileReportsTheTape() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("mine.rlm").path
        try Self.example.write(toFile: model, atomically: true, encoding: .utf8)
        let r = try CommandLineRunner.run([
            "bench", "gradient", "--model", model, "--subjects", "6", "--trials", "20", "--repeats", "3"
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("tape "), r.stdout)
        let json = try XCTUnwrap(r.stdout.split(separator: "\n").last)
        let fields = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        // 6 subjects are 2 lane vectors of 32 bytes; 21 tape rows (a start row per trial and
        // the state after the last) of at least one value.
        XCTAssertGreaterThanOrEqual(fields["tape_bytes"] as? Int ?? 0, 21 * 2 * 32)
        XCTAssertGreaterThan(fields["gradient_ns_per_subject_trial"] as? Double ?? 0, 0)
    }

    /// `--baseline` times a second model in turn and reports both and their ratio.
    func testBenchGradientAgainstABaselineReportsBothAndTheRatio() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("mine.rlm").path
        try Self.example.write(toFile: model, atomically: true, encoding: .utf8)
        let r = try CommandLineRunner.run([
            "bench", "gradient", "--model", model, "--baseline", "bandit2arm_delta", "--subjects", "6", "--trials",
            "20", "--repeats", "3"
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("costs "), r.stdout)
        let json = try XCTUnwrap(r.stdout.split(separator: "\n").last)
        let fields = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let mine = try XCTUnwrap(fields["model"] as? [String: Any]),
            base = try XCTUnwrap(fields["baseline"] as? [String: Any])
        XCTAssertEqual(mine["model"] as? String, model)
        XCTAssertEqual(base["model"] as? String, "bandit2arm_delta")
        XCTAssertGreaterThan(fields["ratio_per_subject_trial"] as? Double ?? 0, 0)
        let unknown = try CommandLineRunner.run(["bench", "gradient", "--baseline", "bandit2arm_dleta"])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        XCTAssert(unknown.stderr.contains("bandit2arm_delta"), unknown.stderr)
    }

    func testMistakesAreLocatedAndExit65() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("bad.rlm").path
        try Self.example.replacingOccurrences(of: "tau * Q[k]", with: "tua * Q[k]").write(
            toFile: model, atomically: true, encoding: .utf8)
        let data = try Self.simulatedStudy(in: dir, subjects: 3, trials: 20)
        for args in [
            ["check", "--model", model], ["check", data, "--model", model],
            ["fit", data, "--model", model, "--out", dir.appendingPathComponent("fit").path]
        ] {
            let r = try CommandLineRunner.run(args)
            XCTAssertEqual(r.status, 65, args.joined(separator: " "))
            XCTAssert(r.stderr.contains("\(model):15:8: error: unknown name 'tua'; did you mean 'tau'?"), r.stderr)
            XCTAssert(r.stderr.contains("fix: "), r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fit").path))
        // A file that does not exist: 66. An argument the model does not have: a usage mistake
        // (64), naming the arguments, for fit and for check.
        XCTAssertEqual(
            try CommandLineRunner.run(["check", "--model", dir.appendingPathComponent("none.rlm").path]).status, 66)
        let good = dir.appendingPathComponent("good.rlm").path
        try Self.example.write(toFile: good, atomically: true, encoding: .utf8)
        let arg = try CommandLineRunner.run([
            "fit", data, "--model", good, "--arg", "payscale=2", "--out", dir.appendingPathComponent("f2").path
        ])
        XCTAssertEqual(arg.status, 64, arg.stderr)
        XCTAssert(
            arg.stderr.contains("delta_forget_stick_lapse has no argument 'payscale'; its arguments are Q0"), arg.stderr
        )
        let checkArg = try CommandLineRunner.run(["check", data, "--model", good, "--arg", "payscale=2"])
        XCTAssertEqual(checkArg.status, 64, checkArg.stderr)
        XCTAssert(checkArg.stderr.contains("has no argument 'payscale'"), checkArg.stderr)
        XCTAssertEqual(
            try CommandLineRunner.run(["fit", data, "--model", good, "--arg", "Q0", "--out", dir.path + "/f3"]).status,
            64)
        // Probabilities that are not probabilities: located, before any fit starts.
        let unnormalized = dir.appendingPathComponent("sum.rlm").path
        try Self.example.replacingOccurrences(
            of: "categorical((1 - xi) * softmax(u) + xi / K)", with: "categorical(softmax(u) + xi)"
        )
        .write(toFile: unnormalized, atomically: true, encoding: .utf8)
        for args in [
            ["check", data, "--model", unnormalized], ["fit", data, "--model", unnormalized, "--out", dir.path + "/f4"]
        ] {
            let r = try CommandLineRunner.run(args)
            XCTAssertEqual(r.status, 65, r.stderr)
            XCTAssert(
                r.stderr.contains(
                    "\(unnormalized):16:3: error: the probabilities the model gives 'choice' sum to 1.1, not 1, on subject 1's trial 1 (data line 2), at the parameters' typical values"
                ), r.stderr)
            XCTAssert(r.stderr.contains("fix: categorical takes one probability per option, summing to 1"), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/f4"))
        // The sum is shown to ten digits (0.9, not 0.8999999999999999).
        let short = dir.appendingPathComponent("short.rlm").path
        try Self.example.replacingOccurrences(
            of: "categorical((1 - xi) * softmax(u) + xi / K)",
            with: "categorical(0.3 * softmax(u) + 0.6 * softmax(u) + 0 * xi)"
        )
        .write(toFile: short, atomically: true, encoding: .utf8)
        let shortSum = try CommandLineRunner.run(["check", data, "--model", short])
        XCTAssertEqual(shortSum.status, 65, shortSum.stderr)
        XCTAssert(shortSum.stderr.contains("sum to 0.9, not 1"), shortSum.stderr)
        // A data file lacking a column the model declares names the declaration.
        let other = dir.appendingPathComponent("cue.rlm").path
        try Self.example.replacingOccurrences(of: "reward outcome", with: "reward outcome\ndata cue: index").write(
            toFile: other, atomically: true, encoding: .utf8)
        let missing = try CommandLineRunner.run(["check", data, "--model", other])
        XCTAssertEqual(missing.status, 65)
        XCTAssert(
            missing.stderr.contains("required column 'cue' (the model reads it: \(other):6:6) is missing"),
            missing.stderr)
    }

    /// `--arg` values get the checks the file's defaults got: a range they empty, or one that no
    /// longer contains the typical value, is a usage mistake (64) before anything runs (once a
    /// fit with a negative "positive" parameter, and a trap in simulate).
    func testArgumentsThatBreakARangeAreRefused() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("tmax.rlm").path
        try """
        model tmax "a bound from an argument"
        options 2
        data choice: option
        data outcome: real
        argument tmax = 5 "the largest inverse temperature"
        parameter A in (0, 1)
        parameter tau in (0, tmax) typical 2.5
        state Q[option] = 0
        trial {
          choice ~ softmax(tau * Q)
          Q[choice] += A * (outcome - Q[choice])
        }

        """.write(toFile: model, atomically: true, encoding: .utf8)
        let data = try Self.simulatedStudy(in: dir, subjects: 3, trials: 20)
        for (value, expected) in [
            ("-1", "with --arg tmax=-1, the range of 'tau' is (0, -1): empty"),
            ("2", "with --arg tmax=2, the range of 'tau' is (0, 2) and its typical value 2.5")
        ] {
            for args in [
                ["check", data, "--model", model], ["fit", data, "--model", model, "--out", dir.path + "/fit"],
                [
                    "simulate", "--model", model, "--subjects", "2", "--trials", "5", "--seed", "1", "--out",
                    dir.path + "/sim.tsv"
                ]
            ] {
                let r = try CommandLineRunner.run(args + ["--arg", "tmax=\(value)"])
                XCTAssertEqual(r.status, 64, "\(args) \(r.stderr)")
                XCTAssert(r.stderr.contains(expected), r.stderr)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/fit"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/sim.tsv"))
        XCTAssertEqual(try CommandLineRunner.run(["check", data, "--model", model, "--arg", "tmax=3"]).status, 0)
    }

    /// A model whose response distribution is not a number (here a division by zero) cannot be
    /// simulated: located, 65, and no study file (it once wrote 30 choices of garbage, exit 0).
    func testASimulationFromNaNProbabilitiesIsRefused() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("zero.rlm").path
        try """
        model zero "divides by zero"
        options 2
        data choice: option
        data outcome: real
        parameter A in (0, 1)
        parameter tau in (0, 5)
        state Q[option] = 0
        trial {
          choice ~ softmax(tau * Q)
          Q[choice] += A * (outcome - Q[choice]) / 0
        }

        """.write(toFile: model, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("sim.tsv").path
        let r = try CommandLineRunner.run([
            "simulate", "--model", model, "--subjects", "3", "--trials", "30", "--seed", "1", "--out", out
        ])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssert(
            r.stderr.contains("\(model):9:3: error: the distribution of 'choice' is not a number (NaN, NaN)"), r.stderr)
        XCTAssert(r.stderr.contains("fix: look in what this observation reads for a division by zero"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// An index read from an option state that starts as `none` is refused in the model file
    /// (it is none on a block's first trial), with the comparison that replaces it; the file
    /// written that way checks.
    func testAnIndexThatIsStillNoneSaysSo() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let text = """
            model sticky "perseveration by indexing the previous choice"
            options 2
            data choice: option
            data outcome: real
            parameter A in (0, 1)
            parameter tau in (0, 5)
            state Q[option] = 0
            state previous: option = none
            trial {
              choice ~ softmax(tau * Q)
              Q[previous] += 0.1
              Q[choice] += A * (outcome - Q[choice])
              previous = choice
            }

            """
        let model = dir.appendingPathComponent("sticky.rlm").path
        try text.write(toFile: model, atomically: true, encoding: .utf8)
        let data = try Self.simulatedStudy(in: dir, subjects: 2, trials: 10)
        let r = try CommandLineRunner.run(["check", data, "--model", model])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssert(
            r.stderr.contains(
                "sticky.rlm:11:5: error: 'previous', which is none until its first assignment in a block, cannot index 'Q'"
            ), r.stderr)
        XCTAssert(r.stderr.contains("change with Q = [Q[k] + x * (k == previous) for k in option]"), r.stderr)
        let guarded = dir.appendingPathComponent("guarded.rlm").path
        try text.replacingOccurrences(
            of: "  Q[previous] += 0.1", with: "  Q = [Q[k] + 0.1 * (k == previous) for k in option]"
        )
        .write(toFile: guarded, atomically: true, encoding: .utf8)
        let ok = try CommandLineRunner.run(["check", data, "--model", guarded])
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// A model file named without ".rlm" or a directory is still a file when it exists (it was
    /// taken for an unknown built-in name); its warnings are printed once as warnings.
    func testAModelFileWithAnotherExtensionAndItsWarnings() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        try Self.example.replacingOccurrences(of: "reward outcome", with: "reward outcome\ndata unused: real")
            .write(to: dir.appendingPathComponent("mine.txt"), atomically: true, encoding: .utf8)
        _ = try Self.simulatedStudy(in: dir, subjects: 2, trials: 10)
        try String(contentsOf: dir.appendingPathComponent("study.tsv"), encoding: .utf8)
            .replacingOccurrences(of: "outcome\n", with: "outcome\tunused\n")
            .split(separator: "\n").enumerated().map { $0.offset == 0 ? String($0.element) : $0.element + "\t0" }
            .joined(separator: "\n").write(
                to: dir.appendingPathComponent("study.tsv"), atomically: true, encoding: .utf8)
        let r = try CommandLineRunner.run(["check", "study.tsv", "--model", "mine.txt"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("mine.txt:6:6: warning: data column 'unused'"), r.stdout)
        XCTAssertFalse(r.stdout.contains("warning: mine.txt"), r.stdout)
        let unknown = try CommandLineRunner.run(["check", "--model", "nothing.txt"], in: dir)
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
    }

    /// A choice the data record but the model's offered set withholds is a data error naming
    /// the row, before any fit starts (it has probability 0 at every parameter value).
    func testAChoiceThatWasNotOfferedNamesItsRow() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("offered.rlm").path
        try """
        model first_only "only option 1 is offered"
        options 2
        data choice: option
        data outcome: real
        parameter A in (0, 1)
        parameter tau in (0, 5)
        state Q[option] = 0
        trial {
          choice ~ softmax(tau * Q, [1, 0])
          Q[choice] += A * (outcome - Q[choice])
        }

        """.write(toFile: model, atomically: true, encoding: .utf8)
        let data = dir.appendingPathComponent("study.tsv").path
        try "subjID\tchoice\toutcome\n1\t1\t1\n1\t1\t0\n1\t2\t1\n1\t1\t1\n".write(
            toFile: data, atomically: true, encoding: .utf8)
        for args in [["check", data, "--model", model], ["fit", data, "--model", model, "--out", dir.path + "/fit"]] {
            let r = try CommandLineRunner.run(args)
            XCTAssertEqual(r.status, 65, r.stderr)
            XCTAssert(
                r.stderr.contains(
                    "\(data):4:2: error: column 'choice' value \"2\": subject 1's choice on this row is not among the options offered on the trial (as \(model):9:3 reads them from the data), so the model gives it probability 0"
                ), r.stderr)
            XCTAssert(r.stderr.contains("fix: correct this row's choice"), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/fit"))
    }

    /// A data value that makes the model's log-likelihood NaN at the typical values (a divisor
    /// of 0): `check` names the row whose update made the state NaN, and a fit that cannot
    /// start names it too (both 65); a NaN computed on the observed trial itself names that
    /// trial; the same model on clean data passes.
    func testANonFiniteLikelihoodNamesTheRowThatCausesIt() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        func model(_ name: String, _ body: String) throws -> String {
            let path = dir.appendingPathComponent(name).path
            try """
            model scaled "a delta rule on outcome / scale"
            options 2
            data choice: option
            data outcome: real
            data scale: real
            parameter A in (0, 1) typical 0.3
            parameter tau in (0, 5) typical 1
            state Q[option] = 0
            trial {
            \(body)
            }

            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let update = try model(
            "update.rlm", "  choice ~ softmax(tau * Q)\n  Q[choice] += A * (outcome / scale - Q[choice])")
        let observed = try model(
            "observed.rlm", "  choice ~ softmax(tau * Q / scale)\n  Q[choice] += A * (outcome - Q[choice])")
        var rows = ["subjID\tchoice\toutcome\tscale"]
        for s in 1...3 {
            for t in 1...12 { rows.append("\(s)\t\(1 + (s + t) % 2)\t\(t % 3 == 0 ? 1 : 0)\t1") }
        }
        let clean = dir.appendingPathComponent("clean.tsv").path
        try (rows.joined(separator: "\n") + "\n").write(toFile: clean, atomically: true, encoding: .utf8)
        rows[12 + 5] = "2\t1\t0\t0" // subject 2's trial 5, data line 18
        rows[24 + 3] = "3\t2\t0\t0" // and subject 3's trial 3
        let data = dir.appendingPathComponent("study.tsv").path
        try (rows.joined(separator: "\n") + "\n").write(toFile: data, atomically: true, encoding: .utf8)

        for m in [update, observed] {
            let ok = try CommandLineRunner.run(["check", clean, "--model", m])
            XCTAssertEqual(ok.status, 0, ok.stderr)
        }
        let stateCause =
            "\(data):18: error: subject 2's log p of 'choice' (\(update):10:3) is NaN on trial 6 (data line 19) at the model's typical parameter values (A = 0.3, tau = 1): Q[1] became NaN in the update of trial 5 (data line 18). That row reads choice = 1, outcome = 0, scale = 0"
        let check = try CommandLineRunner.run(["check", data, "--model", update])
        XCTAssertEqual(check.status, 65, check.stderr)
        XCTAssert(
            check.stderr.contains(stateCause + " (1 other subject has a log p that is not finite too)"), check.stderr)
        XCTAssert(check.stderr.contains("fix: check this row's values (a 0 the model divides by"), check.stderr)
        let fit = try CommandLineRunner.run(
            ["fit", data, "--model", update, "--out", dir.path + "/fit", "--chains", "1", "--quiet"])
        XCTAssertEqual(fit.status, 65, fit.stderr)
        XCTAssert(
            fit.stderr.contains(
                "\(data):18: error: chain 1 could not start (no finite log density in 100 attempts): subject 2's log p"),
            fit.stderr)
        XCTAssert(fit.stderr.contains("Q[1] became NaN in the update of trial 5 (data line 18)"), fit.stderr)
        // Nothing of the failed fit is left to read as an interrupted one (`summary` offered
        // `--resume`), and the corrected data fit into the same directory without --overwrite.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/fit")
        XCTAssertEqual(left.filter { !$0.hasPrefix(".") }, [], "\(left)")
        let again = try CommandLineRunner.run(
            [
                "fit", clean, "--model", update, "--out", dir.path + "/fit", "--chains", "1", "--warmup", "100",
                "--draws", "100", "--quiet"
            ])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssert(FileManager.default.fileExists(atPath: dir.path + "/fit/summary.csv"))

        let direct = try CommandLineRunner.run(["check", data, "--model", observed])
        XCTAssertEqual(direct.status, 65, direct.stderr)
        XCTAssert(
            direct.stderr.contains(
                "\(data):18: error: subject 2's log p of 'choice' (\(observed):10:3) is NaN on trial 5 (data line 18) at the model's typical parameter values (A = 0.3, tau = 1); not finite on that trial: p_choice[1] = NaN, p_choice[2] = NaN. That row reads choice = 1, outcome = 0, scale = 0"
            ), direct.stderr)

        // Under categorical the NaN probabilities are the same finding, not probabilities
        // outside [0, 1] (the probability check runs first and leaves non-finite values alone).
        let categorical = try model(
            "categorical.rlm",
            "  choice ~ categorical(softmax(tau * Q))\n  Q[choice] += A * (outcome / scale - Q[choice])")
        let mixture = try CommandLineRunner.run(["check", data, "--model", categorical])
        XCTAssertEqual(mixture.status, 65, mixture.stderr)
        XCTAssert(mixture.stderr.contains("Q[1] became NaN in the update of trial 5 (data line 18)"), mixture.stderr)
        XCTAssertFalse(mixture.stderr.contains("must lie in [0, 1]"), mixture.stderr)
    }

    /// The replays behind both checks run in lane blocks of 128: a bad row of the 130th subject
    /// (the second block) is found and named by its own line.
    func testTheReplayChecksFindARowInTheSecondLaneBlock() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("blocks.rlm").path
        try """
        model blocks "option 2 is offered only where open is 1; outcome / scale"
        options 2
        data choice: option
        data outcome: real
        data scale: real
        data open: binary
        parameter A in (0, 1)
        parameter tau in (0, 5)
        state Q[option] = 0
        trial {
          choice ~ softmax(tau * Q, [1, open])
          Q[choice] += A * (outcome / scale - Q[choice])
        }

        """.write(toFile: model, atomically: true, encoding: .utf8)
        func study(_ bad: String) throws -> String {
            var rows = ["subjID\tchoice\toutcome\tscale\topen"]
            for s in 1...130 { for t in 1...4 { rows.append("\(s)\t\(1 + t % 2)\t\(t % 2)\t1\t1") } }
            rows[129 * 4 + 2] = bad // subject 130's trial 2: data line 519
            let path = dir.appendingPathComponent("study.tsv").path
            try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let offered = try CommandLineRunner.run(["check", try study("130\t2\t1\t1\t0"), "--model", model])
        XCTAssertEqual(offered.status, 65, offered.stderr)
        XCTAssert(
            offered.stderr.contains(":519:2: error: column 'choice' value \"2\": subject 130's choice"), offered.stderr)
        let nonFinite = try CommandLineRunner.run(["check", try study("130\t2\t1\t0\t1"), "--model", model])
        XCTAssertEqual(nonFinite.status, 65, nonFinite.stderr)
        XCTAssert(
            nonFinite.stderr.contains(
                ":519: error: subject 130's log p of 'choice' (\(model):11:3) is NaN on trial 3 (data line 520) at the model's typical parameter values"
            ), nonFinite.stderr)
        XCTAssert(nonFinite.stderr.contains("Q[2] became"), nonFinite.stderr)
    }

    /// A parameter bounded by the data (pstRT's tau in (RTbound, min(RT))) is checked in the
    /// middle of each subject's own range: at the nominal typical value (0.3) a subject whose
    /// fastest response is 0.278 s would have density 0, which the data do not deserve.
    func testTheFiniteLikelihoodCheckKeepsADataBoundedParameterInsideEachSubjectsRange() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let data = dir.appendingPathComponent("rt.tsv").path
        let simulated = try CommandLineRunner.run(
            [
                "simulate", "--model", "pstRT_rlddm1", "--subjects", "40", "--trials", "100", "--seed", "3", "--out",
                data
            ])
        XCTAssertEqual(simulated.status, 0, simulated.stderr)
        let rows = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n")
        let rt = rows[0].split(separator: "\t").firstIndex(of: "RT")!
        XCTAssertLessThan(rows.dropFirst().map { Double($0.split(separator: "\t")[rt])! }.min()!, 0.3)
        let check = try CommandLineRunner.run(["check", data, "--model", "pstRT_rlddm1"])
        XCTAssertEqual(check.status, 0, check.stderr)
    }

    /// The model's K from the data must fit the file: a constant index beyond it is located.
    func testSizesTheDataDoNotHaveAreLocated() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let model = dir.appendingPathComponent("third.rlm").path
        try """
        model third "reads option 3"
        data choice: option
        data outcome: real
        parameter A in (0, 1)
        state Q[option] = 0
        trial {
          choice ~ softmax(A * Q)
          Q[3] += outcome
        }

        """.write(toFile: model, atomically: true, encoding: .utf8)
        let data = try Self.simulatedStudy(in: dir, subjects: 3, trials: 20)
        let r = try CommandLineRunner.run(["check", data, "--model", model])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssert(r.stderr.contains("\(model):8:3: error: index 3 is outside 1..2 (the data have 2 options)"), r.stderr)
    }
}

import Foundation
import XCTest

/// `rlfit log-prob`: the density a fit samples, at given unconstrained points.
final class LogProbCommandTests: XCTestCase {
    /// A two-subject bandit2arm_delta study at one point: Stan's value and gradient for
    /// hBayesDM's bandit2arm_delta.stan on the same data and point (pystan 3.10,
    /// log_prob(x, adjust_transform=True) and grad_log_prob(x)).
    func testMatchesStanOnATinyStudy() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let data = dir.appendingPathComponent("tiny.tsv"), points = dir.appendingPathComponent("points.csv")
        try "subjID\ttrial\tchoice\toutcome\n1\t1\t1\t1\n1\t2\t2\t-1\n1\t3\t1\t1\n2\t1\t2\t1\n2\t2\t1\t1\n"
            .write(to: data, atomically: true, encoding: .utf8)
        // Columns in another order than RLFit's own: matched by name.
        try
            "tau_pr.2,mu_pr.1,mu_pr.2,sigma.1,sigma.2,A_pr.1,A_pr.2,tau_pr.1\n0.2,0.1,-0.2,\(log(0.5)),\(log(0.3)),0.3,-0.4,0.5\n"
            .write(to: points, atomically: true, encoding: .utf8)
        let r = try CommandLineRunner.run([
            "log-prob", data.path, "--model", "bandit2arm_delta", "--points", points.path
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(
            lines.first,
            "lp__,grad.mu_pr.1,grad.mu_pr.2,grad.sigma.1,grad.sigma.2,grad.A_pr.1,grad.A_pr.2,grad.tau_pr.1,grad.tau_pr.2"
        )
        let values = lines[1].split(separator: ",").map { Double($0)! }
        let stan = [
            -10.86320026257981, -1.400412114241639, -1.306478415362526, -5.217861848012437, -1.4157563141394545,
            -0.6256346726582362, 0.07542861553741664, -0.7512253640590103, -0.40071816054974757
        ]
        for (mine, theirs) in zip(values, stan) { XCTAssertEqual(mine, theirs, accuracy: 1e-12 * max(1, abs(theirs))) }
    }

    /// On a K = 4 model with a lapse, the printed gradient is the derivative of the printed
    /// density (central differences over points the command evaluates itself).
    func testGradientIsTheDerivativeOfTheDensity() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let data = dir.appendingPathComponent("study.tsv").path, points = dir.appendingPathComponent("points.csv")
        let sim = try CommandLineRunner.run([
            "simulate", "--model", "bandit4arm_lapse", "--subjects", "3", "--trials", "40",
            "--seed", "4", "--missing", "0.1", "--out", data
        ])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        let list = try CommandLineRunner.run(["log-prob", data, "--model", "bandit4arm_lapse", "--list-coordinates"])
        XCTAssertEqual(list.status, 0, list.stderr)
        let names = list.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(names.count, 5 * (2 + 3))
        XCTAssertEqual(Array(names.prefix(3)), ["mu_pr.1", "mu_pr.2", "mu_pr.3"])
        let x = names.indices.map { Double(($0 * 7) % 11) / 10 - 0.5 }
        let h = 1e-5
        var rows = [x]
        for i in names.indices {
            var up = x, down = x
            up[i] += h
            down[i] -= h
            rows += [up, down]
        }
        let text =
            names.joined(separator: ",") + "\n"
            + rows.map { $0.map { String($0) }.joined(separator: ",") }.joined(separator: "\n") + "\n"
        try text.write(to: points, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("lp.csv").path
        let r = try CommandLineRunner.run([
            "log-prob", data, "--model", "bandit4arm_lapse", "--points", points.path, "--out", out
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
        let values = lines.map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(values.count, 1 + 2 * names.count)
        XCTAssert(values[0][0].isFinite)
        for i in names.indices {
            let numeric = (values[1 + 2 * i][0] - values[2 + 2 * i][0]) / (2 * h)
            XCTAssertEqual(values[0][1 + i], numeric, accuracy: 1e-5 * max(1, abs(numeric)), names[i])
        }
    }

    /// A header naming a coordinate the model does not have: exit 65, file:line:column, and
    /// what the coordinates are; nothing written.
    func testUnknownCoordinateIsALocatedError() throws {
        let dir = try CommandLineRunner.temporaryDirectory()
        let data = dir.appendingPathComponent("study.tsv").path, points = dir.appendingPathComponent("points.csv")
        XCTAssertEqual(
            try CommandLineRunner.run([
                "simulate", "--model", "bandit2arm_delta", "--subjects", "2", "--trials", "10",
                "--seed", "1", "--out", data
            ]).status, 0)
        try "mu_pr.1,MU_PR.2\n0,0\n".write(to: points, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("lp.csv").path
        let r = try CommandLineRunner.run([
            "log-prob", data, "--model", "bandit2arm_delta", "--points", points.path, "--out", out
        ])
        XCTAssertEqual(r.status, 65)
        XCTAssert(r.stderr.contains("points.csv:1:2: error: column 'MU_PR.2'"), r.stderr)
        XCTAssert(r.stderr.contains("did you mean 'mu_pr.2'?"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        try "mu_pr.1,mu_pr.2\n0,0\n".write(to: points, atomically: true, encoding: .utf8)
        let missing = try CommandLineRunner.run([
            "log-prob", data, "--model", "bandit2arm_delta", "--points", points.path
        ])
        XCTAssertEqual(missing.status, 65)
        XCTAssert(missing.stderr.contains("coordinate(s) missing: sigma.1"), missing.stderr)
        let usage = try CommandLineRunner.run(["log-prob", data, "--model", "bandit2arm_delta"])
        XCTAssertEqual(usage.status, 64)
    }
}

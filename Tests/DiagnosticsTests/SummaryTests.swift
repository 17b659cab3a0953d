import XCTest
@testable import Diagnostics

/// `ParameterSummary` against NumPy/ArviZ on the fixture draws, and the `summary.csv` format.
final class SummaryTests: XCTestCase {
    func testEveryFieldMatchesArviZAndNumPy() throws {
        for name in Fixtures.caseNames where name != "stuck_chains" {
            let expected = try Fixtures.expectedCase(name)
            let s = summarize(name: name, chains: try Fixtures.chains(name))
            XCTAssertEqual(s.name, name)
            // Location statistics: relative to the spread, since a mean near 0 has no relative scale.
            let scale = max(abs(expected["sd"]!), 1e-300)
            assertClose(s.mean, expected["mean"]!, relative: 1e-12, absolute: 1e-12 * scale, "\(name) mean")
            assertClose(s.sd, expected["sd"]!, relative: 1e-12, "\(name) sd")
            // Quantiles interpolate the same two order statistics with NumPy's rounding: exact.
            XCTAssertEqual(s.q5, expected["q5"]!, "\(name) q5")
            XCTAssertEqual(s.q50, expected["q50"]!, "\(name) q50")
            XCTAssertEqual(s.q95, expected["q95"]!, "\(name) q95")
            assertClose(s.mcseMean, expected["mcse_mean"]!, "\(name) mcse_mean")
            assertClose(s.essBulk, expected["ess_bulk"]!, "\(name) ess_bulk")
            assertClose(s.essTail, expected["ess_tail"]!, "\(name) ess_tail")
            assertClose(s.rhat, expected["rhat"]!, "\(name) rhat")
            // az.summary's own columns agree too.
            assertClose(s.mcseMean, expected["summary_mcse_mean"]!, "\(name) summary mcse_mean")
            assertClose(s.essBulk, expected["summary_ess_bulk"]!, "\(name) summary ess_bulk")
            assertClose(s.essTail, expected["summary_ess_tail"]!, "\(name) summary ess_tail")
            assertClose(s.rhat, expected["summary_r_hat"]!, "\(name) summary r_hat")
        }
    }

    func testSummaryAgreesWithTheSeparateDiagnostics() throws {
        for name in Fixtures.caseNames {
            let draws = ChainDraws(try Fixtures.chains(name))
            let s = summarize(name: name, draws: draws)
            XCTAssertEqual(s.essBulk, Convergence.essBulk(draws), name)
            XCTAssertEqual(s.essTail, Convergence.essTail(draws), name)
            XCTAssertEqual(s.mcseMean, Convergence.mcseMean(draws), accuracy: 1e-15 * s.sd, name)
            let rhat = Convergence.splitRHat(draws)
            XCTAssertTrue(s.rhat == rhat || (s.rhat.isNaN && rhat.isNaN), "\(name): \(s.rhat) vs \(rhat)")
        }
    }

    func testStuckChainsGiveAnEnormousRHat() throws {
        // Each chain constant at its own value: W is 0 (or a few ulps), so R-hat is +inf or
        // astronomically large; ArviZ reports 3.2e16 through rounding noise.
        let s = summarize(name: "stuck", chains: try Fixtures.chains("stuck_chains"))
        XCTAssertGreaterThan(s.rhat, 1e10)
        let expected = try Fixtures.expectedCase("stuck_chains")
        assertClose(s.essBulk, expected["ess_bulk"]!)
        assertClose(s.essTail, expected["ess_tail"]!)
        assertClose(s.mcseMean, expected["mcse_mean"]!)
    }

    func testBatchSummaryEqualsOneAtATime() throws {
        // Three quantities with 4 chains × 300 draws, laid out as Stan CSV bodies.
        let names = ["iid_normal", "ar1_rho09", "discrete_ties"]
        let chainsByName = try names.map { try Fixtures.chains($0) }
        let draws = chainsByName[0][0].count
        var tables = [[Double]]()
        for c in 0..<4 {
            var table = [Double](repeating: 0, count: draws * names.count)
            for d in 0..<draws {
                for k in names.indices { table[d * names.count + k] = chainsByName[k][c][d] }
            }
            tables.append(table)
        }
        // Repeat the quantities so the batch spans several parallel blocks.
        let repeated = 7
        let allNames = (0..<repeated).flatMap { r in names.map { "\($0)[\(r)]" } }
        let allTables = tables.map { table in
            (0..<draws).flatMap { d in
                (0..<repeated).flatMap { _ in table[(d * names.count)..<((d + 1) * names.count)] }
            }
        }
        let batch = summarize(names: allNames, drawTables: allTables)
        XCTAssertEqual(batch.count, allNames.count)
        for (i, summary) in batch.enumerated() {
            let k = i % names.count
            var single = summarize(name: allNames[i], chains: chainsByName[k])
            XCTAssertEqual(summary, single, allNames[i])
            single.name = "other"
            XCTAssertNotEqual(summary, single)
        }
        XCTAssertEqual(summarize(names: [], drawTables: allTables), [])
    }

    func testNonFiniteDrawsMakeEveryFieldNaN() throws {
        var chains = try Fixtures.chains("iid_normal")
        for bad in [Double.nan, .infinity, -.infinity] {
            chains[1][17] = bad
            let s = summarize(name: "x", chains: chains)
            for value in [s.mean, s.sd, s.mcseMean, s.q5, s.q50, s.q95, s.essBulk, s.essTail, s.rhat] {
                XCTAssertTrue(value.isNaN, "\(bad): \(s)")
            }
            XCTAssertTrue(Convergence.splitRHat(chains).isNaN)
            XCTAssertTrue(Convergence.essBulk(chains).isNaN)
            XCTAssertTrue(Convergence.essTail(chains).isNaN)
            XCTAssertTrue(Convergence.essMean(chains).isNaN)
            XCTAssertTrue(Convergence.mcseMean(chains).isNaN)
        }
    }

    func testShortChainsKeepMomentsButNotDiagnostics() {
        // 3 draws per chain: below ArviZ's minimum of 4, diagnostics are undefined.
        let s = summarize(name: "short", chains: [[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(s.mean, 3.5)
        XCTAssertEqual(s.sd, (17.5 / 5).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(s.q50, 3.5)
        XCTAssertEqual(s.q5, 1.25) // h = 5 · 0.05 = 0.25 → 1 + 0.25 · (2 − 1)
        XCTAssertEqual(s.q95, 5.75)
        XCTAssertTrue(s.essBulk.isNaN && s.essTail.isNaN && s.mcseMean.isNaN && s.rhat.isNaN)
        // One chain of 10 draws: ESS defined, R-hat not (ArviZ needs 2 chains).
        let one = summarize(name: "one", chains: [(0..<10).map { sin(Double($0)) }])
        XCTAssertFalse(one.essBulk.isNaN)
        XCTAssertTrue(one.rhat.isNaN)
        let empty = summarize(name: "empty", chains: [[], []])
        XCTAssertTrue(empty.mean.isNaN && empty.q50.isNaN)
    }

    func testCSVHeaderAndRow() {
        XCTAssertEqual(ParameterSummary.csvHeader, "name,mean,sd,mcse_mean,q5,q50,q95,ess_bulk,ess_tail,rhat")
        let s = ParameterSummary(
            name: "mu_pr.1", mean: 0.1, sd: 2, mcseMean: 1e-5, q5: -1.5, q50: 0,
            q95: 1234.5, essBulk: 3999.25, essTail: .infinity, rhat: .nan)
        XCTAssertEqual(s.csvRow, "mu_pr.1,0.1,2.0,1e-05,-1.5,0.0,1234.5,3999.25,inf,nan")
        // Every number reads back to the same double.
        let x = 0.1 + 0.2
        let row = ParameterSummary(
            name: "x", mean: x, sd: x, mcseMean: x, q5: x, q50: x, q95: x,
            essBulk: x, essTail: x, rhat: x
        ).csvRow
        for field in row.split(separator: ",").dropFirst() { XCTAssertEqual(Double(String(field)), x) }
        // Names that need quoting are quoted, quotes doubled.
        var quoted = s
        quoted.name = "a,\"b\""
        XCTAssertTrue(quoted.csvRow.hasPrefix("\"a,\"\"b\"\"\",0.1,"))
        XCTAssertEqual(s.csvRow.split(separator: ",").count, ParameterSummary.csvHeader.split(separator: ",").count)
    }
}

import XCTest
@testable import Diagnostics

/// R-hat, ESS and MCSE against ArviZ 0.23 on the fixture draws.
final class ConvergenceTests: XCTestCase {
    func testSplitRHatMatchesArviZ() throws {
        for name in Fixtures.caseNames where name != "stuck_chains" {
            let expected = try Fixtures.expectedCase(name)
            let draws = ChainDraws(try Fixtures.chains(name))
            assertClose(Convergence.splitRHat(draws), expected["rhat"]!, name)
        }
    }

    func testBulkESSMatchesArviZ() throws {
        for name in Fixtures.caseNames {
            let expected = try Fixtures.expectedCase(name)
            assertClose(Convergence.essBulk(try Fixtures.chains(name)), expected["ess_bulk"]!, name)
        }
    }

    func testTailESSMatchesArviZ() throws {
        for name in Fixtures.caseNames {
            let expected = try Fixtures.expectedCase(name)
            assertClose(Convergence.essTail(try Fixtures.chains(name)), expected["ess_tail"]!, name)
        }
    }

    func testMeanESSMatchesArviZ() throws {
        for name in Fixtures.caseNames {
            let expected = try Fixtures.expectedCase(name)
            assertClose(Convergence.essMean(try Fixtures.chains(name)), expected["ess_mean"]!, name)
        }
    }

    func testMCSEOfMeanMatchesArviZ() throws {
        for name in Fixtures.caseNames {
            let expected = try Fixtures.expectedCase(name)
            assertClose(Convergence.mcseMean(try Fixtures.chains(name)), expected["mcse_mean"]!, name)
        }
    }
}

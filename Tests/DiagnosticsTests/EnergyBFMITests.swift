import XCTest
import Diagnostics

final class EnergyBFMITests: XCTestCase {
    func testMatchesArviZ() throws {
        let energy = try Fixtures.chains("energy")
        let expected = try Fixtures.numbers(try Fixtures.expected()["bfmi"])
        let actual = ebfmi(energyByChain: energy)
        XCTAssertEqual(actual.count, expected.count)
        for (a, e) in zip(actual, expected) { assertClose(a, e, relative: 1e-12) }
        // The sluggish chain (energy AR(1) with ρ = 0.95) is the one under the 0.3 threshold.
        XCTAssertEqual(actual.map { $0 < 0.3 }, [false, false, false, true])
    }

    func testSmallHandComputedCase() {
        // E = 1, 3, 2, 6: jumps 2, −1, 4 → mean square 21/3 = 7; mean 3, squares 4, 0, 1, 9 → var 14/3.
        XCTAssertEqual(ebfmi(energy: [1, 3, 2, 6]), 7 / (14.0 / 3), accuracy: 1e-15)
    }

    func testUndefinedCases() {
        XCTAssertTrue(ebfmi(energy: []).isNaN)
        XCTAssertTrue(ebfmi(energy: [5]).isNaN)
        XCTAssertTrue(ebfmi(energy: [2, 2, 2]).isNaN)
        XCTAssertTrue(ebfmi(energy: [1, .nan, 3]).isNaN)
        XCTAssertTrue(ebfmi(energy: [1, .infinity, 3]).isNaN)
    }
}

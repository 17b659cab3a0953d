import XCTest
import Diagnostics

final class InverseNormalCDFTests: XCTestCase {
    func testMatchesSciPyNormPPF() throws {
        let pairs = try XCTUnwrap(try Fixtures.expected()["norm_ppf"] as? [Any]).map(Fixtures.numbers)
        XCTAssertGreaterThan(pairs.count, 10)
        for pair in pairs {
            // AS241 and Cephes ndtri are both accurate to ~1e-16 relative.
            assertClose(inverseNormalCDF(pair[0]), pair[1], relative: 4e-15, "p = \(pair[0])")
        }
    }

    func testSymmetryAndEndpoints() {
        XCTAssertEqual(inverseNormalCDF(0.5), 0)
        for p in stride(from: 0.001, to: 0.5, by: 0.0137) {
            XCTAssertEqual(inverseNormalCDF(p), -inverseNormalCDF(1 - p), accuracy: 1e-13 * abs(inverseNormalCDF(p)))
        }
        XCTAssertEqual(inverseNormalCDF(0), -.infinity)
        XCTAssertEqual(inverseNormalCDF(1), .infinity)
        XCTAssertTrue(inverseNormalCDF(-0.1).isNaN)
        XCTAssertTrue(inverseNormalCDF(1.1).isNaN)
        XCTAssertTrue(inverseNormalCDF(.nan).isNaN)
    }

    func testInvertsTheNormalCDF() {
        // Φ(x) = erfc(−x/√2)/2 for x ≤ 0 (where p carries full relative precision): a round
        // trip through all three rational approximations, out to p ≈ 1e−300.
        for x in stride(from: -37.0, through: 0, by: 0.25) {
            let p = erfc(-x / 2.0.squareRoot()) / 2
            XCTAssertEqual(inverseNormalCDF(p), x, accuracy: 1e-13 * max(1, abs(x)), "x = \(x)")
        }
    }
}

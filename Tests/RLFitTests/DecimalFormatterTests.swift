import XCTest
import Foundation
import Randomness
@testable import RLFit

final class DecimalFormatterTests: XCTestCase {
    /// Agrees with C's %.6g (and %.17g) on typical values and edge cases, apart from rare exact
    /// ties, where it must still round-trip to the same 6-digit value within a unit.
    func testMatchesPrintfG() {
        for digits in [6, 9, 17] {
            let f = DecimalFormatter(significantDigits: digits)
            var rng = Philox(seed: 1)
            var values: [Double] = [
                0.1, -0.5, 1e-5, 1.5e-7, 123456, 1234567, 0.000123456, 99999.95, 9.9999995, -123.456789, 1e300, 5e-324,
                0.3
            ]
            for _ in 0..<20_000 {
                let magnitude = Foundation.pow(10, rng.nextUniform(-12, 12))
                values.append((rng.nextUniform() < 0.5 ? -1 : 1) * magnitude)
            }
            var mismatches = 0
            for x in values {
                let mine = f.string(x)
                let c = String(format: "%.\(digits)g", x)
                if mine != c {
                    mismatches += 1
                    // Still the right value to the stated digits.
                    XCTAssertEqual(
                        Double(mine)!, x, accuracy: abs(x) * 2 * Foundation.pow(10, Double(1 - digits)),
                        "\(x): \(mine) vs \(c)")
                }
            }
            XCTAssertLessThan(mismatches, values.count / 1000, "digits \(digits)")
        }
        let f = DecimalFormatter(significantDigits: 6)
        XCTAssertEqual(f.string(.nan), "nan")
        XCTAssertEqual(f.string(-.infinity), "-inf")
        XCTAssertEqual(f.string(0), "0")
        XCTAssertEqual(f.string(-7), "-7")
        XCTAssertEqual(f.string(1.5e-7), "1.5e-07")
        XCTAssertEqual(f.string(-123.456789), "-123.457")
        XCTAssertEqual(f.string(1234567.0), "1.23457e+06")
    }
}

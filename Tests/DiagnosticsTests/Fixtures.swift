import Foundation
import XCTest
import Diagnostics

/// The ArviZ reference fixtures in `Fixtures/` (made by `Fixtures/make_fixtures.py`).
enum Fixtures {
    /// Draws of one case: `<name>.csv`, one row per draw, one column per chain.
    static func chains(_ name: String) throws -> [[Double]] {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures"),
            "missing fixture \(name).csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline)
        let header = lines.removeFirst().split(separator: ",")
        var chains = Array(repeating: [Double](), count: header.count)
        for line in lines {
            let fields = line.split(separator: ",")
            XCTAssertEqual(fields.count, header.count)
            for (c, field) in fields.enumerated() {
                chains[c].append(try XCTUnwrap(Double(String(field)), "bad number \(field) in \(name).csv"))
            }
        }
        return chains
    }

    /// `expected.json`, parsed.
    static func expected() throws -> [String: Any] {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: "expected", withExtension: "json", subdirectory: "Fixtures"))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try XCTUnwrap(object as? [String: Any])
    }

    /// ArviZ's values for one case, with "nan"/"inf" strings turned into doubles.
    static func expectedCase(_ name: String) throws -> [String: Double] {
        let cases = try XCTUnwrap(try expected()["cases"] as? [String: Any])
        let entry = try XCTUnwrap(cases[name] as? [String: Any], "no expected values for \(name)")
        var out = [String: Double]()
        for (key, value) in entry { out[key] = try number(value) }
        return out
    }

    /// A fixture number: stored as Python's `repr` text ("0.1", "nan", "inf") and parsed with
    /// Swift's correctly rounded `Double(String)`, since JSONSerialization's number parsing can
    /// be an ulp off. Plain JSON integers (chain and draw counts) are accepted too.
    static func number(_ value: Any) throws -> Double {
        if let text = value as? String { return try XCTUnwrap(Double(text), "unreadable fixture number \(text)") }
        if let i = value as? Int { return Double(i) }
        throw XCTSkip("unreadable fixture value \(value)")
    }

    /// A list of fixture numbers.
    static func numbers(_ value: Any?) throws -> [Double] {
        let list = try XCTUnwrap(value as? [Any], "expected a list of numbers")
        return try list.map(number)
    }

    /// Every case with ArviZ reference values.
    static let caseNames = [
        "iid_normal", "ar1_rho09", "ar1_rho099", "heavy_tailed", "shifted_chain", "discrete_ties",
        "odd_length", "single_chain", "two_chains_short", "constant", "stuck_chains"
    ]
}

/// Asserts `actual` equals `expected` to a relative tolerance (NaN matches only NaN).
func assertClose(
    _ actual: Double, _ expected: Double, relative: Double = 1e-12, absolute: Double = 0,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    if expected.isNaN {
        XCTAssertTrue(actual.isNaN, "expected NaN, got \(actual). \(message())", file: file, line: line)
        return
    }
    if expected.isInfinite {
        XCTAssertEqual(actual, expected, message(), file: file, line: line)
        return
    }
    let tolerance = max(relative * abs(expected), absolute)
    XCTAssertTrue(
        abs(actual - expected) <= tolerance,
        "\(actual) != \(expected) (tolerance \(tolerance)). \(message())", file: file, line: line)
}

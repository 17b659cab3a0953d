import XCTest
import Randomness

final class PhiloxTests: XCTestCase {
    /// Random123's known-answer vectors for philox4x32, 10 rounds.
    func testKnownAnswerVectors() {
        func check(_ ctr: (UInt32, UInt32, UInt32, UInt32), _ key: (UInt32, UInt32), _ expected: [UInt32]) {
            let out = Philox.block(counter: ctr, key: key)
            XCTAssertEqual([out.0, out.1, out.2, out.3], expected)
        }
        check((0, 0, 0, 0), (0, 0), [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        check(
            (0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), (0xffff_ffff, 0xffff_ffff),
            [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        check(
            (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), (0xa409_3822, 0x299f_31d0),
            [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    func testStreamsAreReproducibleAndDistinct() {
        var a = Philox(seed: 42, stream: 3)
        var b = Philox(seed: 42, stream: 3)
        var c = Philox(seed: 42, stream: 4)
        var d = Philox(seed: 43, stream: 3)
        let xa = (0..<16).map { _ in a.next() }
        XCTAssertEqual(xa, (0..<16).map { _ in b.next() })
        XCTAssertNotEqual(xa, (0..<16).map { _ in c.next() })
        XCTAssertNotEqual(xa, (0..<16).map { _ in d.next() })
    }

    func testNormalMoments() {
        var g = Philox(seed: 7)
        let n = 200_000
        var s = 0.0, s2 = 0.0, s4 = 0.0
        for _ in 0..<n {
            let x = g.nextNormal()
            s += x; s2 += x * x; s4 += x * x * x * x
        }
        let mean = s / Double(n), variance = s2 / Double(n) - mean * mean
        // Standard errors: mean 1/sqrt(n) ≈ 0.0022, variance sqrt(2/n) ≈ 0.0032, 4th moment ≈ 0.022.
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.015)
        XCTAssertEqual(s4 / Double(n), 3, accuracy: 0.1)
    }

    func testUniformRangeAndCategorical() {
        var g = Philox(seed: 1)
        var counts = [0, 0, 0]
        for _ in 0..<30_000 {
            let u = g.nextUniform()
            XCTAssert(u >= 0 && u < 1)
            counts[g.nextCategorical([0.2, 0.3, 0.5])] += 1
        }
        XCTAssertEqual(Double(counts[0]) / 30_000, 0.2, accuracy: 0.015)
        XCTAssertEqual(Double(counts[2]) / 30_000, 0.5, accuracy: 0.015)
    }
}

import XCTest
@testable import Diagnostics

/// The internal sorting, ranking, folding and quantile pieces.
final class RankingTests: XCTestCase {
    func testRadixSortOrderMatchesComparisonSort() {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            return (u - 0.5) * pow(10, Double(Int(state % 41)) - 20)
        }
        var values = (0..<5000).map { _ in next() }
        values += [0.0, -0.0, 1e-310, -1e-310, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 3, 3, 3]
        let order = SortOrder(values)
        XCTAssertEqual(order.sorted(values), values.sorted())
        XCTAssertEqual(Set(order.indices).count, values.count)
        // Stable: equal values keep their original order.
        let threes = order.indices.filter { values[Int($0)] == 3 }
        XCTAssertEqual(threes, threes.sorted())
    }

    func testFractionalRanksAverageTies() {
        let values = [2.0, 5, 2, -1, 0.0, -0.0, 2]
        let ranks = SortOrder(values).fractionalRanks(values)
        // Sorted: −1 | −0, 0 | 2, 2, 2 | 5 → ranks 1 | 2.5 | 5 | 7.
        XCTAssertEqual(ranks, [5, 7, 5, 1, 2.5, 2.5, 5])
    }

    func testFoldedOrderSortsTheFoldedValues() {
        let values = [3.0, -2, 7, 1, 1, 4, -5, 2.5, 1]
        let order = SortOrder(values)
        let folded = order.folded(values, about: 1.5)
        XCTAssertEqual(folded.values, values.map { abs($0 - 1.5) })
        XCTAssertEqual(folded.order.sorted(folded.values), folded.values.sorted())
    }

    func testZScaleOfDistinctValues() {
        // Ranks 1...4 of 4 values: Φ⁻¹((r − 3/8)/4.25).
        let draws = ChainDraws([[10, 40], [30, 20]])
        let z = RankNormalization.zScale(draws).values
        let expected = [1.0, 4, 3, 2].map { inverseNormalCDF(($0 - 0.375) / 4.25) }
        XCTAssertEqual(z, expected)
    }

    func testQuantileConventions() {
        let sorted: [Double] = [1, 2, 3, 3, 3, 10]
        sorted.withUnsafeBufferPointer { x in
            // NumPy linear: h = 5p.
            XCTAssertEqual(Quantiles.numpyLinear(sorted: x, 0), 1)
            XCTAssertEqual(Quantiles.numpyLinear(sorted: x, 1), 10)
            XCTAssertEqual(Quantiles.numpyLinear(sorted: x, 0.1), 1.5)
            XCTAssertEqual(Quantiles.numpyLinear(sorted: x, 0.9), 6.5)
            XCTAssertEqual(Quantiles.numpyLinear(sorted: x, 0.5), 3)
            // mquantiles type 7: same positions, SciPy's rounding.
            XCTAssertEqual(Quantiles.mquantilesType7(sorted: x, 0.1), 1.5)
            XCTAssertEqual(Quantiles.mquantilesType7(sorted: x, 0.9), 6.5)
            XCTAssertEqual(Quantiles.median(sorted: x), 3)
        }
        [4.0].withUnsafeBufferPointer { XCTAssertEqual(Quantiles.mquantilesType7(sorted: $0, 0.05), 4) }
        [Double]().withUnsafeBufferPointer { XCTAssertTrue(Quantiles.numpyLinear(sorted: $0, 0.5).isNaN) }
        [1.0, 2, 4].withUnsafeBufferPointer { XCTAssertEqual(Quantiles.median(sorted: $0), 2) }
    }

    func testSplitDropsTheMiddleDrawOfOddChains() {
        let draws = ChainDraws([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
        let split = draws.split()
        XCTAssertEqual(split.chainCount, 4)
        XCTAssertEqual(split.drawsPerChain, 2)
        XCTAssertEqual(split.values, [1, 2, 6, 7, 4, 5, 9, 10])
    }
}

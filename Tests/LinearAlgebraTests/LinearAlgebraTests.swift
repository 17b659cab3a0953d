import XCTest
import LinearAlgebra

final class LinearAlgebraTests: XCTestCase {
    func testCholeskyReconstructsMatrix() throws {
        let a = Matrix([[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]])
        let l = try choleskyLower(a)
        XCTAssertEqual(l[0, 1], 0)
        XCTAssertEqual(l[0, 0], 2, accuracy: 1e-14)
        let back = l.multiplied(by: l.transposed)
        for (x, y) in zip(back.storage, a.storage) { XCTAssertEqual(x, y, accuracy: 1e-12) }
    }

    func testCholeskyRejectsIndefiniteAndNaN() {
        XCTAssertThrowsError(try choleskyLower(Matrix([[1, 2], [2, 1]]))) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(routine: "dpotrf", order: 2))
        }
        XCTAssertThrowsError(try choleskyLower(Matrix([[1, .nan], [.nan, 1]])))
    }

    func testTriangularAndSymmetricProducts() throws {
        let a = Matrix([[4, 2], [2, 5]])
        let l = try choleskyLower(a)
        var x: [Double] = [1, -1]
        l.storage.withUnsafeBufferPointer { lp in
            x.withUnsafeMutableBufferPointer {
                BLAS.lowerTriangularMultiply(2, lp.baseAddress!, $0.baseAddress!, transpose: true)
            }
            x.withUnsafeMutableBufferPointer { BLAS.lowerTriangularMultiply(2, lp.baseAddress!, $0.baseAddress!) }
        }
        // L·Lᵀ·x = A·x
        XCTAssertEqual(x[0], 2, accuracy: 1e-12)
        XCTAssertEqual(x[1], -3, accuracy: 1e-12)
        var y: [Double] = [0, 0]
        a.storage.withUnsafeBufferPointer { ap in
            [1.0, 1.0].withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer {
                    BLAS.symmetricMultiply(2, 1, ap.baseAddress!, xp.baseAddress!, 0, $0.baseAddress!)
                }
            }
        }
        XCTAssertEqual(y, [6, 7])
        XCTAssertEqual(a.multiplied(by: [1, 2]), [8, 12])
    }

    /// Any call through the module leaves OpenBLAS single-threaded (set in one place).
    func testSingleThreadedBLAS() {
        var x = [1.0, 2.0]
        _ = x.withUnsafeMutableBufferPointer { BLAS.dot(2, $0.baseAddress!, $0.baseAddress!) }
        XCTAssertEqual(BLASThreading.threadCount, 1)
    }
}

import CLAPACK

/// The lower Cholesky factor L of a symmetric positive-definite matrix A = L·Lᵀ, from LAPACK
/// `dpotrf`. The strictly upper triangle of the result is zeroed.
///
/// Throws `LinearAlgebraError.notPositiveDefinite` when A is not (numerically) positive
/// definite, including when it holds NaN.
public func choleskyLower(_ a: Matrix) throws -> Matrix {
    precondition(a.rows == a.columns, "Cholesky needs a square matrix, got \(a.rows)×\(a.columns)")
    let n = a.rows
    var l = a
    if n == 0 { return l }
    if l.storage.contains(where: { !$0.isFinite }) {
        throw LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: 1)
    }
    BLASThreading.ensureSingleThread()
    let info = l.storage.withUnsafeMutableBufferPointer { p in
        LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
    }
    if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: Int(info)) }
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dpotrf", argument: Int(-info)) }
    for j in 1..<max(n, 1) { for i in 0..<j { l[i, j] = 0 } }
    return l
}

import CLAPACK

/// Thin wrappers over the BLAS calls RLFit uses, on raw buffers so the hot loops (leapfrog,
/// momentum draws) do not allocate. All matrices are column-major.
public enum BLAS {
    /// Dot product xᵀy (`ddot`).
    @inlinable
    public static func dot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        BLASThreading.ensureSingleThread()
        return cblas_ddot(blasint(n), x, 1, y, 1)
    }

    /// y ← αx + y (`daxpy`).
    @inlinable
    public static func axpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        BLASThreading.ensureSingleThread()
        cblas_daxpy(blasint(n), alpha, x, 1, y, 1)
    }

    /// y ← α·A·x + β·y for a symmetric n×n A of which the lower triangle is read (`dsymv`).
    @inlinable
    public static func symmetricMultiply(
        _ n: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ x: UnsafePointer<Double>,
        _ beta: Double, _ y: UnsafeMutablePointer<Double>
    ) {
        BLASThreading.ensureSingleThread()
        cblas_dsymv(CblasColMajor, CblasLower, blasint(n), alpha, a, blasint(n), x, 1, beta, y, 1)
    }

    /// x ← L·x (`transpose == false`) or x ← Lᵀ·x for a lower-triangular n×n L (`dtrmv`).
    @inlinable
    public static func lowerTriangularMultiply(
        _ n: Int, _ l: UnsafePointer<Double>, _ x: UnsafeMutablePointer<Double>, transpose: Bool = false
    ) {
        lowerTriangular(cblas_dtrmv, n, l, x, transpose: transpose)
    }

    /// Solve L·x = b (`transpose == false`) or Lᵀ·x = b in place for a lower-triangular L (`dtrsv`).
    @inlinable
    public static func lowerTriangularSolve(
        _ n: Int, _ l: UnsafePointer<Double>, _ x: UnsafeMutablePointer<Double>, transpose: Bool = false
    ) {
        lowerTriangular(cblas_dtrsv, n, l, x, transpose: transpose)
    }

    /// Calls a triangular level-2 routine (`dtrmv`, `dtrsv`: same arguments) on a lower, non-unit
    /// n×n L stored column-major with leading dimension n, and a contiguous x.
    @inlinable
    static func lowerTriangular(
        _ routine: (
            CBLAS_ORDER, CBLAS_UPLO, CBLAS_TRANSPOSE, CBLAS_DIAG, blasint, UnsafePointer<Double>?, blasint,
            UnsafeMutablePointer<Double>?, blasint
        ) -> Void,
        _ n: Int, _ l: UnsafePointer<Double>, _ x: UnsafeMutablePointer<Double>, transpose: Bool
    ) {
        BLASThreading.ensureSingleThread()
        routine(
            CblasColMajor, CblasLower, transpose ? CblasTrans : CblasNoTrans, CblasNonUnit, blasint(n), l, blasint(n),
            x, 1)
    }

    /// y ← α·op(A)·x + β·y for an m×n A (`dgemv`).
    @inlinable
    public static func gemv(
        transpose: Bool, _ m: Int, _ n: Int, _ alpha: Double, _ a: UnsafePointer<Double>, lda: Int,
        _ x: UnsafePointer<Double>, _ beta: Double, _ y: UnsafeMutablePointer<Double>
    ) {
        BLASThreading.ensureSingleThread()
        cblas_dgemv(
            CblasColMajor, transpose ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), alpha, a,
            blasint(lda), x, 1, beta, y, 1)
    }

    /// C ← α·op(A)·op(B) + β·C (`dgemm`), C is m×n, op(A) m×k, op(B) k×n.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
        _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
        _ beta: Double, _ c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        BLASThreading.ensureSingleThread()
        cblas_dgemm(
            CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}

extension Matrix {
    /// The matrix product self · other through `dgemm`.
    public func multiplied(by other: Matrix) -> Matrix {
        precondition(columns == other.rows, "shape mismatch \(rows)×\(columns) · \(other.rows)×\(other.columns)")
        var c = Matrix(rows: rows, columns: other.columns)
        if rows == 0 || other.columns == 0 || columns == 0 { return c }
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, rows, other.columns, columns, 1,
                        a.baseAddress!, lda: rows, b.baseAddress!, ldb: other.rows, 0, cp.baseAddress!, ldc: rows)
                }
            }
        }
        return c
    }

    /// The matrix-vector product self · x through `dgemv`.
    public func multiplied(by x: [Double]) -> [Double] {
        precondition(columns == x.count, "shape mismatch \(rows)×\(columns) · \(x.count)")
        var y = [Double](repeating: 0, count: rows)
        if rows == 0 || columns == 0 { return y }
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    BLAS.gemv(
                        transpose: false, rows, columns, 1, a.baseAddress!, lda: rows, xp.baseAddress!, 0,
                        yp.baseAddress!)
                }
            }
        }
        return y
    }
}

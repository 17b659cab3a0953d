import LinearAlgebra
import Randomness

/// The Euclidean–Gaussian kinetic energy of HMC, τ(p) = ½ pᵀ M⁻¹ p, with momentum
/// p ~ N(0, M) (Betancourt 2017, §4.2). M⁻¹ is the inverse metric, adapted to the posterior
/// covariance Σ during warmup so that the sampler sees a roughly isotropic target.
///
/// - diagonal: M⁻¹ = diag(m). Momentum pᵢ = zᵢ / √mᵢ with z ~ N(0, I); velocity vᵢ = mᵢ pᵢ.
/// - dense: M⁻¹ = Σ = L Lᵀ (Cholesky, LAPACK `dpotrf`, once per adaptation window).
///   Momentum: solve Lᵀ p = z (BLAS `dtrsv`), so Cov(p) = L⁻ᵀL⁻¹ = Σ⁻¹ = M. Velocity v = Σ p
///   (BLAS `dsymv`, lower triangle).
///
/// All operations work on caller buffers and never allocate. One instance per chain.
final class EuclideanMetric {
    let dimension: Int
    private(set) var isDense = false
    /// mᵢ (diagonal case), or the diagonal of Σ (dense case, informational).
    let inverseDiagonal: UnsafeMutablePointer<Double>
    /// 1/√mᵢ, the momentum scale of the diagonal case.
    let momentumScale: UnsafeMutablePointer<Double>
    /// Σ and its lower Cholesky factor, column-major d×d, allocated on first dense use.
    var covariance: UnsafeMutablePointer<Double>?
    var cholesky: UnsafeMutablePointer<Double>?

    /// The unit metric M = I.
    init(dimension: Int) {
        self.dimension = dimension
        inverseDiagonal = .allocate(capacity: dimension)
        inverseDiagonal.initialize(repeating: 1, count: dimension)
        momentumScale = .allocate(capacity: dimension)
        momentumScale.initialize(repeating: 1, count: dimension)
    }

    deinit {
        inverseDiagonal.deallocate()
        momentumScale.deallocate()
        covariance?.deallocate()
        cholesky?.deallocate()
    }

    /// Use M⁻¹ = diag(m); every mᵢ must be finite and > 0 (checked by the caller).
    func setDiagonal(_ m: [Double]) {
        precondition(m.count == dimension)
        for i in 0..<dimension {
            inverseDiagonal[i] = m[i]
            momentumScale[i] = 1 / m[i].squareRoot()
        }
        isDense = false
    }

    /// Use M⁻¹ = Σ with its lower Cholesky factor L (Σ = L Lᵀ).
    func setDense(covariance sigma: Matrix, cholesky l: Matrix) {
        precondition(sigma.rows == dimension && sigma.columns == dimension && l.rows == dimension)
        let n = dimension * dimension
        if covariance == nil {
            covariance = .allocate(capacity: n)
            cholesky = .allocate(capacity: n)
        }
        sigma.storage.withUnsafeBufferPointer { covariance!.update(from: $0.baseAddress!, count: n) }
        l.storage.withUnsafeBufferPointer { cholesky!.update(from: $0.baseAddress!, count: n) }
        for i in 0..<dimension { inverseDiagonal[i] = sigma[i, i] }
        isDense = true
    }

    /// Draws p ~ N(0, M) into `p` (d standard normals from `rng`, in index order).

    func sampleMomentum(into p: UnsafeMutablePointer<Double>, rng: inout Philox) {
        for i in 0..<dimension { p[i] = rng.nextNormal() }
        if isDense {
            BLAS.lowerTriangularSolve(dimension, cholesky!, p, transpose: true)
        } else {
            for i in 0..<dimension { p[i] *= momentumScale[i] }
        }
    }

    /// v = M⁻¹ p (`v` and `p` must not alias).

    func velocity(_ p: UnsafePointer<Double>, into v: UnsafeMutablePointer<Double>) {
        if isDense {
            BLAS.symmetricMultiply(dimension, 1, covariance!, p, 0, v)
        } else {
            for i in 0..<dimension { v[i] = inverseDiagonal[i] * p[i] }
        }
    }

    /// The metric's numbers for a checkpoint: M⁻¹'s diagonal, and Σ and L when dense.
    func save(into s: inout ChainState) {
        s.denseMetric = isDense
        s.inverseDiagonal = (0..<dimension).map { inverseDiagonal[$0] }
        let n = dimension * dimension
        s.covariance = isDense ? (0..<n).map { covariance![$0] } : []
        s.cholesky = isDense ? (0..<n).map { cholesky![$0] } : []
    }

    func restore(from s: ChainState) {
        if s.denseMetric {
            setDense(
                covariance: Matrix(rows: dimension, columns: dimension, columnMajor: s.covariance),
                cholesky: Matrix(rows: dimension, columns: dimension, columnMajor: s.cholesky))
        } else {
            setDiagonal(s.inverseDiagonal)
        }
    }

    /// The current M⁻¹, copied out (for results).
    var inverseMetric: InverseMetric {
        if isDense {
            let n = dimension * dimension
            var storage = [Double](repeating: 0, count: n)
            storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: covariance!, count: n) }
            return .dense(Matrix(rows: dimension, columns: dimension, columnMajor: storage))
        }
        return .diagonal((0..<dimension).map { inverseDiagonal[$0] })
    }
}

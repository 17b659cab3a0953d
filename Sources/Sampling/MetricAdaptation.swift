import LinearAlgebra

/// Collects the draws of the current warmup window and turns them into a new metric at the
/// window's end (Stan's `var_adaptation` / `covar_adaptation`, plus the shrinkage option).
///
/// - diag: M⁻¹ = Stan-regularized Welford variances.
/// - dense: Σ̂ from the Welford covariance (`.stan`) or the shrinkage estimator
///   (`.shrinkage`, which also needs the window's draws, kept in a buffer sized for the longest
///   window; `.automatic` picks one of the two per window), then Stan's regularization, then one Cholesky factorization (`dpotrf`). If the
///   factorization fails the window falls back to the diagonal of Σ, with a warning that says
///   which window and why; the next window tries dense again.
/// A non-finite estimate (overflowing draws) keeps the previous metric, with a warning.
struct MetricAdaptation {
    let kind: MetricKind
    let estimator: CovarianceEstimator
    let dimension: Int
    private var welford: WelfordEstimator
    private var windowDraws: [Double]
    private var windowCount = 0
    private let keepsDraws: Bool

    init(kind: MetricKind, estimator: CovarianceEstimator, dimension: Int, longestWindow: Int) {
        self.kind = kind
        self.estimator = estimator
        self.dimension = dimension
        welford = WelfordEstimator(dimension: dimension, dense: kind == .dense)
        keepsDraws = kind == .dense && estimator != .stan
        windowDraws = keepsDraws ? [Double](repeating: 0, count: longestWindow * dimension) : []
    }

    /// The window so far, for a checkpoint: the Welford state and the kept draws.
    func save(into s: inout ChainState) {
        s.welfordCount = welford.count
        s.welfordMean = welford.mean
        s.welfordM2 = welford.sumOfSquares
        s.windowCount = windowCount
        s.windowDraws = keepsDraws ? Array(windowDraws[0..<(windowCount * dimension)]) : []
    }

    mutating func restore(from s: ChainState) {
        welford.restore(count: s.welfordCount, mean: s.welfordMean, sumOfSquares: s.welfordM2)
        windowCount = s.windowCount
        if keepsDraws { windowDraws.replaceSubrange(0..<s.windowDraws.count, with: s.windowDraws) }
    }

    mutating func add(_ q: UnsafePointer<Double>) {
        welford.add(q)
        if keepsDraws {
            let d = dimension
            windowDraws.withUnsafeMutableBufferPointer { buffer in
                (buffer.baseAddress! + windowCount * d).update(from: q, count: d)
            }
        }
        windowCount += 1
    }

    /// Ends the window: installs the new metric in `metric` and returns warnings (empty when
    /// all went well). The estimator restarts for the next window.
    mutating func update(_ metric: EuclideanMetric, context: String) -> [String] {
        defer {
            welford.restart()
            windowCount = 0
        }
        let n = welford.count
        guard n >= 2 else { return ["\(context): fewer than 2 draws; the metric is unchanged"] }
        switch kind {
        case .diag:
            let variances = CovarianceShrinkage.stanRegularized(variances: welford.variance, count: n)
            guard variances.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                return ["\(context): the variance estimate is not finite; the metric is unchanged"]
            }
            metric.setDiagonal(variances)
            return []
        case .dense:
            let sample: Matrix
            switch estimator.resolved(count: n, dimension: dimension) {
            case .stan, .automatic:
                sample = welford.covariance
            case .shrinkage:
                let d = dimension
                let draws = windowDraws.withUnsafeBufferPointer { buffer in
                    // Row-major draws → column-major n×d.
                    var m = Matrix(rows: n, columns: d)
                    for k in 0..<n { for j in 0..<d { m[k, j] = buffer[k * d + j] } }
                    return m
                }
                sample = CovarianceShrinkage.shrinkTowardDiagonal(draws: draws).covariance
            }
            let sigma = CovarianceShrinkage.stanRegularized(sample, count: n)
            return Self.installDense(sigma, in: metric, context: context)
        }
    }

    /// Factors Σ once (LAPACK `dpotrf`) and installs it; if the factorization fails, installs
    /// diag(Σ) instead and returns a warning that names the window and LAPACK's complaint.
    static func installDense(_ sigma: Matrix, in metric: EuclideanMetric, context: String) -> [String] {
        guard sigma.storage.allSatisfy({ $0.isFinite }) else {
            return ["\(context): the covariance estimate is not finite; the metric is unchanged"]
        }
        do {
            let l = try choleskyLower(sigma)
            metric.setDense(covariance: sigma, cholesky: l)
            return []
        } catch {
            let diagonal = sigma.diagonal
            guard diagonal.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                return ["\(context): \(error); its diagonal is not positive either, so the metric is unchanged"]
            }
            metric.setDiagonal(diagonal)
            return [
                "\(context): dense metric factorization failed (\(error)); this window uses the diagonal of the covariance instead"
            ]
        }
    }
}

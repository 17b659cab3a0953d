import LinearAlgebra

/// Running mean and (co)variance by Welford's update (Welford 1962; West 1979), numerically
/// stable in one pass: for the n-th draw x,
///
///     δ = x − x̄;  x̄ ← x̄ + δ/n;  M₂ ← M₂ + δ (x − x̄)ᵀ
///
/// and the sample covariance is M₂ / (n − 1). Stan accumulates one such estimator per
/// adaptation window and restarts it after each window. Draws with a non-finite component
/// cannot occur (the sampler only keeps finite states).
public struct WelfordEstimator: Sendable {
    public let dimension: Int
    /// Accumulate the full covariance (dense metric) or only the variances (diagonal).
    public let isDense: Bool
    public private(set) var count = 0
    public private(set) var mean: [Double]
    /// M₂: the diagonal (length d), or the full d×d column-major matrix of which the lower
    /// triangle is accumulated.
    private var m2: [Double]
    private var delta: [Double]

    public init(dimension: Int, dense: Bool) {
        self.dimension = dimension
        self.isDense = dense
        mean = [Double](repeating: 0, count: dimension)
        m2 = [Double](repeating: 0, count: dense ? dimension * dimension : dimension)
        delta = [Double](repeating: 0, count: dimension)
    }

    /// M₂ as accumulated (checkpoints).
    public var sumOfSquares: [Double] { m2 }

    /// Puts back a state read from `count`, `mean` and `sumOfSquares`.
    mutating func restore(count: Int, mean: [Double], sumOfSquares: [Double]) {
        precondition(mean.count == self.mean.count && sumOfSquares.count == m2.count)
        self.count = count
        self.mean = mean
        m2 = sumOfSquares
    }

    public mutating func restart() {
        count = 0
        for i in 0..<mean.count { mean[i] = 0 }
        for i in 0..<m2.count { m2[i] = 0 }
    }

    /// Adds one draw (d values from `x`).
    public mutating func add(_ x: UnsafePointer<Double>) {
        count += 1
        let n = Double(count)
        let d = dimension
        mean.withUnsafeMutableBufferPointer { mu in
            delta.withUnsafeMutableBufferPointer { dl in
                m2.withUnsafeMutableBufferPointer { m in
                    for i in 0..<d {
                        dl[i] = x[i] - mu[i]
                        mu[i] += dl[i] / n
                    }
                    if isDense {
                        // M₂ += δ (x − x̄_new)ᵀ, lower triangle; x − x̄_new = δ (n−1)/n.
                        let scale = (n - 1) / n
                        for j in 0..<d {
                            let dj = dl[j] * scale
                            let column = m.baseAddress! + j * d
                            for i in j..<d { column[i] += dl[i] * dj }
                        }
                    } else {
                        for i in 0..<d { m[i] += dl[i] * (x[i] - mu[i]) }
                    }
                }
            }
        }
    }

    public mutating func add(_ x: [Double]) {
        x.withUnsafeBufferPointer { add($0.baseAddress!) }
    }

    /// Sample variances M₂ᵢᵢ/(n − 1) (zeros when n < 2).
    public var variance: [Double] {
        guard count > 1 else { return [Double](repeating: 0, count: dimension) }
        let c = Double(count - 1)
        return (0..<dimension).map { isDense ? m2[$0 * dimension + $0] / c : m2[$0] / c }
    }

    /// The symmetric sample covariance M₂/(n − 1) (dense estimators only; zero when n < 2).
    public var covariance: Matrix {
        precondition(isDense, "covariance needs a dense Welford estimator")
        var s = Matrix(rows: dimension, columns: dimension)
        guard count > 1 else { return s }
        let c = Double(count - 1)
        for j in 0..<dimension {
            for i in j..<dimension {
                let value = m2[i + j * dimension] / c
                s[i, j] = value
                s[j, i] = value
            }
        }
        return s
    }
}

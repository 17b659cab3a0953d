import Foundation
import LinearAlgebra
import Sampling
import XCTest

/// posteriordb `diamonds-diamonds` (brms-generated diamonds.stan): log(price) on 24 highly
/// correlated predictors, N = 5000. b ~ N(0,1), Intercept ~ t₃(8, 10), σ ~ t₃⁺(0, 10);
/// Y ~ N(Intercept + X_c b, σ) with X_c the non-intercept columns of X centred on their means.
/// Sampled on x = (b[24], Intercept, log σ), with the log-Jacobian log σ. The gradient is two
/// BLAS `dgemv`: r = Y − Intercept − X_c b, ∂/∂b = −b + X_cᵀ r / σ².
/// One instance per chain (it owns a residual buffer); the data are shared.
final class Diamonds: LogDensity {
    /// The data, read once: X_c (n×k column-major) and Y.
    struct Data: Sendable {
        let n: Int
        let k: Int
        let xc: [Double]
        let y: [Double]

        init(x: [[Double]], y: [Double]) {
            n = y.count
            k = x[0].count - 1
            var centred = [Double](repeating: 0, count: n * k)
            for j in 0..<k {
                let mean = x.reduce(0.0) { $0 + $1[j + 1] } / Double(n)
                for i in 0..<n { centred[i + j * n] = x[i][j + 1] - mean }
            }
            xc = centred
            self.y = y
        }
    }

    let n: Int
    let k: Int
    let xc: [Double]
    let y: [Double]
    private var residual: [Double]
    var dimension: Int { k + 2 }

    init(_ data: Data) {
        n = data.n
        k = data.k
        xc = data.xc
        y = data.y
        residual = [Double](repeating: 0, count: n)
    }

    /// Student-t log density (unnormalized) and its derivative: −(ν+1)/2·log(1 + z²/ν).
    private static func studentT(_ v: Double, nu: Double, location: Double, scale: Double) -> (Double, Double) {
        let u = v - location
        let lp = -(nu + 1) / 2 * Foundation.log1p(u * u / (nu * scale * scale))
        return (lp, -(nu + 1) * u / (nu * scale * scale + u * u))
    }

    func logDensity(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let intercept = x[k], logSigma = x[k + 1], sigma = Foundation.exp(logSigma)
        let (lpIntercept, dIntercept) = Self.studentT(intercept, nu: 3, location: 8, scale: 10)
        let (lpSigma, dSigmaPrior) = Self.studentT(sigma, nu: 3, location: 0, scale: 10)
        var lp = lpIntercept + lpSigma + logSigma
        var sumSquares = 0.0, sumResidual = 0.0
        residual.withUnsafeMutableBufferPointer { r in
            for i in 0..<n { r[i] = y[i] - intercept }
            xc.withUnsafeBufferPointer { a in
                BLAS.gemv(transpose: false, n, k, -1, a.baseAddress!, lda: n, x.baseAddress!, 1, r.baseAddress!)
                let inverseVariance = 1 / (sigma * sigma)
                BLAS.gemv(
                    transpose: true, n, k, inverseVariance, a.baseAddress!, lda: n, r.baseAddress!, 0,
                    gradient.baseAddress!)
            }
            for i in 0..<n {
                sumSquares += r[i] * r[i]
                sumResidual += r[i]
            }
        }
        for j in 0..<k {
            lp -= 0.5 * x[j] * x[j]
            gradient[j] -= x[j]
        }
        let nn = Double(n)
        lp += -nn * logSigma - 0.5 * sumSquares / (sigma * sigma)
        gradient[k] = dIntercept + sumResidual / (sigma * sigma)
        gradient[k + 1] = sigma * (dSigmaPrior - nn / sigma + sumSquares / (sigma * sigma * sigma)) + 1
        return lp
    }
}

final class PosteriorDBDiamondsTests: XCTestCase {
    /// The data are read from the shared folder next to the repository (not copied here).
    static var dataURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/data/posteriordb/diamonds-diamonds/data_diamonds.json")
            .standardizedFileURL
    }

    /// Reference: name, mean, sd (from the reference draws), MCSE of the reference mean.
    static let reference: [(String, Double, Double, Double)] = [
        ("b[1]", 6.659915092, 0.250918, 0.00252),
        ("b[2]", 6.363225549, 0.328219, 0.00323),
        ("b[3]", -4.683738387, 0.321012, 0.00319),
        ("b[4]", 1.446797696, 0.141275, 0.0014),
        ("b[5]", 0.1343596262, 0.00745711, 7.43e-05),
        ("b[6]", -0.04020570364, 0.00652833, 6.62e-05),
        ("b[7]", 0.0228076322, 0.00568248, 5.8e-05),
        ("b[8]", 0.001955593719, 0.00445162, 4.49e-05),
        ("b[9]", -0.444854075, 0.00607245, 6.11e-05),
        ("b[10]", -0.092653658, 0.0055567, 5.52e-05),
        ("b[11]", -0.01257996179, 0.00522824, 5.24e-05),
        ("b[12]", 0.01072971682, 0.004822, 4.78e-05),
        ("b[13]", -0.001372562454, 0.00453664, 4.56e-05),
        ("b[14]", 0.0007438760141, 0.00421306, 4.29e-05),
        ("b[15]", 0.9010474845, 0.0111721, 0.000112),
        ("b[16]", -0.2209062623, 0.0104326, 0.000107),
        ("b[17]", 0.1311297315, 0.00899723, 8.95e-05),
        ("b[18]", -0.057781765, 0.00702863, 6.99e-05),
        ("b[19]", 0.01817816463, 0.00572158, 5.74e-05),
        ("b[20]", -0.002180003528, 0.00497643, 4.94e-05),
        ("b[21]", 0.03172978128, 0.00433137, 4.31e-05),
        ("b[22]", -6.107583382, 0.297633, 0.00298),
        ("b[23]", 4.626144023, 0.298133, 0.00298),
        ("b[24]", -1.440781151, 0.15389, 0.00154),
        ("Intercept", 7.787995886, 0.00175147, 1.76e-05),
        ("sigma", 0.1228792016, 0.00123704, 1.23e-05)
    ]

    static func load() throws -> Diamonds.Data {
        let url = dataURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("the posteriordb diamonds data file is absent: \(url.path)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let x = (json["X"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
        let y = (json["Y"] as! [NSNumber]).map(\.doubleValue)
        XCTAssertEqual(y.count, 5000)
        XCTAssertEqual(x[0].count, 25)
        return Diamonds.Data(x: x, y: y)
    }

    func testGradientMatchesFiniteDifferences() throws {
        let model = Diamonds(try Self.load())
        var x = (0..<26).map { 0.1 * sin(Double($0)) }
        x[24] = 7.7
        x[25] = -2
        var g = [Double](repeating: 0, count: 26), scratch = g
        let lp = x.withUnsafeBufferPointer { xp in
            g.withUnsafeMutableBufferPointer { model.logDensity(xp, gradient: $0) }
        }
        XCTAssert(lp.isFinite)
        for j in [0, 5, 23, 24, 25] {
            let h = 1e-6
            var plus = x, minus = x
            plus[j] += h
            minus[j] -= h
            let fp = plus.withUnsafeBufferPointer { xp in
                scratch.withUnsafeMutableBufferPointer { model.logDensity(xp, gradient: $0) }
            }
            let fm = minus.withUnsafeBufferPointer { xp in
                scratch.withUnsafeMutableBufferPointer { model.logDensity(xp, gradient: $0) }
            }
            XCTAssertEqual(g[j], (fp - fm) / (2 * h), accuracy: 1e-5 * max(1, abs(g[j])))
        }
    }

    func testMatchesReferencePosterior() throws {
        let data = try Self.load()
        let config = SamplerConfiguration(warmup: 1000, draws: 1000, metric: .dense, seed: 26)
        let start = Date()
        let results = try Sampler(configuration: config).runChains(chainIDs: [0, 1], threads: 2) { _ in Diamonds(data) }
        for (k, (name, mean, sd, mcse)) in Self.reference.enumerated() {
            let chains =
                k == 25
                ? MomentChecks.chains(results) { Foundation.exp($0[$0.startIndex + 25]) }
                : MomentChecks.chains(results, parameter: k)
            MomentChecks.assertMoments(chains, name: name, mean: mean, sd: sd, referenceMCSE: mcse)
        }
        print(
            "diamonds: \(Date().timeIntervalSince(start)) s, gradients \(results.map(\.gradientEvaluations)), step \(results.map(\.stepSize)), divergences \(results.map(\.divergences)), max depth hits \(results.map(\.maxDepthHits)), warnings \(results.flatMap(\.warnings))"
        )
    }
}

import XCTest
@testable import Diagnostics

final class AutocovarianceTests: XCTestCase {
    /// The textbook definition, per chain then averaged.
    private func naive(_ draws: ChainDraws, lag: Int) -> Double {
        var total = 0.0
        for c in 0..<draws.chainCount {
            let x = Array(draws.chain(c))
            let mean = x.reduce(0, +) / Double(x.count)
            var s = 0.0
            for i in 0..<(x.count - lag) { s += (x[i] - mean) * (x[i + lag] - mean) }
            total += s / Double(x.count)
        }
        return total / Double(draws.chainCount)
    }

    func testDirectAndFFTPathsAgreeWithTheDefinition() throws {
        // Three chains (odd, so one FFT carries a single chain) of 300 draws.
        let chains = Array(try Fixtures.chains("ar1_rho09").prefix(3))
        let draws = ChainDraws(chains)
        var direct = Autocovariance(draws)
        var viaFFT = Autocovariance(draws)
        _ = viaFFT(Autocovariance.directLagLimit + 1) // forces the FFT for every lag
        let scale = naive(draws, lag: 0)
        for lag in [0, 1, 2, 5, 17, Autocovariance.directLagLimit, 120, 299] {
            let reference = naive(draws, lag: lag)
            if lag <= Autocovariance.directLagLimit {
                XCTAssertEqual(direct(lag), reference, accuracy: 1e-13 * scale, "direct lag \(lag)")
            }
            XCTAssertEqual(viaFFT(lag), reference, accuracy: 1e-13 * scale, "FFT lag \(lag)")
        }
    }

    func testFFTRoundTrip() {
        let fft = FFT(length: 16)
        let original = (0..<16).map { sin(Double($0) * 0.7) + 0.1 * Double($0) }
        var re = original
        var im = [Double](repeating: 0, count: 16)
        fft.forward(real: &re, imag: &im)
        XCTAssertEqual(re[0], original.reduce(0, +), accuracy: 1e-12)
        fft.inverse(real: &re, imag: &im)
        for i in 0..<16 {
            XCTAssertEqual(re[i] / 16, original[i], accuracy: 1e-13)
            XCTAssertEqual(im[i] / 16, 0, accuracy: 1e-13)
        }
    }

    func testESSOfAntitheticChainsIsCappedAtSLog10S() {
        // Perfectly alternating draws: τ̂ falls below 1/log10(S), so ESS = S·log10(S).
        // (ArviZ gives 1040.823996531185 = 400·log10(400) for these draws.)
        var chains = [[Double]]()
        for c in 0..<4 {
            var chain = [Double]()
            for d in 0..<100 {
                let sign: Double = (d + c) % 2 == 0 ? 1 : -1
                chain.append(sign + 0.001 * Double(d))
            }
            chains.append(chain)
        }
        let s = 400.0
        XCTAssertEqual(Convergence.essMean(chains), s * log10(s), accuracy: 1e-9 * s)
    }
}

import Foundation

/// An in-place iterative radix-2 complex FFT on split real/imaginary arrays, only as much
/// as the autocovariance needs. Forward transform: Xₖ = Σⱼ xⱼ·e^(−2πi·jk/n); no scaling.
struct FFT {
    /// Transform length, a power of two.
    let length: Int
    private let cosines: [Double]
    private let sines: [Double]

    /// Plans a transform of `length` points; `length` must be a power of two ≥ 1. The
    /// twiddle factors e^(−2πik/n) are computed once per length and shared.
    init(length: Int) {
        precondition(length > 0 && length & (length - 1) == 0, "FFT length must be a power of two")
        self.length = length
        (cosines, sines) = TwiddleCache.shared.tables(length)
    }

    /// The smallest power of two ≥ n.
    static func powerOfTwo(atLeast n: Int) -> Int {
        var m = 1
        while m < n { m <<= 1 }
        return m
    }

    /// Forward transform in place.
    func forward(real: inout [Double], imag: inout [Double]) { transform(&real, &imag, sign: -1) }

    /// Unscaled inverse transform in place: xⱼ = Σₖ Xₖ·e^(+2πi·jk/n) (divide by n yourself).
    func inverse(real: inout [Double], imag: inout [Double]) { transform(&real, &imag, sign: 1) }

    private func transform(_ re: inout [Double], _ im: inout [Double], sign: Double) {
        let n = length
        precondition(re.count == n && im.count == n)
        re.withUnsafeMutableBufferPointer { xr in
            im.withUnsafeMutableBufferPointer { xi in
                cosines.withUnsafeBufferPointer { cs in
                    sines.withUnsafeBufferPointer { sn in
                        // Bit-reversal permutation.
                        var j = 0
                        for i in 1..<max(n, 1) {
                            var bit = n >> 1
                            while j & bit != 0 { j ^= bit; bit >>= 1 }
                            j |= bit
                            if i < j { xr.swapAt(i, j); xi.swapAt(i, j) }
                        }
                        // Butterflies.
                        var size = 2
                        while size <= n {
                            let halfSize = size / 2
                            let step = n / size
                            var start = 0
                            while start < n {
                                for k in 0..<halfSize {
                                    let wr = cs[k * step]
                                    let wi = sign * sn[k * step]
                                    let a = start + k, b = a + halfSize
                                    let tr = xr[b] * wr - xi[b] * wi
                                    let ti = xr[b] * wi + xi[b] * wr
                                    xr[b] = xr[a] - tr
                                    xi[b] = xi[a] - ti
                                    xr[a] += tr
                                    xi[a] += ti
                                }
                                start += size
                            }
                            size <<= 1
                        }
                    }
                }
            }
        }
    }
}

/// Twiddle tables by transform length, computed on first use; safe to use from any thread.
private final class TwiddleCache: @unchecked Sendable {
    static let shared = TwiddleCache()
    private let lock = NSLock()
    private var tablesByLength: [Int: ([Double], [Double])] = [:]

    func tables(_ length: Int) -> ([Double], [Double]) {
        lock.lock()
        defer { lock.unlock() }
        if let cached = tablesByLength[length] { return cached }
        let half = length / 2
        var c = [Double](repeating: 0, count: half)
        var s = [Double](repeating: 0, count: half)
        for k in 0..<half {
            let angle = 2 * Double.pi * Double(k) / Double(length)
            c[k] = cos(angle)
            s[k] = sin(angle)
        }
        tablesByLength[length] = (c, s)
        return (c, s)
    }
}

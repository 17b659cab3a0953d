import Foundation

/// Formats doubles with a given number of significant digits, as C's `%.*g` does (shortest
/// of fixed and scientific notation, trailing zeros removed), straight into a byte buffer:
/// chain files hold millions of numbers, and `snprintf` plus `String` appends cost ~10× more.
///
/// Up to 15 digits, the digits come from rounding |x|·10^(digits−1−e) to an integer in floating
/// point, so in a rare near-tie the last digit may round the other way than `%g` would; the
/// value written is within a unit of its last digit. From 16 digits on (where that rounding is
/// not exact enough) it calls the C library. NaN is written `nan`, infinities `inf`/`-inf`.
public struct DecimalFormatter {
    let digits: Int
    private let powers: [Double]

    init(significantDigits: Int) {
        digits = max(1, min(significantDigits, 17))
        powers = (0...40).map { Foundation.pow(10, Double($0)) }
    }

    private func power10(_ e: Int) -> Double {
        e >= 0
            ? (e <= 40 ? powers[e] : Foundation.pow(10, Double(e)))
            : (e >= -40 ? 1 / powers[-e] : Foundation.pow(10, Double(e)))
    }

    func append(_ x: Double, to out: inout [UInt8]) {
        if x.isNaN { out += [0x6E, 0x61, 0x6E]; return }
        if x.isInfinite { if x < 0 { out.append(0x2D) }; out += [0x69, 0x6E, 0x66]; return }
        if x == 0 { out.append(0x30); return }
        if x == x.rounded(), abs(x) < 1e15, abs(x) < power10(digits) {
            appendInteger(Int64(x), to: &out)
            return
        }
        if digits > 15 {
            var buffer = [CChar](repeating: 0, count: 40)
            buffer.withUnsafeMutableBufferPointer { p in
                _ = withVaList([Int32(digits), x]) { vsnprintf(p.baseAddress!, 40, "%.*g", $0) }
                var i = 0
                while p[i] != 0 { out.append(UInt8(bitPattern: p[i])); i += 1 }
            }
            return
        }
        if x < 0 { out.append(0x2D) }
        let magnitude = abs(x)
        var exponent = Int(Foundation.floor(Foundation.log10(magnitude)))
        let scale = digits - 1 - exponent
        // Two factors keep 10^scale finite for subnormal inputs (scale up to ~340).
        var mantissa = (scale > 300 ? magnitude * 1e300 * power10(scale - 300) : magnitude * power10(scale)).rounded()
        let limit = power10(digits)
        if mantissa >= limit { mantissa /= 10; mantissa.round(); exponent += 1 }
        if mantissa < limit / 10 { mantissa *= 10; exponent -= 1 }
        var digitsOut = [UInt8](repeating: 0x30, count: digits)
        var m = UInt64(mantissa)
        for i in stride(from: digits - 1, through: 0, by: -1) {
            digitsOut[i] = 0x30 + UInt8(m % 10)
            m /= 10
        }
        var significant = digits
        while significant > 1 && digitsOut[significant - 1] == 0x30 { significant -= 1 }
        if exponent < -4 || exponent >= digits {
            out.append(digitsOut[0])
            if significant > 1 {
                out.append(0x2E)
                out += digitsOut[1..<significant]
            }
            out.append(0x65)
            out.append(exponent < 0 ? 0x2D : 0x2B)
            let e = abs(exponent)
            if e < 10 { out.append(0x30) }
            appendInteger(Int64(e), to: &out)
        } else if exponent >= 0 {
            let integerDigits = exponent + 1
            out += digitsOut[0..<min(integerDigits, significant)]
            if integerDigits > significant { out += [UInt8](repeating: 0x30, count: integerDigits - significant) }
            if significant > integerDigits {
                out.append(0x2E)
                out += digitsOut[integerDigits..<significant]
            }
        } else {
            out += [0x30, 0x2E]
            out += [UInt8](repeating: 0x30, count: -exponent - 1)
            out += digitsOut[0..<significant]
        }
    }

    private func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2D) }
        var v = value.magnitude
        var buffer = [UInt8]()
        repeat {
            buffer.append(0x30 + UInt8(v % 10))
            v /= 10
        } while v > 0
        out += buffer.reversed()
    }

    func string(_ x: Double) -> String {
        var out = [UInt8]()
        append(x, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

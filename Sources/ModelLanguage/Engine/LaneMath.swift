/// Exponential and logarithm kernels on four lanes at once (`SIMD4<Double>`: one AVX2 register),
/// for the lane machine's whole-vector loops across subjects. libm's `exp` and `log1p` are scalar calls;
/// these are plain arithmetic, bit manipulation and (for the exponential) a 64-entry table,
/// branch-free, with fused multiply-adds.
///
/// Accuracy: within a few units in the last place over the documented ranges (tested against
/// Foundation's `exp`, `log`, `log1p`: worst relative error < 1e-15).
public typealias Lanes = SIMD4<Double>

/// 1.5 · 2⁵²: adding it rounds a double of magnitude < 2⁵¹ to the nearest integer, which then
/// sits in the low bits of the sum's bit pattern.
@usableFromInline let roundingShifter = 6_755_399_441_055_744.0
@usableFromInline let log2e = 1.442_695_040_888_963_4
/// ln 2 split in a high part with trailing zero bits (exact products with small integers) and
/// the remainder (Cody & Waite 1980).
@usableFromInline let ln2High = 0.693_147_180_369_123_816_49
@usableFromInline let ln2Low = 1.908_214_929_270_587_700_02e-10

/// 2^(j/64) for j = 0…63, each the double nearest the exact value (computed to 60 digits):
/// the table of Tang's method (Tang 1989, "Table-driven implementation of the exponential
/// function in IEEE floating-point arithmetic"), read as a pointer so the kernels' loops load
/// it once (a global array would be checked for initialisation at every call).
@usableFromInline nonisolated(unsafe) let exp2SixtyFourths: UnsafePointer<Double> = {
    let values: [Double] = [
        0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0, 0x1.0874518759bc8p+0,
        0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0, 0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0,
        0x1.172b83c7d517bp+0, 0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
        0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0, 0x1.2d285a6e4030bp+0,
        0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0, 0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0,
        0x1.3dea64c123422p+0, 0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
        0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0, 0x1.56f4736b527dap+0,
        0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0, 0x1.6247eb03a5585p+0, 0x1.6623882552225p+0,
        0x1.6a09e667f3bcdp+0, 0x1.6dfb23c651a2fp+0, 0x1.71f75e8ec5f74p+0, 0x1.75feb564267c9p+0,
        0x1.7a11473eb0187p+0, 0x1.7e2f336cf4e62p+0, 0x1.82589994cce13p+0, 0x1.868d99b4492edp+0,
        0x1.8ace5422aa0dbp+0, 0x1.8f1ae99157736p+0, 0x1.93737b0cdc5e5p+0, 0x1.97d829fde4e50p+0,
        0x1.9c49182a3f090p+0, 0x1.a0c667b5de565p+0, 0x1.a5503b23e255dp+0, 0x1.a9e6b5579fdbfp+0,
        0x1.ae89f995ad3adp+0, 0x1.b33a2b84f15fbp+0, 0x1.b7f76f2fb5e47p+0, 0x1.bcc1e904bc1d2p+0,
        0x1.c199bdd85529cp+0, 0x1.c67f12e57d14bp+0, 0x1.cb720dcef9069p+0, 0x1.d072d4a07897cp+0,
        0x1.d5818dcfba487p+0, 0x1.da9e603db3285p+0, 0x1.dfc97337b9b5fp+0, 0x1.e502ee78b3ff6p+0,
        0x1.ea4afa2a490dap+0, 0x1.efa1bee615a27p+0, 0x1.f50765b6e4540p+0, 0x1.fa7c1819e90d8p+0
    ]
    let table = UnsafeMutablePointer<Double>.allocate(capacity: values.count)
    table.initialize(from: values, count: values.count)
    return UnsafePointer(table)
}()

/// The shared core of `expNonPositive` and `laneExp`: x = (k/64)·ln2 + r with |r| ≤ ln2/128
/// (Cody–Waite reduction: k·ln2High/64 is exact), so e^x = 2^⌊k/64⌋ · 2^((k mod 64)/64) · e^r,
/// the middle factor from `exp2SixtyFourths` and e^r − 1 by its Taylor polynomial of degree 5
/// (truncation error < 4e−17 relative). Returns 2^((k mod 64)/64)·e^r (in [2^(−1/128), 2)) and
/// ⌊k/64⌋, the power of two still to apply.
///
/// Against the plain degree-12 polynomial on |r| ≤ ln2/2 this is 7 fused multiply-adds fewer
/// for four table loads: 0.87 instead of 1.46 ns per lane in a loop on the development machine.
@inlinable @inline(__always)
func expReduced(_ x: Lanes) -> (power: Lanes, exponent: SIMD4<Int64>) {
    // x·64·log2e + shifter rounds once, to the integer k in the low bits of the sum.
    let shifted = Lanes(repeating: roundingShifter).addingProduct(x, 64 * log2e)
    let n = shifted - roundingShifter
    let r = x.addingProduct(-n, ln2High / 64).addingProduct(-n, ln2Low / 64)
    let k =
        unsafeBitCast(shifted, to: SIMD4<Int64>.self)
        &- unsafeBitCast(Lanes(repeating: roundingShifter), to: SIMD4<Int64>.self)
    let i = k & 63
    let table = exp2SixtyFourths
    let t = Lanes(table[Int(i[0])], table[Int(i[1])], table[Int(i[2])], table[Int(i[3])])
    // e^r − 1 = r + r²·(1/2 + r/6 + r²·(1/24 + r/120)).
    let r2 = r * r
    let a = Lanes(repeating: 1.0 / 2).addingProduct(r, Lanes(repeating: 1.0 / 6))
    let b = Lanes(repeating: 1.0 / 24).addingProduct(r, Lanes(repeating: 1.0 / 120))
    let q = r.addingProduct(r2, a.addingProduct(b, r2))
    return (t.addingProduct(t, q), k &>> 6)
}

/// e^y for y ≤ 0, lane-wise. Values below −708 are clamped there (e^−708 ≈ 3e−308, near the
/// smallest normal double), so the result is never subnormal and never 0; −∞ gives e^−708;
/// NaN gives NaN.
///
/// Method: `expReduced`, then 2^⌊k/64⌋ assembled in the exponent bits (a normal number: the
/// clamp keeps ⌊k/64⌋ ≥ −1022).
@inlinable @inline(__always)
public func expNonPositive(_ y: Lanes) -> Lanes {
    expModerate(y.replacing(with: -708, where: y .< -708))
}

/// e^x for −708 ≤ x ≤ 709, lane-wise, by `expReduced` and 2^⌊k/64⌋ assembled in the exponent
/// bits. No clamp: outside that range (or for NaN) the result is meaningless, and computing it
/// never traps, so callers check the range themselves.
@inlinable @inline(__always)
public func expModerate(_ x: Lanes) -> Lanes {
    let (p, exponent) = expReduced(x)
    return p * unsafeBitCast((exponent &+ 1023) &<< 52, to: Lanes.self)
}

/// 2·atanh(s) = log((1+s)/(1−s)) for |s| ≤ 0.1716 (= (√2−1)/(√2+1)), by its odd series up to
/// s¹⁹ (truncation error < 3e−17 relative).
@inlinable @inline(__always)
func twiceAtanhSmall(_ s: Lanes) -> Lanes {
    // Estrin's scheme in u = s² (depth 4 instead of Horner's 9).
    let u = s * s, u2 = u * u, u4 = u2 * u2, u8 = u4 * u4
    let a0 = Lanes(repeating: 1).addingProduct(u, Lanes(repeating: 1.0 / 3))
    let a1 = Lanes(repeating: 1.0 / 5).addingProduct(u, Lanes(repeating: 1.0 / 7))
    let a2 = Lanes(repeating: 1.0 / 9).addingProduct(u, Lanes(repeating: 1.0 / 11))
    let a3 = Lanes(repeating: 1.0 / 13).addingProduct(u, Lanes(repeating: 1.0 / 15))
    let a4 = Lanes(repeating: 1.0 / 17).addingProduct(u, Lanes(repeating: 1.0 / 19))
    let b0 = a0.addingProduct(a1, u2), b1 = a2.addingProduct(a3, u2)
    let d0 = b0.addingProduct(b1, u4)
    let p = d0.addingProduct(a4, u8)
    return 2 * s * p
}

/// log(1 + e) for e ∈ [0, 1], lane-wise, accurate relative to the result even for tiny e.
///
/// With u = 1 + e: when u ≤ √2, log u = 2·atanh(e / (2 + e)); otherwise log u = ln 2 +
/// log(u/2) = ln 2 + 2·atanh((e − 1) / (3 + e)). Both arguments are formed from e directly,
/// so nothing cancels.
@inlinable @inline(__always)
public func log1pUnit(_ e: Lanes) -> Lanes {
    let (numerator, denominator, base) = log1pUnitReduction(e)
    return base + twiceAtanhSmall(numerator / denominator)
}

/// The range reduction of `log1pUnit`: log(1 + e) = base + 2·atanh(numerator / denominator).
@inlinable @inline(__always)
func log1pUnitReduction(_ e: Lanes) -> (numerator: Lanes, denominator: Lanes, base: Lanes) {
    let high = e .> 0.414_213_562_373_095_0
    let numerator = e.replacing(with: e - 1, where: high)
    let denominator = (e + 2).replacing(with: e + 3, where: high)
    let base = Lanes(repeating: 0).replacing(with: ln2High + ln2Low, where: high)
    return (numerator, denominator, base)
}

/// Natural logarithm of positive, normal, finite lanes.
///
/// x = 2^m · f with f ∈ [√½, √2) read from the bits, log x = m·ln 2 + 2·atanh((f−1)/(f+1)).
/// Zero, negative, subnormal, infinite or NaN lanes give meaningless values: callers pass sums
/// of exponentials ≥ 1.
@inlinable @inline(__always)
public func logPositive(_ x: Lanes) -> Lanes {
    let sqrtHalfBits: UInt64 = 0x3FE6_A09E_667F_3BCD
    // Shift the bits so that the exponent field of `adjusted` is m + 1023 with f ∈ [√½, √2).
    let adjusted = unsafeBitCast(x, to: SIMD4<UInt64>.self) &+ (0x3FF0_0000_0000_0000 &- sqrtHalfBits)
    let exponent = unsafeBitCast(adjusted &>> 52, to: SIMD4<Int64>.self) &- 1023
    let m = Lanes(exponent)
    let f = unsafeBitCast((adjusted & 0x000F_FFFF_FFFF_FFFF) &+ sqrtHalfBits, to: Lanes.self)
    let s = (f - 1) / (f + 1)
    return m * ln2High + (twiceAtanhSmall(s) + m * ln2Low)
}

/// e^x for any x, lane-wise, as accurate as `expNonPositive` (relative error < 1e−15):
/// +∞ above 709.78, gradual underflow to 0 below −708 (subnormal results, then 0 below
/// −745.2), NaN → NaN.
///
/// Method: as `expNonPositive`, with 2ⁿ (n = ⌊k/64⌋) applied as two normal factors
/// 2^⌊n/2⌋·2^(n−⌊n/2⌋), so that results between the smallest normal and the largest finite
/// double are exact in the exponent.
@inlinable @inline(__always)
public func laneExp(_ y: Lanes) -> Lanes {
    // Clamped by selects (SIMD's clamped() is a generic call per element).
    let x = y.replacing(with: -746, where: y .< -746).replacing(with: 710, where: y .> 710)
    let (p, whole) = expReduced(x)
    let half = whole &>> 1
    let rest = whole &- half
    let f1 = unsafeBitCast((half &+ 1023) &<< 52, to: Lanes.self)
    let f2 = unsafeBitCast((rest &+ 1023) &<< 52, to: Lanes.self)
    let result = p * f1 * f2
    return
        result
        .replacing(with: .infinity, where: y .> 709.782_712_893_384)
        .replacing(with: 0, where: y .< -745.2)
        .replacing(with: y, where: y .!= y)
}

/// Natural logarithm of any lanes: log of a positive finite value (subnormals included),
/// −∞ at 0, +∞ at +∞, NaN for negative values and NaN. Relative error < 1e−15.
@inlinable @inline(__always)
public func laneLog(_ x: Lanes) -> Lanes {
    // Subnormals are scaled into the normal range by 2^54 first.
    let tiny = x .< 2.2250738585072014e-308
    let scaled = x.replacing(with: x * 18_014_398_509_481_984.0, where: tiny)
    var y = logPositive(scaled)
    y = y.replacing(with: y - 54 * 0.693_147_180_559_945_3, where: tiny)
    return
        y
        .replacing(with: -.infinity, where: x .== 0)
        .replacing(with: .infinity, where: x .== .infinity)
        .replacing(with: .nan, where: (x .< 0) .| (x .!= x))
}

/// log(1 + x) for any x ≥ −1, lane-wise, accurate relative to the result for tiny x:
/// 2·atanh(x / (2 + x)) near 0, else log(u) + (x − (u − 1))/u with u = 1 + x (the rounding
/// of u corrected to first order); x itself for |x| < 2⁻⁵⁴, where log(1 + x) rounds to x (and
/// x / (2 + x) would drop bits of a subnormal x). −1 → −∞; below −1 or NaN → NaN.
@inlinable @inline(__always)
public func laneLog1p(_ x: Lanes) -> Lanes {
    let small = (x .> -0.29) .& (x .< 0.41)
    let series = twiceAtanhSmall(x / (x + 2))
    let u = x + 1
    let corrected = laneLog(u) + (x - (u - 1)) / u
    return corrected.replacing(with: series, where: small)
        .replacing(with: x, where: laneAbs(x) .< 0x1p-54)
        .replacing(with: -.infinity, where: x .== -1)
        .replacing(with: .infinity, where: x .== .infinity)
}

/// e^x − 1, lane-wise, accurate relative to the result for tiny x (Kahan's method:
/// (u − 1)·x / log u with u = e^x rounded). +∞ → +∞, −∞ → −1, NaN → NaN.
@inlinable @inline(__always)
public func laneExpm1(_ x: Lanes) -> Lanes {
    let u = laneExp(x)
    let kahan = (u - 1) * x / laneLog(u)
    return
        kahan
        .replacing(with: x, where: u .== 1)
        .replacing(with: u - 1, where: (x .> 30) .| (x .< -30))
}

/// The logistic function 1 / (1 + e^−x), lane-wise, without overflow for either sign
/// (e^−|x| is formed, never e^|x|), relative error < 1e−15 down to the smallest normal
/// result: for x < −37 it is e^x (gradually subnormal below −708.4, 0 below −745.2), for
/// x > 37 exactly 1. NaN → NaN.
@inlinable @inline(__always)
public func laneLogistic(_ x: Lanes) -> Lanes {
    let magnitude = laneAbs(x)
    // laneExp, not expNonPositive: that clamps at −708, which would hold the left tail at e^−708.
    let e = laneExp(-magnitude)
    let positive = 1 / (1 + e)
    return positive.replacing(with: e * positive, where: x .< 0)
}

/// |x|, lane-wise (the sign bit cleared; NaN stays NaN).
@inlinable @inline(__always)
public func laneAbs(_ x: Lanes) -> Lanes {
    unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt64>.self) & 0x7FFF_FFFF_FFFF_FFFF, to: Lanes.self)
}

/// Exponential and logarithm kernels on four lanes at once (`SIMD4<Double>`: one AVX2 register),
/// for the lane machine's whole-vector loops across subjects. libm's `exp` and `log1p` are scalar calls;
/// these are plain arithmetic and bit manipulation, branch-free, with fused multiply-adds.
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

/// The shared core of `expNonPositive` and `laneExp`: x = n·ln2 + r with |r| ≤ ln2/2
/// (Cody–Waite reduction), e^r by its Taylor polynomial of degree 12 (truncation error
/// < 2e−16); returns e^r and x·log2e + `roundingShifter`, whose low bits hold n.
@inlinable @inline(__always)
func expReduced(_ x: Lanes) -> (power: Lanes, shifted: Lanes) {
    // Fused multiply-adds: x·log2e + shifter rounds once (to the integer n, ties aside: any
    // n within one of the nearest keeps |r| ≤ ln2/2 + ulp), and n·ln2High is exact.
    let shifted = Lanes(repeating: roundingShifter).addingProduct(x, log2e)
    let n = shifted - roundingShifter
    let r = x.addingProduct(-n, ln2High).addingProduct(-n, ln2Low)
    // Estrin's scheme: the 13 coefficients in pairs, then by r², r⁴, r⁸ — a dependency depth
    // of 5 instead of Horner's 12, so the loops across subjects overlap more iterations.
    let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
    let a0 = Lanes(repeating: 1).addingProduct(r, Lanes(repeating: 1))
    let a1 = Lanes(repeating: 1.0 / 2).addingProduct(r, Lanes(repeating: 1.0 / 6))
    let a2 = Lanes(repeating: 1.0 / 24).addingProduct(r, Lanes(repeating: 1.0 / 120))
    let a3 = Lanes(repeating: 1.0 / 720).addingProduct(r, Lanes(repeating: 1.0 / 5_040))
    let a4 = Lanes(repeating: 1.0 / 40_320).addingProduct(r, Lanes(repeating: 1.0 / 362_880))
    let a5 = Lanes(repeating: 1.0 / 3_628_800).addingProduct(r, Lanes(repeating: 1.0 / 39_916_800))
    let a6 = Lanes(repeating: 1.0 / 479_001_600)
    let b0 = a0.addingProduct(a1, r2), b1 = a2.addingProduct(a3, r2), b2 = a4.addingProduct(a5, r2)
    let d0 = b0.addingProduct(b1, r4), d1 = b2.addingProduct(a6, r4)
    return (d0.addingProduct(d1, r8), shifted)
}

/// e^y for y ≤ 0, lane-wise. Values below −708 are clamped there (e^−708 ≈ 3e−308, near the
/// smallest normal double), so the result is never subnormal and never 0; −∞ gives e^−708;
/// NaN gives NaN.
///
/// Method: `expReduced`, then 2ⁿ assembled in the exponent bits.
@inlinable @inline(__always)
public func expNonPositive(_ y: Lanes) -> Lanes {
    let x = y.replacing(with: -708, where: y .< -708)
    let (p, shifted) = expReduced(x)
    let bits = (unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &+ 1023) &<< 52
    return p * unsafeBitCast(bits, to: Lanes.self)
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
/// Method: as `expNonPositive`, with 2ⁿ applied as two normal factors 2^⌊n/2⌋·2^(n−⌊n/2⌋) so
/// that results between the smallest normal and the largest finite double are exact in the
/// exponent.
@inlinable @inline(__always)
public func laneExp(_ y: Lanes) -> Lanes {
    // Clamped by selects (SIMD's clamped() is a generic call per element).
    let x = y.replacing(with: -746, where: y .< -746).replacing(with: 710, where: y .> 710)
    let (p, shifted) = expReduced(x)
    let whole =
        unsafeBitCast(shifted, to: SIMD4<Int64>.self)
        &- unsafeBitCast(Lanes(repeating: roundingShifter), to: SIMD4<Int64>.self)
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

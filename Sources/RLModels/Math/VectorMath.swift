/// Branch-free exponential and logarithm kernels written so that the compiler vectorizes the
/// loops that call them across subjects (AVX2 + FMA on x86-64). libm's `exp` and `log1p` are
/// calls the vectorizer cannot see through; these are plain arithmetic and bit manipulation.
///
/// Accuracy: within a few units in the last place over the documented ranges (tested against
/// Foundation's `exp`, `log`, `log1p`, worst relative error < 1e-15).

/// 1.5 · 2⁵²: adding it rounds a double of magnitude < 2⁵¹ to the nearest integer, which then
/// sits in the low bits of the sum's bit pattern.
@usableFromInline let roundingShifter = 6_755_399_441_055_744.0
@usableFromInline let log2e = 1.442_695_040_888_963_4
/// ln 2 split in a high part with trailing zero bits (exact products with small integers) and
/// the remainder (Cody & Waite 1980).
@usableFromInline let ln2High = 0.693_147_180_369_123_816_49
@usableFromInline let ln2Low = 1.908_214_929_270_587_700_02e-10

/// e^y for y ≤ 0. Values below −708 are clamped there (e^−708 ≈ 3e−308, near the smallest
/// normal double), so the result is never subnormal and never 0; −∞ gives e^−708; NaN gives NaN.
///
/// Method: y = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite reduction), e^r by its Taylor polynomial
/// of degree 12 (truncation error < 2e−16), and 2ⁿ assembled in the exponent bits.
@inlinable @inline(__always)
public func expNonPositive(_ y: Double) -> Double {
    let x = max(y, -708.0)
    let t = (x * log2e) + roundingShifter
    let n = t - roundingShifter
    let r = (x - n * ln2High) - n * ln2Low
    var p = 1.0 / 479_001_600.0
    p = p * r + 1.0 / 39_916_800.0
    p = p * r + 1.0 / 3_628_800.0
    p = p * r + 1.0 / 362_880.0
    p = p * r + 1.0 / 40_320.0
    p = p * r + 1.0 / 5_040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    let scale = Double(bitPattern: (t.bitPattern &+ 1023) &<< 52)
    return p * scale
}

/// 2·atanh(s) = log((1+s)/(1−s)) for |s| ≤ 0.1716 (= (√2−1)/(√2+1)), by its odd series up to
/// s¹⁹ (truncation error < 3e−17 relative).
@inlinable @inline(__always)
func twiceAtanhSmall(_ s: Double) -> Double {
    let s2 = s * s
    var p = 1.0 / 19.0
    p = p * s2 + 1.0 / 17.0
    p = p * s2 + 1.0 / 15.0
    p = p * s2 + 1.0 / 13.0
    p = p * s2 + 1.0 / 11.0
    p = p * s2 + 1.0 / 9.0
    p = p * s2 + 1.0 / 7.0
    p = p * s2 + 1.0 / 5.0
    p = p * s2 + 1.0 / 3.0
    p = p * s2 + 1.0
    return 2 * s * p
}

/// log(1 + e) for e ∈ [0, 1], accurate relative to the result even for tiny e.
///
/// With u = 1 + e: when u ≤ √2, log u = 2·atanh(e / (2 + e)); otherwise log u = ln 2 +
/// log(u/2) = ln 2 + 2·atanh((e − 1) / (3 + e)). Both arguments are formed from e directly,
/// so nothing cancels.
@inlinable @inline(__always)
public func log1pUnit(_ e: Double) -> Double {
    let high = e > 0.414_213_562_373_095_0
    let num = high ? e - 1 : e
    let den = high ? e + 3 : e + 2
    let base = high ? ln2High + ln2Low : 0
    return base + twiceAtanhSmall(num / den)
}

/// Natural logarithm of a positive, normal, finite x.
///
/// x = 2^m · f with f ∈ [√½, √2) read from the bits, log x = m·ln 2 + 2·atanh((f−1)/(f+1)).
/// Zero, negative, subnormal, infinite or NaN inputs give meaningless values: callers pass sums
/// of exponentials ≥ 1.
@inlinable @inline(__always)
public func logPositive(_ x: Double) -> Double {
    let bits = x.bitPattern
    // Bias the mantissa so that f lands in [√½, √2): add the bits of (√2 − 1)·2⁵² to the
    // mantissa before splitting off the exponent.
    let adjusted = bits &+ (0x3FF0_0000_0000_0000 &- 0x3FE6_A09E_667F_3BCD)
    let m = Double(Int64(bitPattern: adjusted >> 52) &- 1023)
    let fBits = (adjusted & 0x000F_FFFF_FFFF_FFFF) &+ 0x3FE6_A09E_667F_3BCD
    let f = Double(bitPattern: fBits)
    let s = (f - 1) / (f + 1)
    return m * ln2High + (twiceAtanhSmall(s) + m * ln2Low)
}

import Foundation

/// Sorting work shared by the rank-based diagnostics: the ascending order of a set of draws,
/// the fractional ranks that order implies, and the order of the folded draws |x − median|,
/// which follows from the first by a linear merge (no second sort).
struct SortOrder {
    /// Indices of the values in ascending order (stable among ties).
    let indices: [Int32]

    /// Sorts `values` (which must be free of NaN) by a stable LSD radix sort on order-
    /// preserving 64-bit keys, 11 bits per pass, skipping passes where every key shares the
    /// digit: a few linear passes instead of a comparison sort.
    init(_ values: [Double]) {
        let n = values.count
        var keys = [UInt64](repeating: 0, count: n)
        var order = [Int32](repeating: 0, count: n)
        var scratchKeys = [UInt64](repeating: 0, count: n)
        var scratchOrder = [Int32](repeating: 0, count: n)
        let radixBits = 11
        let buckets = 1 << radixBits
        let passes = (64 + radixBits - 1) / radixBits
        var counts = [Int](repeating: 0, count: buckets * passes)
        values.withUnsafeBufferPointer { v in
            keys.withUnsafeMutableBufferPointer { k in
                counts.withUnsafeMutableBufferPointer { h in
                    for i in 0..<n {
                        let key = SortOrder.orderKey(v[i])
                        k[i] = key
                        for p in 0..<passes {
                            h[p * buckets + Int((key >> UInt64(p * radixBits)) & UInt64(buckets - 1))] += 1
                        }
                    }
                }
            }
        }
        for i in 0..<n { order[i] = Int32(i) }
        counts.withUnsafeMutableBufferPointer { h in
            for p in 0..<passes {
                let base = p * buckets
                // Skip a pass whose digit is the same for every key.
                var trivial = false
                for b in 0..<buckets where h[base + b] != 0 {
                    trivial = h[base + b] == n
                    break
                }
                if trivial { continue }
                var running = 0
                for b in 0..<buckets {
                    let c = h[base + b]
                    h[base + b] = running
                    running += c
                }
                let shift = UInt64(p * radixBits)
                keys.withUnsafeBufferPointer { k in
                    order.withUnsafeBufferPointer { o in
                        scratchKeys.withUnsafeMutableBufferPointer { sk in
                            scratchOrder.withUnsafeMutableBufferPointer { so in
                                for i in 0..<n {
                                    let key = k[i]
                                    let digit = base + Int((key >> shift) & UInt64(buckets - 1))
                                    let slot = h[digit]
                                    h[digit] = slot + 1
                                    sk[slot] = key
                                    so[slot] = o[i]
                                }
                            }
                        }
                    }
                }
                swap(&keys, &scratchKeys)
                swap(&order, &scratchOrder)
            }
        }
        indices = order
    }

    /// A key whose unsigned order is the numeric order of doubles: flip every bit of a
    /// negative number, only the sign bit of a non-negative one. Adding 0.0 first turns −0
    /// into +0 so the two zeros tie, as they compare equal.
    @inline(__always)
    static func orderKey(_ x: Double) -> UInt64 {
        let bits = (x + 0.0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    init(indices: [Int32]) { self.indices = indices }

    /// The values in ascending order.
    func sorted(_ values: [Double]) -> [Double] {
        values.withUnsafeBufferPointer { v in indices.map { v[Int($0)] } }
    }

    /// Fractional (tie-averaged, 1-based) ranks of `values`, which this order sorts: a run of
    /// equal values at sorted positions i..<j gets rank (i + 1 + j)/2, as
    /// `scipy.stats.rankdata(method="average")`.
    func fractionalRanks(_ values: [Double]) -> [Double] {
        let n = values.count
        var ranks = [Double](repeating: 0, count: n)
        values.withUnsafeBufferPointer { v in
            indices.withUnsafeBufferPointer { o in
                ranks.withUnsafeMutableBufferPointer { r in
                    var i = 0
                    while i < n {
                        let value = v[Int(o[i])]
                        var j = i + 1
                        while j < n && v[Int(o[j])] == value { j += 1 }
                        let rank = Double(i + 1 + j) / 2
                        for k in i..<j { r[Int(o[k])] = rank }
                        i = j
                    }
                }
            }
        }
        return ranks
    }

    /// Folds `values` about `center` (|x − center|, computed exactly as written) and returns
    /// the folded values with their ascending order. Below the center the folded values
    /// decrease along this order, above it they increase, so merging the two runs sorts them.
    func folded(_ values: [Double], about center: Double) -> (values: [Double], order: SortOrder) {
        let n = values.count
        let foldedValues = values.map { abs($0 - center) }
        var merged = [Int32]()
        merged.reserveCapacity(n)
        foldedValues.withUnsafeBufferPointer { f in
            indices.withUnsafeBufferPointer { o in
                values.withUnsafeBufferPointer { v in
                    // Split point: first sorted position whose value is ≥ center.
                    var split = 0
                    while split < n && v[Int(o[split])] < center { split += 1 }
                    var below = split - 1 // walks down: folded values ascending
                    var above = split // walks up: folded values ascending
                    while below >= 0 || above < n {
                        if above >= n {
                            merged.append(o[below]); below -= 1
                        } else if below < 0 {
                            merged.append(o[above]); above += 1
                        } else if f[Int(o[below])] < f[Int(o[above])] {
                            merged.append(o[below]); below -= 1
                        } else {
                            merged.append(o[above]); above += 1
                        }
                    }
                }
            }
        }
        return (foldedValues, SortOrder(indices: merged))
    }
}

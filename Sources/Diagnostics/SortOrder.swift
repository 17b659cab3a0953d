import Foundation

/// Sorting work shared by the rank-based diagnostics: the ascending order of a set of draws,
/// the fractional ranks that order implies, and the order of the folded draws |x − median|,
/// which follows from the first by a linear merge (no second sort).
struct SortOrder {
    /// Indices of the values in ascending order (stable among ties).
    let indices: [Int32]

    /// Sorts `values` (which must be free of NaN).
    init(_ values: [Double]) {
        var pairs = [(Double, Int32)]()
        pairs.reserveCapacity(values.count)
        for (i, v) in values.enumerated() { pairs.append((v, Int32(i))) }
        pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        indices = pairs.map { $0.1 }
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
                    var below = split - 1  // walks down: folded values ascending
                    var above = split      // walks up: folded values ascending
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

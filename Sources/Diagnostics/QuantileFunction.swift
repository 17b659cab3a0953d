/// Sample quantiles of `values` at each probability in `probabilities`, by numpy's default
/// ("linear", type 7) interpolation, the definition ArviZ's summaries use. NaN if `values` is
/// empty or holds a NaN.
public func quantiles(_ values: [Double], probabilities: [Double]) -> [Double] {
    guard !values.isEmpty, !values.contains(where: { $0.isNaN }) else { return probabilities.map { _ in .nan } }
    let sorted = values.sorted()
    return sorted.withUnsafeBufferPointer { p in probabilities.map { Quantiles.numpyLinear(sorted: p, $0) } }
}

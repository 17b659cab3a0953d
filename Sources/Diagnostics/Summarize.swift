import Foundation
import ParallelWork

/// Summarizes the draws of one scalar quantity (see ``ParameterSummary`` for the
/// definitions). Sorts the draws once for the quantiles, the ranks and the folded ranks.
public func summarize(name: String, draws: ChainDraws) -> ParameterSummary {
    let values = draws.values
    guard !values.isEmpty, draws.allFinite else { return .undefined(name: name) }

    let count = Double(values.count)
    var sum = 0.0
    for v in values { sum += v }
    let mean = sum / count
    let sd = sampleVariance(values).squareRoot()

    let hasDiagnostics = Convergence.valid(draws, minChains: 1)
    let split = hasDiagnostics ? draws.split() : draws
    let splitOrder = hasDiagnostics ? SortOrder(split.values) : nil
    // For an even number of draws per chain the split draws are all the draws.
    let sorted: [Double]
    if let splitOrder, draws.drawsPerChain % 2 == 0 {
        sorted = splitOrder.sorted(split.values)
    } else {
        sorted = values.sorted()
    }
    let (q5, q50, q95) = sorted.withUnsafeBufferPointer {
        (
            Quantiles.numpyLinear(sorted: $0, 0.05), Quantiles.numpyLinear(sorted: $0, 0.5),
            Quantiles.numpyLinear(sorted: $0, 0.95)
        )
    }

    var summary = ParameterSummary(
        name: name, mean: mean, sd: sd, mcseMean: .nan, q5: q5, q50: q50,
        q95: q95, essBulk: .nan, essTail: .nan, rhat: .nan)
    guard let splitOrder else { return summary }

    let essMean = effectiveSampleSize(split)
    summary.mcseMean = sd / essMean.squareRoot()
    summary.essBulk = effectiveSampleSize(RankNormalization.zScale(split, order: splitOrder))
    summary.essTail = Convergence.essTail(draws, sorted: sorted)
    if draws.chainCount >= 2 {
        summary.rhat = Convergence.splitRHat(split: split, order: splitOrder)
    }
    return summary
}

/// ``summarize(name:draws:)`` of chains given as one array each.
public func summarize(name: String, chains: [[Double]]) -> ParameterSummary {
    summarize(name: name, draws: ChainDraws(chains))
}

/// Summarizes many quantities at once, in parallel over quantities.
///
/// `drawTables[c]` holds chain c as a row-major draws × quantities table, the layout of a
/// Stan CSV body: draw d of quantity k is `drawTables[c][d * names.count + k]`. All chains
/// must have the same number of draws. Returns one summary per name, in order.
///
/// Cost: a radix sort and a few linear passes per quantity, plus FFTs only for quantities
/// whose autocorrelation outlives 64 lags. Measured in a release build on 2 cores:
/// 1000 quantities × 4 chains × 1000 draws in 0.16 s (0.31 s on one thread).
public func summarize(names: [String], drawTables: [[Double]]) -> [ParameterSummary] {
    let k = names.count
    guard k > 0 else { return [] }
    precondition(!drawTables.isEmpty, "summarize: no chains")
    let drawCount = drawTables[0].count / k
    precondition(
        drawTables.allSatisfy { $0.count == drawCount * k },
        "summarize: every chain table must hold draws × \(k) values, with the same draw count")
    let chainCount = drawTables.count

    let blockSize = 8
    let blocks = (k + blockSize - 1) / blockSize
    let perBlock = ParallelMap.map(Array(0..<blocks), threads: ProcessInfo.processInfo.activeProcessorCount) {
        block -> [ParameterSummary] in
        var column = [Double](repeating: 0, count: chainCount * drawCount)
        return ((block * blockSize)..<min((block + 1) * blockSize, k)).map { q in
            for c in 0..<chainCount {
                drawTables[c].withUnsafeBufferPointer { table in
                    for d in 0..<drawCount { column[c * drawCount + d] = table[d * k + q] }
                }
            }
            return summarize(name: names[q], draws: ChainDraws(chainMajor: column, chainCount: chainCount))
        }
    }
    return perBlock.flatMap { $0 }
}

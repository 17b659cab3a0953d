import Foundation

/// Draws of one scalar quantity from several Markov chains, stored chain-major in one flat
/// buffer: draw `d` of chain `c` is `values[c * drawsPerChain + d]`.
///
/// All chains have the same length (a ragged set is a programmer error and traps). This is
/// the input of every diagnostic in ``Convergence`` and of ``summarize(name:draws:)``; the
/// `[[Double]]` overloads build one of these.
public struct ChainDraws: Sendable, Equatable {
    /// Chain-major values, `chainCount × drawsPerChain` of them.
    public let values: [Double]
    /// Number of chains (M).
    public let chainCount: Int
    /// Number of draws in each chain (N).
    public let drawsPerChain: Int

    /// Chain-major flat storage. `values.count` must be a multiple of `chainCount`.
    public init(chainMajor values: [Double], chainCount: Int) {
        precondition(chainCount > 0, "ChainDraws needs at least one chain")
        precondition(
            values.count % chainCount == 0,
            "ChainDraws: \(values.count) values do not split into \(chainCount) equal chains")
        self.values = values
        self.chainCount = chainCount
        self.drawsPerChain = values.count / chainCount
    }

    /// One array per chain; all chains must have the same length.
    public init(_ chains: [[Double]]) {
        precondition(!chains.isEmpty, "ChainDraws needs at least one chain")
        let n = chains[0].count
        precondition(chains.allSatisfy { $0.count == n }, "ChainDraws: chains have different lengths")
        var flat = [Double]()
        flat.reserveCapacity(n * chains.count)
        for chain in chains { flat.append(contentsOf: chain) }
        self.init(chainMajor: flat, chainCount: chains.count)
    }

    /// The draws of chain `c`.
    public func chain(_ c: Int) -> ArraySlice<Double> {
        values[(c * drawsPerChain)..<((c + 1) * drawsPerChain)]
    }

    /// True when every draw is finite.
    var allFinite: Bool { values.allSatisfy { $0.isFinite } }

    /// Split chains as Vehtari et al. (2021) and ArviZ: each chain of N draws becomes its
    /// first ⌊N/2⌋ and its last ⌊N/2⌋ draws (the middle draw of an odd-length chain is
    /// dropped), giving 2M chains. The first halves come first, then the second halves
    /// (ArviZ's stacking order; the statistics do not depend on it).
    func split() -> ChainDraws {
        let half = drawsPerChain / 2
        var out = [Double]()
        out.reserveCapacity(2 * chainCount * half)
        values.withUnsafeBufferPointer { v in
            for c in 0..<chainCount {
                let start = c * drawsPerChain
                out.append(contentsOf: v[start..<(start + half)])
            }
            for c in 0..<chainCount {
                let end = (c + 1) * drawsPerChain
                out.append(contentsOf: v[(end - half)..<end])
            }
        }
        return ChainDraws(chainMajor: out, chainCount: 2 * chainCount)
    }

    /// The same chain layout with each value replaced.
    func mapValues(_ transform: (Double) -> Double) -> ChainDraws {
        ChainDraws(chainMajor: values.map(transform), chainCount: chainCount)
    }
}

import Foundation
import LinearAlgebra
import ParallelWork

extension Sampler {
    /// Runs the chains `chainIDs` on up to `threads` threads (at least 1, at most one per
    /// chain), each chain with its own model instance from `makeDensity(chainID)`, created on
    /// the thread that runs it. Results come back in `chainIDs` order and are identical
    /// whatever `threads` is: each chain's random numbers depend only on (seed, chain id).
    /// BLAS stays single-threaded (LinearAlgebra's `BLASThreading`: the parallelism is across chains).
    ///
    /// If a chain fails (bad initialization, failed step-size search, `makeDensity` throws),
    /// the other chains are cancelled and the first failure in `chainIDs` order is thrown.
    /// If `cancellation` is cancelled, every chain stops at its next iteration and the partial
    /// results are returned (`isComplete == false`).
    ///
    /// `makeObserver(chainID)` (on the chain's thread) gives each chain an observer (streamed
    /// files, checkpoints), `keepsDraws` false keeps no rows in the results, and a chain with a
    /// state in `resume` continues from it.
    ///
    /// `Density`'s metatype must be `Sendable` (true of every ordinary struct or class; the
    /// instances themselves need not be).
    public func runChains<Density: LogDensity & SendableMetatype>(
        chainIDs: [Int], threads: Int,
        makeDensity: @escaping @Sendable (Int) throws -> Density,
        progress: (@Sendable (ChainProgress) -> Void)? = nil,
        cancellation: CancellationToken? = nil,
        makeObserver: (@Sendable (Int) throws -> (any ChainObserver)?)? = nil,
        keepsDraws: Bool = true,
        resume: [Int: ChainState] = [:]
    ) throws -> [ChainResult] {
        try configuration.validate()
        precondition(Set(chainIDs).count == chainIDs.count, "chain ids must be distinct: \(chainIDs)")
        if chainIDs.isEmpty { return [] }
        // OpenBLAS is made single-threaded here, before any chain thread exists (not by the
        // first chain to call it: measured, that left a resumed chain's metric updates
        // differing in the last bits from the uninterrupted chain's).
        BLASThreading.ensureSingleThread()
        let internalCancellation = CancellationToken(parent: cancellation)
        let sampler = self
        let results = ParallelMap.map(chainIDs, threads: threads, name: "rlfit-chain-worker") {
            chainID -> Result<ChainResult, any Error> in
            do {
                let density = try makeDensity(chainID)
                let observer = try makeObserver?(chainID)
                return .success(
                    try sampler.runChain(
                        chainID: chainID, density: density, progress: progress,
                        cancellation: internalCancellation, observer: observer, keepsDraws: keepsDraws,
                        resumingFrom: resume[chainID]))
            } catch {
                internalCancellation.cancel()
                return .failure(error)
            }
        }
        // The first failure in chain order, if any.
        for case let .failure(error) in results { throw error }
        return try results.map { try $0.get() }
    }
}

import Foundation
import LinearAlgebra

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
        let workers = max(1, min(threads, chainIDs.count))
        let jobs = ChainJobs(count: chainIDs.count)
        let internalCancellation = CancellationToken(parent: cancellation)
        let group = DispatchGroup()
        let sampler = self

        for _ in 0..<workers {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while let index = jobs.next() {
                    let chainID = chainIDs[index]
                    do {
                        let density = try makeDensity(chainID)
                        let observer = try makeObserver?(chainID)
                        let result = try sampler.runChain(
                            chainID: chainID, density: density, progress: progress,
                            cancellation: internalCancellation, observer: observer, keepsDraws: keepsDraws,
                            resumingFrom: resume[chainID])
                        jobs.store(.success(result), at: index)
                    } catch {
                        jobs.store(.failure(error), at: index)
                        internalCancellation.cancel()
                    }
                }
            }
            thread.stackSize = 16 << 20
            thread.name = "rlfit-chain-worker"
            thread.start()
        }
        group.wait()
        return try jobs.results().map { try $0.get() }
    }
}

/// The shared work list of `runChains`: hands out chain indices and collects results.
private final class ChainJobs: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int
    private var slots: [Result<ChainResult, any Error>?]

    init(count: Int) {
        self.count = count
        slots = Array(repeating: nil, count: count)
    }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func store(_ result: Result<ChainResult, any Error>, at index: Int) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// All results in order; a failure anywhere comes first in the thrown order.
    func results() throws -> [Result<ChainResult, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        if let failure = slots.first(where: { if case .failure = $0 { return true } else { return false } }),
           case let .failure(error)? = failure {
            throw error
        }
        return slots.map { $0! }
    }
}

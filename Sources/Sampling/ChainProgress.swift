import Foundation

/// A progress report from a chain, sent after every iteration (the caller decides how often
/// to draw). It is called on the chain's own thread: keep it cheap and thread-safe.
public struct ChainProgress: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable {
        case warmup, sampling
    }

    public let chainID: Int
    public let phase: Phase
    /// Iterations completed so far, warmup and sampling together (1 after the first).
    public let iteration: Int
    public let warmupIterations: Int
    public let samplingIterations: Int
    /// Divergent iterations so far in warmup, and after warmup.
    public let warmupDivergences: Int
    public let samplingDivergences: Int
    /// The step size of the iteration just completed.
    public let stepSize: Double

    public var totalIterations: Int { warmupIterations + samplingIterations }
}

/// A cancellation flag shared between the caller (e.g. a Ctrl-C handler) and the chains.
/// Chains check it once per iteration and stop cleanly, returning the iterations done so far
/// with `isComplete == false`. Thread-safe (lock-protected). A token with a parent is also
/// cancelled when its parent is.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private let parent: CancellationToken?

    public init(parent: CancellationToken? = nil) {
        self.parent = parent
    }

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        let own = cancelled
        lock.unlock()
        return own || (parent?.isCancelled ?? false)
    }
}

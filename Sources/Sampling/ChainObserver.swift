/// Receives a chain's output while it runs, on the chain's thread: every kept row, the end of
/// warmup, and checkpoints of its state. A fit streams its chain files through one (a kill then
/// loses only what came after the last checkpoint) and `--resume` continues from the last
/// `ChainState` it was given.
///
/// An observer that throws (a full disk) stops its chain; `runChains` then cancels the others
/// and rethrows.
public protocol ChainObserver: AnyObject {
    /// A kept row: its unconstrained position and Stan's sampler statistics. Warmup rows come
    /// only with `saveWarmup`.
    func chainKept(position: UnsafeBufferPointer<Double>, statistics: SamplerStatistics, isWarmup: Bool) throws
    /// Warmup is over: the step size and metric of every sampling iteration. Called once per
    /// chain (before the first sampling iteration; not again after a resume past it).
    func chainFinishedWarmup(stepSize: Double, inverseMetric: InverseMetric) throws
    /// Asked at the end of every iteration; when true the chain calls `chainCheckpoint`.
    func chainWantsCheckpoint() -> Bool
    /// The chain's state at the end of an iteration.
    func chainCheckpoint(_ state: ChainState) throws
    /// The chain's state when it stops: finished (`isComplete`) or cancelled.
    func chainEnded(_ state: ChainState) throws
}

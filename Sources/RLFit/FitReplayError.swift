/// A fit directory that cannot be replayed through its model (no `run.json`, no draws, or
/// chain files without the subject parameters): trajectories, trial-level log-likelihoods.
public struct FitReplayError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "error: \(message)" }
}

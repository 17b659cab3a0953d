/// A fit directory that cannot be replayed through its model or resumed (no `run.json`, no
/// draws, or chain files without the subject parameters): trajectories, trial-level
/// log-likelihoods, `--resume`.
public struct FitReplayError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { "error: \(message)" }
}

import ModelLanguage
import Randomness

/// A sequence of binary inputs whose probability changes over time, the design hBayesDM's hgf
/// models (binary HGF, Mathys et al. 2011) expect: on each trial the input `u` is 1 with
/// probability p, and the subject predicts it (the observed binary response). p is 0.8 for the
/// first quarter of the block (a stable phase), then alternates between 0.2 and 0.8 every
/// `volatilePeriod` trials (a volatile phase), as in the contingency schedules of Iglesias et
/// al. (2013). The input is drawn before each trial and does not depend on the response.
public struct BinaryInputTask: Sendable, Equatable {
    public var stableProbability = 0.8
    public var volatilePeriod = 25

    public init() {}

    public var description: String {
        "binary inputs: P(u = 1) = \(stableProbability) for the first quarter of each block, then alternating 0.2 / 0.8 every \(volatilePeriod) trials"
    }

    /// P(u = 1) on the trial `index` (0-based) of a block of `length` trials.
    func probability(index: Int, length: Int) -> Double {
        let stable = length / 4
        guard index >= stable else { return stableProbability }
        return (index - stable) / volatilePeriod % 2 == 0 ? 1 - stableProbability : stableProbability
    }
}

/// Per subject and trial: whether the trial is missed, the input, then the response.
extension BinaryInputTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        try requireOneObservation(
            model, kind: .binary, response: "one binary response (the predicted input)", reading: ["u"],
            produces: "the input 'u' (1 or 0)")
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        try run.binaryResponses(to: "u", task: self) { t, _, rng in
            let block = run.block(of: t)
            return rng.nextUniform() < probability(index: t - block.start, length: block.length) ? 1 : 0
        }
    }
}

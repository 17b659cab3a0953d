import ModelLanguage
import Randomness

/// The ultimatum game from the responder's side, as hBayesDM's ug models expect it: on each
/// trial a proposer offers `offer` (a whole number drawn uniformly from `offers`; hBayesDM's
/// example data's offers are 1…10) and the responder accepts (1) or rejects (0): the observed
/// binary column. Nothing depends on the response but the record.
public struct UltimatumTask: Sendable, Equatable {
    public var offers: ClosedRange<Int> = 1...10

    public init() {}

    public var description: String {
        "ultimatum game (responder): offers drawn uniformly from \(offers.lowerBound)-\(offers.upperBound)"
    }
}

/// Per subject and trial: whether the trial is missed, the offer, then the response.
extension UltimatumTask: SimulatedTask {
    public func check(_ model: ModelDefinition) throws {
        try requireOneObservation(
            model, kind: .binary, response: "one binary response (accept or reject)", reading: ["offer"],
            produces: "'offer' before each trial")
    }

    public func simulate(_ run: SimulationRun) throws -> SimulatedStudy {
        let n = offers.count
        return try run.binaryResponses(to: "offer", task: self) { _, _, rng in
            Double(offers.lowerBound + min(Int(rng.nextUniform() * Double(n)), n - 1))
        }
    }
}

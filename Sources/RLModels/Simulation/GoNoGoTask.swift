import Foundation
import Randomness

/// The orthogonalized go/no-go task (Guitart-Masip et al. 2012) as hBayesDM's gng models
/// expect it: on each trial one of four cues is shown and the subject presses (go) or not
/// (no-go); the cue says which action is right and whether there is a win to get or a loss to
/// avoid. The right action gets the good outcome with probability `contingency`, the wrong one
/// with 1 − `contingency`. Outcomes are +1 / 0 for the win cues and 0 / −1 for the avoid cues.
///
/// The cue coding is hBayesDM's example data's (gng_exampleData.txt, 10 subjects × 240 trials,
/// 60 per cue; P(good outcome | right action) 0.76–0.80 in those data):
/// 1 go to win, 2 no-go to win, 3 go to avoid losing, 4 no-go to avoid losing.
/// Cues are drawn uniformly and independently per trial.
public struct GoNoGoTask: Sendable, Equatable {
    public var contingency: Double

    public init(contingency: Double = 0.8) {
        precondition(contingency >= 0 && contingency <= 1)
        self.contingency = contingency
    }

    public static let cueCount = 4

    /// Whether pressing is the right action for `cue` (1…4).
    public static func goIsRight(cue: Int) -> Bool { cue == 1 || cue == 3 }

    /// Whether `cue` (1…4) offers a win (else a loss to avoid).
    public static func isWinCue(_ cue: Int) -> Bool { cue <= 2 }

    /// A cue, 1…4, uniformly.
    public func drawCue(_ rng: inout Philox) -> Int {
        1 + min(Int(rng.nextUniform() * Double(Self.cueCount)), Self.cueCount - 1)
    }

    /// The outcome of pressing (or not) at `cue`: one uniform draw, always made.
    public func outcome(cue: Int, pressed: Bool, _ rng: inout Philox) -> Double {
        let right = pressed == Self.goIsRight(cue: cue)
        let good = rng.nextUniform() < (right ? contingency : 1 - contingency)
        return Self.isWinCue(cue) ? (good ? 1 : 0) : (good ? 0 : -1)
    }

    public var description: String {
        let right = String(format: "%g", contingency), wrong = String(format: "%g", 1 - contingency)
        return "go/no-go: cues 1 go-to-win, 2 no-go-to-win, 3 go-to-avoid, 4 no-go-to-avoid, uniform; the right action pays off \(right) of the time, the wrong one \(wrong)"
    }
}

import Foundation
import RLModels

/// Writes a simulated study: the trial table at `path` and the true parameters beside it at
/// `path + ".truth.json"`. Both go to temporary names first and are renamed when complete.
public enum SimulationWriter {
    public static func write(
        _ study: SimulatedStudy, model: ModelDefinition, seed: UInt64,
        blocks: Int, missingProbability: Double, task: any SimulatedTask, to path: String
    ) throws {
        let text = TrialTableWriter.tsv(study.batch, blockNumber: study.blockNumber, writeBlockColumn: blocks > 1)
        let S = study.batch.laneCount
        var truth: [String: Any] = [
            "model": model.name,
            "seed": seed,
            "subjects": S,
            "trials": study.batch.trialCount,
            "blocks": blocks,
            "missing_probability": missingProbability,
            "task": study.taskDescription,
            "subject_ids": study.batch.laneIDs,
            "mu_pr": study.group.mu,
            "sigma": study.group.sigma
        ]
        if let bandit = task as? BanditTask { truth["reward_probabilities"] = bandit.rewardProbabilities }
        for (p, spec) in model.parameters.enumerated() {
            truth["\(spec.name)_pr"] = Array(study.z[(p * S)..<((p + 1) * S)])
            truth[spec.name] = Array(study.theta[(p * S)..<((p + 1) * S)])
            truth["mu_\(spec.name)"] = spec.constrain(study.group.mu[p]).value
        }
        let json = try JSONSerialization.data(withJSONObject: truth, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(Data(text.utf8), to: path)
        try AtomicFile.write(json + Data("\n".utf8), to: path + ".truth.json")
    }
}

import Foundation
import RLModels
import Sampling

/// `fit.json`: what ran and how it went — RLFit version, the full command, the resolved
/// options, the seed, the sha256 of the data file, per-chain timings, gradient evaluations and
/// divergences, the worst R-hat and ESS, the verdict and its warnings, and the files written.
enum FitManifest {
    static func json(
        options o: FitOptions, results: [ChainResult], diagnostics: FitDiagnostics, dataSHA256: String,
        batch: TrialBatch, wallSeconds: Double, dataWarnings: [String], files: [String], complete: Bool
    ) -> [String: Any] {
        let chains: [[String: Any]] = results.map { r in
            [
                "id": r.chainID, "warmup_seconds": r.warmupSeconds, "sampling_seconds": r.samplingSeconds,
                "gradient_evaluations": r.gradientEvaluations,
                "sampling_gradient_evaluations": r.samplingGradientEvaluations,
                "divergences": r.divergences, "warmup_divergences": r.warmupDivergences,
                "max_depth_hits": r.maxDepthHits,
                "step_size": r.stepSize, "complete": r.isComplete, "iterations_completed": r.iterationsCompleted,
                "warnings": r.warnings
            ]
        }
        func finite(_ x: Double?) -> Any { x.map { $0.isFinite ? $0 as Any : NSNull() } ?? NSNull() }
        return [
            "rlfit_version": RLFitVersion.string,
            "command": o.commandLine.joined(separator: " "),
            "options": o.json,
            "seed": o.seed,
            "data": [
                "path": o.dataPath, "sha256": dataSHA256, "subjects": batch.studySubjectCount,
                "conditions": Array(Set(batch.laneConditions)).sorted(),
                "choices": batch.validTrialCount, "missed_trials": batch.missedTrialCount,
                "subject_ids": batch.studySubjectIDs
            ],
            "chains": chains,
            "wall_seconds": wallSeconds,
            "gradient_evaluations": results.reduce(0) { $0 + $1.gradientEvaluations },
            "divergences": diagnostics.divergences,
            "max_depth_hits": diagnostics.treeDepthHits,
            "max_rhat": finite(diagnostics.worstRHat?.rhat),
            "max_rhat_quantity": diagnostics.worstRHat?.name ?? NSNull(),
            "min_ess_bulk": finite(diagnostics.lowestBulkESS?.essBulk),
            "min_ess_bulk_quantity": diagnostics.lowestBulkESS?.name ?? NSNull(),
            "min_ess_tail": finite(diagnostics.lowestTailESS?.essTail),
            "ebfmi": diagnostics.ebfmi.map { $0.isFinite ? $0 as Any : NSNull() },
            "verdict": diagnostics.verdict,
            "warnings": diagnostics.warnings,
            "data_warnings": dataWarnings,
            "complete": complete,
            "files": files.map { ($0 as NSString).lastPathComponent }
        ]
    }
}

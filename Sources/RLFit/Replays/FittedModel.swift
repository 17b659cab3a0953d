import Foundation
import RLModels

extension FitOptions {
    /// The copy of the model file a fit directory keeps.
    public static let fittedModelFile = "model.rlm"

    /// The options of the fit in `directory` (its `run.json`), with the model file the fit
    /// used (`model.rlm` in the directory) rather than whatever the path names today.
    public static func ofFit(in directory: String) throws -> FitOptions {
        try FitDirectory.requireDirectory(directory)
        let runPath = (directory as NSString).appendingPathComponent("run.json")
        guard FileManager.default.fileExists(atPath: runPath) else {
            throw FitReplayError(
                message:
                    "\(directory): no run.json, the fit's data and options, which replays need: give the --out directory of a fit (one written by a version before run.json existed: fit it again)"
            )
        }
        var run = try RunFile.read(path: runPath)
        let copy = (directory as NSString).appendingPathComponent(fittedModelFile)
        if let model = run.model, ModelCatalog.isPath(model) {
            guard FileManager.default.fileExists(atPath: copy) else {
                throw FitReplayError(
                    message:
                        "\(copy), the model file this fit ran, is missing: replays and --resume read it, not \(model), which may have changed since; put it back (e.g. from a copy of the fit) or fit again"
                )
            }
            run.model = copy
        }
        return try FitOptions(runFile: run)
    }
}

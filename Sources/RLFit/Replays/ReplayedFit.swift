import Foundation
import RLModels

/// A finished (or interrupted) fit opened for a replay: its options (`run.json`, with the model
/// file the fit used), its data read again as a batch, its chain files, and the model's replay
/// machine for that batch. Trajectories and trial log-likelihoods both start here and run
/// each draw's subject parameters (`<param>.s`) through `replay`, lane by lane.
struct ReplayedFit {
    let directory: String
    let options: FitOptions
    let batch: TrialBatch
    /// The chain files; a replay may drop chains it cannot use.
    var contents: FitDirectory.Contents
    let replay: ModelReplay
    var model: ModelDefinition { options.model }

    init(directory: String) throws {
        self.directory = directory
        options = try FitOptions.ofFit(in: directory)
        batch = try TrialTableReader.read(path: options.dataPath, requirements: options.dataRequirements)
        contents = try FitDirectory.read(directory)
        replay = try ModelReplay(model: options.model, batch: batch)
    }

    /// The position, in a chain's rows, of each model parameter of lane `l`'s subject.
    /// - Throws: `FitReplayError` when the chains lack one (a fit of other data or model).
    func parameterColumns(lane l: Int) throws -> [Int] {
        let s = batch.laneSubject[l]
        let index = contents.chains[0].quantityPositions
        let columns = model.parameters.map { index["\($0.name).\(s + 1)"] }
        guard columns.allSatisfy({ $0 != nil }) else {
            throw FitReplayError(
                message: "\(directory): the chain files have no \(model.parameters[0].name).\(s + 1) column")
        }
        return columns.map { $0! }
    }
}

/// A task a study is simulated on: what it asks of a model (which columns it produces, which
/// responses it answers) and the simulation itself, which runs the model's simulation program
/// (`SimulationRun`) and answers each drawn response. Each model file names its task (`task`
/// in the file, `ModelDefinition.task`); `StudySimulator.task(for:bandit:options:)` picks it.
public protocol SimulatedTask: Sendable {
    /// The task in words, for reports and truth files.
    var description: String { get }
    /// Whether `model` can be simulated on this task; a `SimulationError` saying why when not.
    func check(_ model: ModelDefinition) throws
    /// The study: every subject's trials, drawn from the run's subjects and random streams.
    func simulate(_ run: SimulationRun) throws -> SimulatedStudy
}

extension SimulatedTask {
    /// The error for a column `model` reads that this task does not produce.
    func unproduced(_ column: String, by model: ModelDefinition, produces: String) -> SimulationError {
        SimulationError(message: "\(model.name) reads data column '\(column)'; the simulated task (\(description)) produces \(produces)")
    }
}

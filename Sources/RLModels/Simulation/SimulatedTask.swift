import ModelLanguage

/// A task a study is simulated on: what it asks of a model (which columns it produces, which
/// responses it answers) and the simulation itself, which runs the model's simulation program
/// (`SimulationRun`) and answers each drawn response. Each model file names its task (`task`
/// in the file, `ModelDefinition.task`); `StudySimulator.task(for:bandit:options:)` picks it.
public protocol SimulatedTask: Sendable {
    /// The task in words.
    var description: String { get }
    /// The task as `model` meets it, for reports and truth files (by default `description`).
    func description(for model: ModelDefinition) -> String
    /// Whether `model` can be simulated on this task; a `SimulationError` saying why when not.
    func check(_ model: ModelDefinition) throws
    /// The study: every subject's trials, drawn from the run's subjects and random streams.
    func simulate(_ run: SimulationRun) throws -> SimulatedStudy
}

extension SimulatedTask {
    public func description(for model: ModelDefinition) -> String { description }

    /// The error for a column `model` reads that this task does not produce.
    func unproduced(_ column: String, by model: ModelDefinition, produces: String) -> SimulationError {
        SimulationError(
            message:
                "\(model.name) reads data column '\(column)'; the simulated task (\(description(for: model))) produces \(produces)"
        )
    }

    /// Checks that `model` observes one column, of `kind` (`response` says what the task
    /// draws), reads no other column than `columns` (`produces` says what they are) and, with
    /// `fixedOptions`, fixes that many options (`meaning` says what they are).
    func requireOneObservation(
        _ model: ModelDefinition, kind: DataDeclaration.Kind, response: String,
        reading columns: Set<String>, produces: String, fixedOptions: (count: Int, meaning: String)? = nil
    ) throws {
        let observed = model.file.data.filter(\.observed)
        guard observed.count == 1, observed[0].kind == kind else {
            throw SimulationError(
                message:
                    "\(model.name) observes \(observed.map(\.name).joined(separator: " and ")); the simulated task (\(description(for: model))) produces \(response) per trial"
            )
        }
        for c in model.file.data where !c.observed && !columns.contains(c.name) {
            throw unproduced(c.name, by: model, produces: produces)
        }
        if let fixed = fixedOptions, model.optionCount != fixed.count {
            throw SimulationError(message: "\(model.name) must fix options \(fixed.count) (\(fixed.meaning))")
        }
    }
}

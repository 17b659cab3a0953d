import Foundation
import ModelLanguage

/// The kind of task a model's reference study ran, which simulations use (`task` in the file).
public enum TaskDesign: Sendable, Equatable {
    /// A bandit whose reward probabilities reverse once, halfway (`BanditTask.standard`).
    case bandit
    /// Probabilistic reversal learning: reversals after runs of correct choices
    /// (`BanditTask.probabilisticReversal`).
    case probabilisticReversal
    /// The orthogonalized go/no-go task (`GoNoGoTask`).
    case goNoGo
    /// The probabilistic selection task's training phase (`ProbabilisticSelectionTask`).
    case probabilisticSelection
    /// The two-step task (`TwoStepTask`).
    case twoStep
    /// Aversive learning with punishment magnitudes (`AversiveLearningTask`).
    case aversiveLearning
    /// The ultimatum game, responder (`UltimatumTask`).
    case ultimatum
    /// The balloon analogue risk task (`BalloonTask`).
    case balloon
    /// The restless bandit with drifting payoffs (`RestlessBanditTask`).
    case restlessBandit
    /// The Iowa gambling task (`IowaGamblingTask`).
    case iowaGambling

    /// Whether the task is a bandit (options, reward probabilities, reversals).
    public var isBandit: Bool { self == .bandit || self == .probabilisticReversal }
}

/// A model RLFit fits: a checked model file (built in, or the user's) and the values its
/// arguments take in this fit. Everything downstream — the data the reader requires, the
/// likelihood and its gradient, replays, simulation — comes from the file.
public struct ModelDefinition: Sendable {
    /// Where the file came from: the built-in catalog (`models/NAME.rlm`) or a path.
    public enum Origin: Sendable, Equatable {
        case builtIn
        case file(String)
    }

    public let file: CheckedModel
    public let origin: Origin
    /// The argument values this fit uses (defaults unless overridden with `--arg`), in file order.
    public let arguments: [Double]
    public let parameters: [ParameterSpec]

    public init(file: CheckedModel, origin: Origin, arguments: [String: Double] = [:]) throws {
        self.file = file
        self.origin = origin
        for name in arguments.keys.sorted() where file.argumentIndex(name) == nil {
            throw UnknownModelArgument(name: name, known: file.arguments.map(\.name), model: file.name)
        }
        self.arguments = file.arguments.map { arguments[$0.name] ?? $0.defaultValue }
        parameters = file.parameters.map(ParameterSpec.init)
    }

    public var name: String { file.name }
    public var summary: String { file.summary }
    public var reference: String { file.reference }
    /// K when the file fixes it; nil when it comes from the data.
    public var optionCount: Int? { file.optionCount }
    public var task: TaskDesign {
        switch file.task {
        case "reversal_learning": return .probabilisticReversal
        case "go_nogo": return .goNoGo
        case "probabilistic_selection": return .probabilisticSelection
        case "two_step": return .twoStep
        case "aversive_learning": return .aversiveLearning
        case "ultimatum": return .ultimatum
        case "balloon": return .balloon
        case "restless_bandit": return .restlessBandit
        case "iowa_gambling": return .iowaGambling
        default: return .bandit
        }
    }

    /// The value argument `name` takes in this fit; nil when the file has no such argument.
    public func argument(_ name: String) -> Double? { file.argumentIndex(name).map { arguments[$0] } }

    /// The arguments that differ from their defaults, by name (for run files and fit.json).
    public var argumentOverrides: [String: Double] {
        var result: [String: Double] = [:]
        for (a, argument) in file.arguments.enumerated() where arguments[a] != argument.defaultValue { result[argument.name] = arguments[a] }
        return result
    }

    /// What the reader must find in the data file.
    public var data: DataRequirements {
        DataRequirements(
            columns: file.data.map { c in
                let kind: DataRequirements.Column.Kind
                switch c.kind {
                case .option: kind = .option
                case let .index(levels): kind = .index(levels: levels)
                case .binary: kind = .binary
                case .real: kind = .real
                case .count: kind = .count
                }
                return DataRequirements.Column(name: c.name, kind: kind, observed: c.observed,
                                               declaration: "\(file.file):\(c.location.line):\(c.location.column)")
            },
            optionCount: optionCount)
    }

    /// The index of the parameter called `name`.
    public func parameterIndex(_ name: String) -> Int? {
        parameters.firstIndex { $0.name == name }
    }

    /// The trial program for the batch's shape (K, each index column's levels).
    /// - Throws: `ModelFileError` when the file does not fit the data's sizes (a constant index
    ///   beyond K, vectors of the wrong length).
    public func program(for batch: TrialBatch) throws -> TrialProgram {
        var levels: [Int: Int] = [:]
        for (c, column) in file.data.enumerated() {
            if case .index = column.kind { levels[c] = batch.levels[column.name] ?? 1 }
        }
        return try Lowering.lower(file, optionCount: batch.optionCount, levels: levels, arguments: arguments)
    }

    /// A lane machine for the batch, compiled for `purpose`, with the masks and data loaded
    /// (and, for gradients, the data pre-pass run).
    public func machine(for batch: TrialBatch, purpose: MachineCode.Purpose) throws -> (LaneMachine, LaneMachine.IndexViolation?) {
        let code = try program(for: batch).compiled(for: purpose)
        let machine = LaneMachine(code: code, lanes: batch.subjectCount, trials: batch.trialCount)
        machine.setPlane(MachineCode.answeredPlane, values: batch.answered.map { $0 ? 1 : 0 })
        machine.setPlane(MachineCode.blockStartPlane, values: batch.blockStart.map { $0 ? 1 : 0 })
        for (c, plane) in code.dataPlanes {
            machine.setPlane(plane, values: batch.columns[file.data[c].name] ?? [Double](repeating: 0, count: batch.trialCount * batch.subjectCount))
        }
        let violation = purpose == .gradient ? machine.prepare() : nil
        return (machine, violation)
    }

    /// Rejects a batch the model does not fit: sizes the file assumes that the data do not
    /// have (`ModelFileError`), or an index outside a vector (a computed index such as
    /// `Q[3 - choice]` out of range on some answered trial; a `DataError` naming the row).
    public func checkIndices(_ batch: TrialBatch, dataFile: String) throws {
        guard let v = try machine(for: batch, purpose: .gradient).1 else { return }
        let line = Int(batch.sourceLine[v.trial * batch.subjectCount + v.lane])
        throw DataError(
            file: dataFile, line: line > 0 ? line : nil,
            problem: "on this trial the model's index at \(file.file):\(v.location.line):\(v.location.column) is \(TrialTableWriter.format(v.value)), outside 1..\(v.range)",
            fix: "check this row's values that the model uses as indices (options, categories), or the model's index expression")
    }

    /// The likelihood of a batch (one instance per chain: not thread-safe). The batch must have
    /// passed `checkIndices`.
    public func makeLikelihood(_ batch: TrialBatch) -> SubjectLikelihood {
        guard let (machine, violation) = try? self.machine(for: batch, purpose: .gradient), violation == nil else {
            preconditionFailure("a batch the model does not fit reached the likelihood; call checkIndices first")
        }
        return LaneLikelihood(machine: machine)
    }
}

/// A model's likelihood on the lane machine: every subject at once, log-likelihood and the
/// exact gradient by the machine's backward pass.
final class LaneLikelihood: SubjectLikelihood {
    let machine: LaneMachine

    init(machine: LaneMachine) {
        self.machine = machine
    }

    func evaluate(theta: UnsafePointer<Double>, subjectLogLikelihood: UnsafeMutablePointer<Double>,
                  gradient: UnsafeMutablePointer<Double>?) -> Double {
        machine.evaluate(theta: theta, logLikelihood: subjectLogLikelihood, gradient: gradient)
    }
}

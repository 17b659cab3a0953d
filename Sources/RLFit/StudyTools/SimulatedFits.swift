import Foundation
import RLModels

/// What parameter recovery and simulation-based calibration share: studies simulated from a
/// model (`replicates` of them, each `subjects` × `trials` on `task`, K = `options` for models
/// that take K from the data), each fitted with `chains` × (`warmup` + `draws`) from `seed`.
/// Each tool's options hold one and reach its fields directly (`options.subjects`); the tools
/// set their own defaults.
public struct SimulatedFits: Sendable {
    public var model: ModelDefinition
    public var replicates: Int
    public var subjects: Int
    public var trials: Int
    /// K for models that take it from the data (ignored by fixed-K models).
    public var options: Int? = nil
    /// The bandit design, for models simulated on a bandit; nil: the model's reference task
    /// (`StudySimulator.task(for:bandit:options:)`).
    public var task: BanditTask? = nil
    public var seed: UInt64 = 1
    public var warmup: Int
    public var draws: Int
    public var chains = 2
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init(model: ModelDefinition, replicates: Int, subjects: Int, trials: Int, warmup: Int, draws: Int) {
        self.model = model
        self.replicates = replicates
        self.subjects = subjects
        self.trials = trials
        self.warmup = warmup
        self.draws = draws
    }

    /// The task the studies are simulated on.
    public var resolvedTask: any SimulatedTask { StudySimulator.task(for: model, bandit: task, options: options) }
}

/// A tool's options that hold a `SimulatedFits` and read and set its fields as their own
/// (`options.subjects` is `options.fits.subjects`).
@dynamicMemberLookup
public protocol SimulatedFitsOptions {
    var fits: SimulatedFits { get set }
}

extension SimulatedFitsOptions {
    public subscript<T>(dynamicMember field: WritableKeyPath<SimulatedFits, T>) -> T {
        get { fits[keyPath: field] }
        set { fits[keyPath: field] = newValue }
    }
    public subscript<T>(dynamicMember field: KeyPath<SimulatedFits, T>) -> T { fits[keyPath: field] }
}

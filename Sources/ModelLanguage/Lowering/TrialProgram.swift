/// One trial of a model as straight-line code over scalar registers, for a given data shape
/// (K options, each index column's levels) and argument values (`Lowering`). Loops over
/// options are unrolled, vectors are one register per element, an `if` computes both branches
/// and merges the values it changes with `select` (predication), and every register is
/// assigned once (SSA). The same program runs on every lane (subject) and every trial; the
/// lane machine compiles it for gradients, replays and simulation.
///
/// Registers hold one number per lane: reals, 0/1 conditions, and option or category numbers
/// 1…n (0 for none or a missing value).
public struct TrialProgram: Sendable {
    /// A value: a constant, or a register.
    public enum Value: Sendable, Hashable {
        case constant(Double)
        case register(Int)

        public var register: Int? { if case let .register(r) = self { return r }; return nil }
        public var constant: Double? { if case let .constant(x) = self { return x }; return nil }
    }

    public struct Register: Sendable {
        public enum Source: Sendable, Equatable {
            /// A data column's value on the trial.
            case data(column: Int)
            /// A subject parameter (constant over trials).
            case parameter(Int)
            /// A state element's value at the start of the trial (after a block-start reset).
            case stateStart(element: Int)
            /// Output `output` of instruction `instruction`.
            case instruction(Int, output: Int)
        }

        public let source: Source
        /// `.data` when the register depends on data alone, `.parameter` when it changes with
        /// the parameters (constants are never registers).
        public let level: Level
    }

    public struct Instruction: Sendable {
        public enum Operation: Sendable {
            /// One output, `function.arity` operands.
            case elementwise(ElementwiseFunction)
            /// operands [index, e₁ … eₙ]: the output is e_index (index 1…n, from the data).
            case gather
            /// operands [index, value, e₁ … eₙ]: outputs e′ₖ = value where k = index, else eₖ.
            case scatter
            /// operands u₁ … uₙ: outputs softmax(u)ₖ.
            case softmax
            /// Adds log p(column's value | arguments) to the lane's log-likelihood on answered
            /// trials where the predicate holds. operands [predicate, arguments…] with the
            /// arguments flattened: softmax u₁…uₙ (then offered₁…offeredₙ when `offered`),
            /// categorical p₁…pₙ, bernoulli_logit x, bernoulli p. No outputs.
            case observe(ObservationDistribution, column: Int, offered: Bool)
        }

        public let operation: Operation
        public let operands: [Value]
        public let outputs: [Int]
        public let location: SourceLocation
    }

    /// One element of a state variable (Q[2], previous, W[3, 1]).
    public struct StateElement: Sendable {
        public let state: Int
        /// "Q[2]", as `rlfit trajectories` names it.
        public let label: String
        /// The register holding the value at the start of a trial.
        public let start: Int
        /// The value at the end of the trial (written back on answered trials).
        public var final: Value
        /// The value at a block start (a constant or a parameter register).
        public let initial: Value
        public let acrossBlocks: Bool
        public let level: Level
    }

    /// A named value `rlfit trajectories` reports per trial: a top-level local, an
    /// observation's probability of each outcome, the reward.
    public struct Probe: Sendable {
        public let name: String
        public let value: Value
    }

    public internal(set) var registers: [Register] = []
    public internal(set) var instructions: [Instruction] = []
    public internal(set) var states: [StateElement] = []
    /// The register of each data column the program reads (by column index).
    public internal(set) var dataRegisters: [Int: Int] = [:]
    /// The register of each parameter.
    public internal(set) var parameterRegisters: [Int] = []
    public internal(set) var probes: [Probe] = []
    /// Per observation instruction: the probability of each outcome (P(y = k) for a choice,
    /// P(y = 1) for a binary column), computed just before it, for replays and simulation.
    public internal(set) var outcomeProbabilities: [Int: [Value]] = [:]
    /// The reward the report's learning curve uses (when the model declares one).
    public internal(set) var reward: Value?
    /// K and each index column's number of levels, as lowered.
    public let optionCount: Int
    public let levels: [Int: Int]

    init(optionCount: Int, levels: [Int: Int]) {
        self.optionCount = optionCount
        self.levels = levels
    }

    /// The level of a value (constants are `.constant`).
    public func level(_ v: Value) -> Level {
        switch v {
        case .constant: return .constant
        case let .register(r): return registers[r].level
        }
    }
}

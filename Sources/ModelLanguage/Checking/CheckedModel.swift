/// A model file after checking: every name resolved, every expression typed, ready to be
/// lowered onto a data set (`TrialProgram.lower`). It keeps the source text so `rlfit models
/// NAME` can print the file itself.
public struct CheckedModel: Sendable {
    public struct DataColumn: Sendable {
        public let name: String
        public let kind: DataDeclaration.Kind
        public let coding: String
        public let expectation: DataDeclaration.Expectation?
        /// On the left of a `~`: missing values mark missed trials.
        public let observed: Bool
        public let location: SourceLocation
    }

    public struct Argument: Sendable {
        public let name: String
        public let defaultValue: Double
        public let meaning: String
        public let location: SourceLocation
    }

    public struct Parameter: Sendable {
        public let name: String
        public let range: ParameterDeclaration.Range
        /// The group median simulations use by default (natural scale).
        public let typical: Double
        /// Standard deviation of the normal prior on the group location μ (nil: the fit's default, 1).
        public let muScale: Double?
        /// The prior on the group scale σ: "normal" (half-normal) or "cauchy" (half-Cauchy), and its scale.
        public let sigmaPrior: (family: String, scale: Double)
        /// The standard deviation of the subjects' standardized deviations z (1 unless `z ~ normal(0, s)`).
        public let zScale: Double
        /// Whether `in (L, U)` maps through logistic(x) rather than Φ≈(x).
        public let logisticLink: Bool
        public let meaning: String
        public let location: SourceLocation
    }

    /// A state's value at a block start: a number, an argument, a parameter, none (for an
    /// option state), or one of these per element.
    public indirect enum InitialValue: Sendable {
        case constant(Double)
        case argument(Int)
        case parameter(Int)
        case none
        case elements([InitialValue])
    }

    public struct State: Sendable {
        public let name: String
        /// Real-valued: the dimensions ([] scalar, [d] vector, [d1, d2] table). For an index
        /// state the single dimension its values range over.
        public let dimensions: [Dimension]
        public let isIndex: Bool
        public let initial: InitialValue
        public let acrossBlocks: Bool
        /// `.parameter` when some assignment depends on the parameters, else `.data`.
        public let level: Level
        public let location: SourceLocation
    }

    /// A local variable or loop variable slot.
    public struct Local: Sendable {
        public let name: String
        public let type: ValueType
        public let location: SourceLocation
        /// Defined at the top level of the trial (not inside if or for): reported by
        /// `rlfit trajectories`.
        public let topLevel: Bool
        public let isLoopVariable: Bool
    }

    public let file: String
    public let source: String
    public let name: String
    public let summary: String
    public let reference: String
    /// K when the file fixes it (`options 2`); nil when it comes from the data.
    public let optionCount: Int?
    /// The simulated task (`task`): "bandit", "reversal_learning", "go_nogo", "probabilistic_selection", "two_step", "aversive_learning", "ultimatum", "balloon", "restless_bandit", "iowa_gambling" or "probabilistic_selection_rt".
    public let task: String
    /// The hierarchy a fit uses unless told otherwise (`hierarchy none`: hBayesDM's
    /// single-subject models); nil: partial.
    public let hierarchy: String?
    public let data: [DataColumn]
    public let arguments: [Argument]
    public let parameters: [Parameter]
    public let states: [State]
    public let locals: [Local]
    public let trial: [TypedStatement]
    /// What the report's learning curve counts as the reward of a choice (data only).
    public let reward: TypedExpression?
    public let warnings: [ModelFileWarning]

    /// The observed columns, in the order they are observed.
    public let observedColumns: [Int]

    /// Every observation statement of the trial, in file order, however deep in ifs and loops.
    public var observations:
        [(column: Int, distribution: ObservationDistribution, arguments: [TypedExpression], location: SourceLocation)]
    {
        var found:
            [(
                column: Int, distribution: ObservationDistribution, arguments: [TypedExpression],
                location: SourceLocation
            )] =
                []
        func collect(_ block: [TypedStatement]) {
            for statement in block {
                switch statement {
                case let .observe(column, distribution, arguments, location):
                    found.append((column, distribution, arguments, location))
                case let .ifElse(_, then, otherwise, _): collect(then); collect(otherwise)
                case let .forEach(_, _, body, _): collect(body)
                case .assign: break
                }
            }
        }
        collect(trial)
        return found
    }

    public func dataIndex(_ name: String) -> Int? { data.firstIndex { $0.name == name } }
    public func parameterIndex(_ name: String) -> Int? { parameters.firstIndex { $0.name == name } }
    public func argumentIndex(_ name: String) -> Int? { arguments.firstIndex { $0.name == name } }

    /// The dimension's name as the file writes it.
    public func dimensionName(_ d: Dimension) -> String {
        switch d {
        case .option: return "option"
        case let .category(c): return data[c].name
        case let .literal(n): return "\(n) elements"
        }
    }
}

/// A checked expression: what it computes, its type and where it was written.
public struct TypedExpression: Sendable {
    public indirect enum Node: Sendable {
        case constant(Double)
        case argument(Int)
        case parameter(Int)
        case data(Int)
        /// A whole state (scalar, vector or table).
        case state(Int)
        case local(Int)
        /// A loop or comprehension variable: the current option or category number.
        case loopVariable(Int)
        /// K, the number of options.
        case optionCount
        /// No option (0).
        case none
        /// base[indices] for a state or local base.
        case element(base: TypedExpression, indices: [TypedExpression])
        case elementwise(ElementwiseFunction, [TypedExpression])
        case softmax(TypedExpression)
        case sum(TypedExpression)
        case vector([TypedExpression])
        case comprehension(variable: Int, dimension: Dimension, body: TypedExpression)
    }

    public let node: Node
    public let type: ValueType
    public let location: SourceLocation
}

/// A checked statement of the trial block (compound assignments are expanded: `x += e` is
/// `x = x + e`).
public indirect enum TypedStatement: Sendable {
    public enum Target: Sendable, Equatable {
        case state(Int)
        case local(Int)
    }

    case assign(target: Target, indices: [TypedExpression], value: TypedExpression, location: SourceLocation)
    case observe(
        column: Int, distribution: ObservationDistribution, arguments: [TypedExpression], location: SourceLocation)
    case ifElse(
        condition: TypedExpression, then: [TypedStatement], otherwise: [TypedStatement], location: SourceLocation)
    case forEach(variable: Int, dimension: Dimension, body: [TypedStatement], location: SourceLocation)
}

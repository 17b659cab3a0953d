/// The parsed model file, as written (names not yet resolved). `Parser` builds it; `Checker`
/// resolves and types it into a `CheckedModel`.
public struct ModelSyntax: Sendable {
    public var name: (text: String, location: SourceLocation)?
    public var summary = ""
    public var reference = ""
    public var options: OptionsDeclaration?
    public var task: (name: String, location: SourceLocation)?
    /// `hierarchy none | pooled | partial`: the fit's hierarchy unless `--hierarchy` says otherwise.
    public var hierarchy: (name: String, location: SourceLocation)?
    public var data: [DataDeclaration] = []
    public var arguments: [ArgumentDeclaration] = []
    public var parameters: [ParameterDeclaration] = []
    public var states: [StateDeclaration] = []
    public var reward: ExpressionSyntax?
    public var trial: [StatementSyntax]?
    public var trialLocation: SourceLocation?
}

/// `options 2` or `options from data` (K = the largest option number in the data).
public struct OptionsDeclaration: Sendable {
    public let count: Int?
    public let location: SourceLocation
}

/// `data NAME: KIND ["coding"] [values {…} | signs {…}]`.
public struct DataDeclaration: Sendable {
    public enum Kind: Sendable, Equatable {
        /// An option number 1..K (K: `options`), e.g. the choice.
        case option
        /// A category 1..levels (levels nil: the largest value in the data), e.g. the cue shown;
        /// tables can be indexed by it.
        case index(levels: Int?)
        /// 0 or 1, e.g. whether a key was pressed.
        case binary
        /// Any finite number, e.g. the outcome.
        case real
        /// A whole number ≥ 0, e.g. the pumps on a balloon (observed by `sequential_logit`).
        case count
    }

    /// What the file's values are expected to look like (a warning when they do not).
    public enum Expectation: Sendable, Equatable {
        case values([Double])
        case signs([Double])
    }

    public let name: String
    public let kind: Kind
    public let coding: String
    public let expectation: Expectation?
    public let location: SourceLocation
}

/// `argument NAME = VALUE ["meaning"]`: a named constant a fit may override (`--arg NAME=VALUE`).
public struct ArgumentDeclaration: Sendable {
    public let name: String
    public let value: Double
    public let meaning: String
    public let location: SourceLocation
}

/// `parameter NAME RANGE [via logistic] [typical V] [mu ~ normal(0, s)] [sigma ~ normal(0, s) | cauchy(0, s)] [z ~ normal(0, s)] ["meaning"]`.
public struct ParameterDeclaration: Sendable {
    /// A bound of `in (lower, upper)` that is not a number.
    public enum Bound: Sendable, Equatable {
        case number(Double)
        /// An argument's value (`in (RTbound, 5)`).
        case argument(String)
        /// Each subject's smallest value of a data column over its answered trials
        /// (`in (RTbound, min(RT))`: hBayesDM's non-decision time below the fastest response).
        case subjectMinimum(String)
    }

    public enum Range: Sendable, Equatable {
        /// (lower, upper): lower + (upper − lower)·Φ≈(x), hBayesDM's bounded parameters.
        case interval(Double, Double)
        /// The same with a bound from an argument or from each subject's data.
        case boundedBy(lower: Bound, upper: Bound)
        /// ℝ: the unconstrained value itself.
        case real
        /// (0, ∞): exp(x).
        case positive
    }

    /// A prior written in the file: `normal(0, s)` or `cauchy(0, s)` (half-distributions for σ).
    public struct Prior: Sendable, Equatable {
        public let family: String
        public let scale: Double
        public let location: SourceLocation
    }

    public let name: String
    public let range: Range
    public let typical: Double?
    public let muPrior: Prior?
    public let sigmaPrior: Prior?
    /// `z ~ normal(0, s)`: the prior on the subjects' standardized deviations (default 1).
    public let zPrior: Prior?
    /// `via logistic`: L + (U − L)·logistic(x) instead of Φ≈(x) for `in (L, U)` (hBayesDM's hgf models).
    public let logisticLink: Bool
    public let meaning: String
    public let location: SourceLocation
}

/// `state NAME = INIT`, `state NAME[DIM] = INIT`, `state NAME[DIM, DIM] = INIT`,
/// `state NAME: DIM = none`, each optionally `across blocks` (not reset at a block start).
public struct StateDeclaration: Sendable {
    public enum Shape: Sendable, Equatable {
        case scalar
        /// A vector or table over these dimensions (`option` or an index data column).
        case table([(name: String, location: SourceLocation)])
        /// An option or category number (e.g. the previous choice), `none` before the first.
        case index(name: String, location: SourceLocation)

        public static func == (a: Shape, b: Shape) -> Bool {
            switch (a, b) {
            case (.scalar, .scalar): return true
            case let (.table(x), .table(y)): return x.map(\.name) == y.map(\.name)
            case let (.index(x, _), .index(y, _)): return x == y
            default: return false
            }
        }
    }

    public let name: String
    public let shape: Shape
    public let initial: ExpressionSyntax
    public let acrossBlocks: Bool
    public let location: SourceLocation
}

/// A statement of the trial block.
public indirect enum StatementSyntax: Sendable {
    /// `target = value`, `target[i, j] += value`, …; `op` is "=", "+=", "-=", "*=" or "/=".
    case assign(
        target: String, indices: [ExpressionSyntax], op: String, value: ExpressionSyntax, location: SourceLocation)
    /// `column ~ distribution(arguments)`.
    case observe(
        column: String, distribution: String, arguments: [ExpressionSyntax], location: SourceLocation,
        distributionLocation: SourceLocation)
    case ifElse(
        condition: ExpressionSyntax, then: [StatementSyntax], otherwise: [StatementSyntax], location: SourceLocation)
    /// `for k in DIM { … }`: the body once per value of the dimension.
    case forEach(
        variable: String, dimension: String, body: [StatementSyntax], location: SourceLocation,
        dimensionLocation: SourceLocation)

    public var location: SourceLocation {
        switch self {
        case let .assign(_, _, _, _, l), let .observe(_, _, _, l, _), let .ifElse(_, _, _, l),
            let .forEach(_, _, _, l, _):
            return l
        }
    }
}

/// An expression as written.
public struct ExpressionSyntax: Sendable {
    public indirect enum Node: Sendable {
        /// A number written with a decimal point or exponent (real).
        case number(Double)
        /// A whole number written without a decimal point (it can index).
        case integer(Int)
        case name(String)
        /// `none`: no option (a state of option type before its first assignment).
        case none
        case element(name: String, indices: [ExpressionSyntax])
        case call(function: String, arguments: [ExpressionSyntax])
        case unary(op: String, operand: ExpressionSyntax)
        case binary(op: String, left: ExpressionSyntax, right: ExpressionSyntax)
        /// `[a, b, c]`
        case vector([ExpressionSyntax])
        /// `[body for k in DIM]`
        case comprehension(
            body: ExpressionSyntax, variable: String, dimension: String, dimensionLocation: SourceLocation)
    }

    public let node: Node
    public let location: SourceLocation
    /// Levels of the tree (1 for a leaf), counted as it is built: the checker and the lowering
    /// walk it recursively, so the parser bounds it (`Parser.maximumDepth`).
    public let depth: Int

    public init(node: Node, location: SourceLocation) {
        self.node = node
        self.location = location
        let children: [ExpressionSyntax]
        switch node {
        case .number, .integer, .name, .none: children = []
        case let .element(_, indices): children = indices
        case let .call(_, arguments): children = arguments
        case let .unary(_, operand): children = [operand]
        case let .binary(_, left, right): children = [left, right]
        case let .vector(elements): children = elements
        case let .comprehension(body, _, _, _): children = [body]
        }
        depth = 1 + (children.map(\.depth).max() ?? 0)
    }
}

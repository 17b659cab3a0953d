/// A dimension a vector, a table or an index ranges over.
public enum Dimension: Sendable, Hashable {
    /// The task's options 1..K.
    case option
    /// The levels 1..n of an index data column (its position among the model's data columns).
    case category(Int)
    /// The n elements of a vector literal `[a, b, …]`; it matches a dimension of size n.
    case literal(Int)
}

/// When an expression's value can change: fixed for the whole fit (numbers, arguments), per
/// trial but the same for every parameter value (data, and whatever is computed from data
/// alone: it is computed once when the data are loaded), or with the parameters (what the
/// gradient flows through).
public enum Level: Int, Sendable, Comparable {
    case constant = 0, data = 1, parameter = 2
    public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
}

/// The type of an expression: what its values are, its shape, and its level.
public struct ValueType: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case real
        /// A comparison's result; 1 or 0 where a number is needed.
        case boolean
        /// A whole number (a literal, or + − * of whole numbers and indices); indexes any dimension.
        case integer
        /// An option or category number of one dimension (a choice, a cue, a loop variable).
        case index(Dimension)
    }

    public var kind: Kind
    /// [] for a scalar, [d] for a vector, [d1, d2] for a table.
    public var shape: [Dimension]
    public var level: Level

    public init(_ kind: Kind, shape: [Dimension] = [], level: Level) {
        self.kind = kind
        self.shape = shape
        self.level = level
    }

    public var isScalar: Bool { shape.isEmpty }
    public var isNumeric: Bool { if case .boolean = kind { return true }; return true }
    public var isIndexLike: Bool {
        switch kind {
        case .integer, .index: return true;
        default: return false
        }
    }
}

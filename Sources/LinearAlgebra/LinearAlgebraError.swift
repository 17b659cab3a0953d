/// A failure reported by LAPACK, with the routine and its `info` code, so the caller can say
/// what failed and fall back (for example to a diagonal metric).
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable {
    /// `dpotrf` found the leading minor of order `order` not positive definite.
    case notPositiveDefinite(routine: String, order: Int)
    /// A routine rejected its argument number `argument` (a programming error upstream).
    case illegalArgument(routine: String, argument: Int)

    public var description: String {
        switch self {
        case let .notPositiveDefinite(routine, order):
            return "\(routine): the matrix is not positive definite (leading minor of order \(order))"
        case let .illegalArgument(routine, argument):
            return "\(routine): illegal value in argument \(argument)"
        }
    }
}

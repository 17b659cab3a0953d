/// The likelihood of every subject's choices given each subject's parameters on the natural
/// scale: the part of a model that knows the learning and choice rules. The hierarchy
/// (`HierarchicalPosterior`) wraps it.
///
/// `theta` holds P planes of S values, parameter-major (`theta[p * S + s]`) in the order of the
/// model's `parameters`. Implementations write each subject's log-likelihood into
/// `subjectLogLikelihood` and, when `gradient` is non-nil, ∂L/∂θ in the same layout as `theta`.
/// They return the total; non-finite parameters give a non-finite total. Not thread-safe.
public protocol SubjectLikelihood: AnyObject {
    func evaluate(
        theta: UnsafePointer<Double>, subjectLogLikelihood: UnsafeMutablePointer<Double>,
        gradient: UnsafeMutablePointer<Double>?
    ) -> Double
}

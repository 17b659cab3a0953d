/// The distributions an observation `column ~ distribution(arguments)` can use. Each adds
/// log p(observed value | arguments) to the subject's log-likelihood on every answered trial.
public enum ObservationDistribution: String, Sendable, CaseIterable {
    /// `y ~ softmax(u)` or `y ~ softmax(u, offered)`: P(y = k) = e^{u_k} / Σ_j e^{u_j}, the sum
    /// over the options offered on the trial (offered_j ≠ 0; all when omitted). y is an option
    /// or index column; u a vector over its dimension.
    case softmax
    /// `y ~ categorical(p)`: P(y = k) = p_k; p a vector of probabilities over y's dimension
    /// (e.g. a lapse mixture (1 − ξ)·softmax(u) + ξ/K).
    case categorical
    /// `y ~ bernoulli_logit(x)`: P(y = 1) = logistic(x); y a binary column.
    case bernoulliLogit = "bernoulli_logit"
    /// `y ~ bernoulli(p)`: P(y = 1) = p; y a binary column.
    case bernoulli
    /// `y ~ sequential_logit(x, stopped)`: a run of decisions to go on (the balloon analogue
    /// risk task's pumps), y a count column. Decision m = 0, 1, 2, … goes on with probability
    /// logistic(q(m)), q(m) = x₀ + x₁·m + x₂·m² + … (x a vector of coefficients, or one
    /// number); y counts the decisions to go on before the first to stop, which is observed
    /// only when `stopped` is 0 (else the run was cut short after y, as a balloon that burst):
    /// P(y = n) = Π_{m<n} logistic(q(m)) · (stopped ? 1 : logistic(−q(n))).
    /// Wallsten, Pleskac & Lejuez (2005); hBayesDM's bart models.
    case sequentialLogit = "sequential_logit"
    /// `response ~ wiener(a, tau, beta, delta, rt)`: a two-choice response and its time under
    /// the Wiener diffusion (drift-diffusion) model: evidence starts at beta·a between 0 and
    /// a, drifts at delta, and response 1 is the upper boundary, 2 the lower; rt is the
    /// response time (a data column), tau the non-decision time. p is the first-passage-time
    /// density (`WienerFirstPassage`; Stan's `wiener` for response 1). Ratcliff (1978);
    /// Navarro & Fuss (2009); hBayesDM's pstRT models.
    case wiener

    /// How many arguments the distribution takes (softmax: 1 or 2).
    public var argumentCounts: ClosedRange<Int> {
        switch self {
        case .softmax: return 1...2
        case .sequentialLogit: return 2...2
        case .wiener: return 5...5
        default: return 1...1
        }
    }

    /// Whether the observed column is a choice among options (option or index column) rather
    /// than a binary one.
    public var observesChoice: Bool { self == .softmax || self == .categorical }

    public var usage: String {
        switch self {
        case .softmax: return "choice ~ softmax(u) or choice ~ softmax(u, offered), u a vector over the options"
        case .categorical: return "choice ~ categorical(p), p a vector of probabilities over the options"
        case .bernoulliLogit: return "y ~ bernoulli_logit(x), y a binary column, x a number"
        case .bernoulli: return "y ~ bernoulli(p), y a binary column, p a probability"
        case .wiener:
            return
                "choice ~ wiener(a, tau, beta, delta, RT), choice 1 (upper boundary) or 2 (lower), a the boundary separation, tau the non-decision time, beta the starting point as a fraction of a, delta the drift, RT the response time (data)"
        case .sequentialLogit:
            return
                "y ~ sequential_logit([x0, x1, …], stopped), y a count column, q(m) = x0 + x1·m + … the log-odds of going on at decision m, stopped 1 when the run was cut short"
        }
    }
}

import Foundation

/// Step-size adaptation by Nesterov's dual averaging (Nesterov 2009), as in Hoffman & Gelman
/// (2014, §3.2.1) and Stan's `stepsize_adaptation`:
///
///     t ← t + 1;  a ← min(1, accept_stat)
///     s̄ ← (1 − 1/(t + t₀)) s̄ + (δ − a)/(t + t₀)
///     x ← μ − √t/γ · s̄;            ε = eˣ   (the next iteration's step size)
///     x̄ ← t^(−κ) x + (1 − t^(−κ)) x̄;  final ε = e^x̄
///
/// with μ = log(10 ε₀), the shrinkage point, set from the step size found by the heuristic at
/// the start of warmup and again after each metric update (`restart`). δ is the target mean
/// acceptance statistic (adapt_delta, 0.8), γ = 0.05 the shrinkage strength, κ = 0.75 the
/// averaging decay, t₀ = 10 the damping of the first iterations. A NaN acceptance statistic
/// counts as 0 (it can only come from a failed trajectory).
public struct DualAveraging: Sendable, Equatable {
    public struct Parameters: Sendable, Equatable {
        public var gamma: Double
        public var kappa: Double
        public var t0: Double
        public init(gamma: Double = 0.05, kappa: Double = 0.75, t0: Double = 10) {
            self.gamma = gamma
            self.kappa = kappa
            self.t0 = t0
        }
    }

    public let target: Double
    public let parameters: Parameters
    public private(set) var mu: Double = 0
    public private(set) var counter: Double = 0
    public private(set) var sBar: Double = 0
    public private(set) var xBar: Double = 0

    public init(target: Double = 0.8, parameters: Parameters = .init(), initialStepSize: Double = 1) {
        self.target = target
        self.parameters = parameters
        restart(stepSize: initialStepSize)
    }

    /// Forget the history and shrink toward log(10 ε).
    public mutating func restart(stepSize: Double) {
        mu = Foundation.log(10 * stepSize)
        counter = 0
        sBar = 0
        xBar = 0
    }

    /// Learns from one iteration's acceptance statistic; returns the next step size.
    public mutating func update(acceptStat: Double) -> Double {
        counter += 1
        let a = acceptStat.isNaN ? 0 : min(1, acceptStat)
        let eta = 1 / (counter + parameters.t0)
        sBar = (1 - eta) * sBar + eta * (target - a)
        let x = mu - sBar * counter.squareRoot() / parameters.gamma
        let xEta = Foundation.pow(counter, -parameters.kappa)
        xBar = xEta * x + (1 - xEta) * xBar
        return Foundation.exp(x)
    }

    /// μ, t, s̄, x̄ (for checkpoints; `restore` puts them back).
    public var state: [Double] { [mu, counter, sBar, xBar] }

    mutating func restore(_ state: [Double]) {
        mu = state[0]; counter = state[1]; sBar = state[2]; xBar = state[3]
    }

    /// The step size kept after warmup: e^x̄.
    public var finalStepSize: Double { Foundation.exp(xBar) }
}

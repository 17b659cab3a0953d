/// Runs NUTS chains with one configuration.
///
/// ```swift
/// let sampler = Sampler(configuration: SamplerConfiguration(warmup: 1000, draws: 1000, seed: 7))
/// let chains = try sampler.runChains(chainIDs: [1, 2, 3, 4], threads: 4) { _ in MyModel(data) }
/// ```
public struct Sampler: Sendable {
    public var configuration: SamplerConfiguration

    public init(configuration: SamplerConfiguration) {
        self.configuration = configuration
    }
}

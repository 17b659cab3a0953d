import Foundation

/// Subject-level covariates entering the group location of every parameter (`--covariates`):
/// one value per subject and covariate, standardized to mean 0 and sd 1 across subjects so the
/// effects γ are per standard deviation and share one prior scale.
public struct SubjectCovariates: Sendable, Equatable {
    public let names: [String]
    /// S×Q column-major, standardized.
    public let values: [Double]
    public let subjectCount: Int
    /// Mean and sd of each covariate before standardizing (to report effects in raw units).
    public let means: [Double]
    public let standardDeviations: [Double]
    /// For a two-level text covariate, its levels coded 0 and 1 (in order of first appearance).
    public let levels: [String: [String]]

    public static let none = SubjectCovariates(
        names: [], values: [], subjectCount: 0, means: [], standardDeviations: [], levels: [:])

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }

    public init(
        names: [String], values: [Double], subjectCount: Int, means: [Double], standardDeviations: [Double],
        levels: [String: [String]]
    ) {
        self.names = names
        self.values = values
        self.subjectCount = subjectCount
        self.means = means
        self.standardDeviations = standardDeviations
        self.levels = levels
    }

    /// Standardizes raw per-subject values (`raw[q][s]`). Fails (returns the name) when a
    /// covariate does not vary across subjects.
    public static func standardized(names: [String], raw: [[Double]], levels: [String: [String]]) -> Result<
        SubjectCovariates, ConstantCovariate
    > {
        let S = raw.first?.count ?? 0
        var values = [Double](repeating: 0, count: S * names.count)
        var means: [Double] = [], sds: [Double] = []
        for (q, column) in raw.enumerated() {
            let mean = column.reduce(0, +) / Double(S)
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(S - 1, 1))
            let sd = variance.squareRoot()
            guard sd > 0, sd.isFinite else { return .failure(ConstantCovariate(name: names[q])) }
            means.append(mean)
            sds.append(sd)
            for s in 0..<S { values[q * S + s] = (column[s] - mean) / sd }
        }
        return .success(
            SubjectCovariates(
                names: names, values: values, subjectCount: S, means: means, standardDeviations: sds, levels: levels))
    }

    public struct ConstantCovariate: Error { public let name: String }
}

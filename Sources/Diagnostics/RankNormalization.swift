import Foundation

/// Rank normalization (Vehtari et al. 2021, §4.1): each value becomes
///
///     z = Φ⁻¹((r − 3/8) / (S − 2·3/8 + 1)),
///
/// where r is its fractional rank among all S values pooled over chains (ties share the
/// average of the ranks they span) and 3/8 is Blom's offset. The result is close to standard
/// normal whatever the marginal distribution, so R-hat and ESS computed on it exist even
/// when the mean or variance of the draws does not.
///
/// - Reference: G. Blom (1958), *Statistical Estimates and Transformed Beta-Variables*.
enum RankNormalization {
    /// Rank-normalized copy of `draws` (same chain layout), given the sort order of its values.
    /// The values must be free of NaN.
    static func zScale(_ draws: ChainDraws, order: SortOrder) -> ChainDraws {
        let ranks = order.fractionalRanks(draws.values)
        let c = 3.0 / 8.0
        let denominator = Double(ranks.count) - 2 * c + 1
        return ChainDraws(
            chainMajor: ranks.map { inverseNormalCDF(($0 - c) / denominator) },
            chainCount: draws.chainCount
        )
    }

    /// Rank-normalized copy of `draws`, sorting them first.
    static func zScale(_ draws: ChainDraws) -> ChainDraws {
        zScale(draws, order: SortOrder(draws.values))
    }
}

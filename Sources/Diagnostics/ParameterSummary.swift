import Foundation

/// The `summary.csv` row of one scalar quantity: location, spread and central 90% interval of
/// its posterior draws, and the convergence diagnostics that say whether to trust them.
///
/// Every field is computed over all chains pooled, as ArviZ's `summary`:
/// - `mean`, `sd`: sample mean and standard deviation (divisor S − 1);
/// - `q5`, `q50`, `q95`: the 5/50/95% quantiles, NumPy's default 'linear' method
///   (Hyndman & Fan type 7);
/// - `mcseMean`, `essBulk`, `essTail`, `rhat`: ``Convergence/mcseMean(_:)-(ChainDraws)``,
///   ``Convergence/essBulk(_:)-(ChainDraws)``, ``Convergence/essTail(_:)-(ChainDraws)``,
///   ``Convergence/splitRHat(_:)-(ChainDraws)``.
///
/// NaN: a quantity with any NaN or infinite draw, or with no draws, has every field NaN.
/// With fewer than 4 draws per chain the diagnostics are NaN (R̂ also with a single chain);
/// a constant quantity has R̂ = NaN, ESS = the number of draws and MCSE = 0 (as ArviZ).
public struct ParameterSummary: Sendable, Equatable {
    public var name: String
    public var mean: Double
    public var sd: Double
    public var mcseMean: Double
    public var q5: Double
    public var q50: Double
    public var q95: Double
    public var essBulk: Double
    public var essTail: Double
    public var rhat: Double

    public init(
        name: String, mean: Double, sd: Double, mcseMean: Double, q5: Double, q50: Double,
        q95: Double, essBulk: Double, essTail: Double, rhat: Double
    ) {
        self.name = name
        self.mean = mean
        self.sd = sd
        self.mcseMean = mcseMean
        self.q5 = q5
        self.q50 = q50
        self.q95 = q95
        self.essBulk = essBulk
        self.essTail = essTail
        self.rhat = rhat
    }

    /// The header line of `summary.csv` (no line terminator).
    public static let csvHeader = "name,mean,sd,mcse_mean,q5,q50,q95,ess_bulk,ess_tail,rhat"

    /// This summary as one `summary.csv` line (no line terminator), columns as ``csvHeader``.
    /// Numbers use Swift's shortest representation that reads back to the same double
    /// (`0.1`, `1e-05`, `1234.5`); NaN is written `nan` and infinities `inf`/`-inf`, which
    /// pandas, R's `read.csv` and NumPy all read back as such. The name is quoted (RFC 4180)
    /// only if it contains a comma, quote or line break.
    public var csvRow: String {
        let numbers = [mean, sd, mcseMean, q5, q50, q95, essBulk, essTail, rhat].map(Self.formatNumber)
        return ([Self.quoteIfNeeded(name)] + numbers).joined(separator: ",")
    }

    static func formatNumber(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }

    static func quoteIfNeeded(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// All fields NaN: what a quantity with non-finite or no draws reports.
    static func undefined(name: String) -> ParameterSummary {
        ParameterSummary(
            name: name, mean: .nan, sd: .nan, mcseMean: .nan, q5: .nan, q50: .nan,
            q95: .nan, essBulk: .nan, essTail: .nan, rhat: .nan)
    }
}

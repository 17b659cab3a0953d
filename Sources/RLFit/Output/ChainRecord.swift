import Sampling

/// One chain's draws and adaptation: what a chain file (Stan CSV) holds, written by
/// `StanCSVWriter` and `ChainFileStream`, read back by `StanCSVReader`, and what summaries,
/// reports and replays read.
///
/// A row is the seven sampler columns (`SamplerColumn`, CmdStan's order) followed by the
/// quantities (`columnNames`); read them by name (`sampler(_:)`, `quantity(_:)`,
/// `quantityPositions`), never by counting columns.
public struct ChainRecord: Sendable {
    /// The sampler's columns, first in every row: lp__, accept_stat__, stepsize__, treedepth__,
    /// n_leapfrog__, divergent__, energy__.
    public enum SamplerColumn: Int, CaseIterable, Sendable {
        case logDensity, acceptStat, stepSize, treeDepth, leapfrogs, divergent, energy
        /// The column's name in a chain file (NUTS's statistics, as CmdStan names them).
        public var name: String { SamplerStatistics.columnNames[rawValue] }
    }
    /// How many sampler columns open a row (7).
    public static let samplerColumnCount = SamplerColumn.allCases.count
    /// Their names, in order.
    public static let samplerColumnNames = SamplerColumn.allCases.map(\.name)

    /// Chain id (1-based, as `--chain-ids` and CmdStan's `id`).
    public var id: Int
    public var seed: UInt64
    /// The quantities' names (the columns after the sampler's).
    public var columnNames: [String]
    /// Row-major table, one row per saved draw (warmup rows first when saved): the sampler
    /// columns then the quantities.
    public var table: [Double]
    public var warmupRowCount: Int
    public var stepSize: Double
    /// The adapted inverse metric: the diagonal (diag) or the full matrix, row-major (dense).
    public var inverseMetric: [Double]
    public var denseMetric: Bool
    public var warmupSeconds: Double
    public var samplingSeconds: Double
    /// False when the run was interrupted: the file says so and is not named like a finished one.
    public var complete: Bool

    /// Values per row: the sampler columns and the quantities.
    public var rowWidth: Int { Self.samplerColumnCount + columnNames.count }
    public var rowCount: Int { rowWidth == 0 ? 0 : table.count / rowWidth }
    /// Rows after warmup.
    public var drawCount: Int { rowCount - warmupRowCount }

    /// The values at position `k` of a row (0-based, sampler columns first) over the
    /// post-warmup draws.
    public func column(_ k: Int) -> [Double] {
        (warmupRowCount..<rowCount).map { table[$0 * rowWidth + k] }
    }

    /// A sampler column over the post-warmup draws.
    public func sampler(_ c: SamplerColumn) -> [Double] { column(c.rawValue) }

    /// Quantity `k` (`columnNames[k]`) over the post-warmup draws.
    public func quantity(_ k: Int) -> [Double] { column(Self.samplerColumnCount + k) }

    /// Each quantity's position in a row (for `column(_:)` and the table).
    public var quantityPositions: [String: Int] {
        var index: [String: Int] = [:]
        for (k, name) in columnNames.enumerated() { index[name] = Self.samplerColumnCount + k }
        return index
    }

    /// The post-warmup rows as one row-major table.
    public var drawTable: ArraySlice<Double> { table[(warmupRowCount * rowWidth)...] }

    public init(
        id: Int, seed: UInt64, columnNames: [String], table: [Double], warmupRowCount: Int, stepSize: Double,
        inverseMetric: [Double], denseMetric: Bool, warmupSeconds: Double, samplingSeconds: Double, complete: Bool
    ) {
        self.id = id
        self.seed = seed
        self.columnNames = columnNames
        self.table = table
        self.warmupRowCount = warmupRowCount
        self.stepSize = stepSize
        self.inverseMetric = inverseMetric
        self.denseMetric = denseMetric
        self.warmupSeconds = warmupSeconds
        self.samplingSeconds = samplingSeconds
        self.complete = complete
    }
}

import ModelLanguage

/// The values a data column holds on answered trials, and whether they look like the coding
/// the model file documents (`values {…}` or `signs {…}` on a `data` line). Coding mistakes
/// (0/1 where a model expects +1/−1) are the most common user error and fit without
/// complaint, so `rlfit check` and `rlfit fit` warn about them.
public struct ColumnValues: Sendable, Equatable {
    public let column: String
    /// Distinct values with their counts, ascending.
    public let counts: [(value: Double, count: Int)]

    public static func == (a: ColumnValues, b: ColumnValues) -> Bool {
        a.column == b.column && a.counts.map(\.value) == b.counts.map(\.value)
            && a.counts.map(\.count) == b.counts.map(\.count)
    }

    public init(batch: TrialBatch, column: String) {
        self.column = column
        var tally: [Double: Int] = [:]
        let values = batch.column(column)
        for i in 0..<values.count where batch.answered[i] { tally[values[i], default: 0] += 1 }
        counts = tally.keys.sorted().map { ($0, tally[$0]!) }
    }

    /// "−1 (812), 1 (1188)" or, for many distinct values, the range and how many.
    public var description: String {
        if counts.count <= 8 {
            return counts.map { "\(TrialTableWriter.format($0.value)) (\($0.count))" }.joined(separator: ", ")
        }
        let lo = counts.first!.value, hi = counts.last!.value
        return "\(counts.count) distinct values from \(TrialTableWriter.format(lo)) to \(TrialTableWriter.format(hi))"
    }

    /// The real and binary columns a model reads, with their values in the batch.
    public static func all(batch: TrialBatch, model: ModelDefinition) -> [ColumnValues] {
        model.file.data.filter { $0.kind == .real || $0.kind == .binary }.map {
            ColumnValues(batch: batch, column: $0.name)
        }
    }

    /// A warning with the fix when the values do not fit the coding the model documents for
    /// the column; nil when they fit (or the model documents none).
    public func codingWarning(for model: ModelDefinition) -> String? {
        guard let declaration = model.file.data.first(where: { $0.name == column }),
            let expectation = declaration.expectation
        else { return nil }
        let seen = Set(counts.map(\.value))
        let documented: Set<Double>
        let fits: Bool
        switch expectation {
        case let .values(list):
            documented = Set(list)
            fits = seen.isSubset(of: documented)
        case let .signs(list):
            documented = Set(list)
            fits = Set(seen.map { $0 > 0 ? 1.0 : ($0 < 0 ? -1.0 : 0.0) }).isSubset(of: documented)
        }
        if fits { return nil }
        var text =
            "\(column): values \(description) do not match \(model.name)'s documented coding (\(declaration.coding))."
        if seen.isSubset(of: [0, 1]) && documented == [1, -1] {
            text +=
                " This looks like 0/1 coding: with 0 for a loss, unrewarded choices never push values below 0,"
                + " which changes the fitted learning rate and temperature. If 0 means a loss, recode 0 as -1."
        } else {
            text +=
                " The fit will use the values as given; if they are points or another scale, recode them"
                + " (e.g. sign(outcome)) or choose a model documented for that coding."
        }
        return text
    }

    /// Every coding warning for a batch.
    public static func warnings(batch: TrialBatch, model: ModelDefinition) -> [String] {
        all(batch: batch, model: model).compactMap { $0.codingWarning(for: model) }
    }
}

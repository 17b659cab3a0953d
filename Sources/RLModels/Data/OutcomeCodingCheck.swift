/// The outcome values a batch holds on answered trials, and whether they look like the coding
/// the model documents. Coding mistakes (0/1 where a model expects +1/−1) are the most common
/// user error and fit without complaint, so `rlfit check` and `rlfit fit` warn about them.
public struct OutcomeValues: Sendable, Equatable {
    /// Distinct values with their counts, ascending.
    public let counts: [(value: Double, count: Int)]

    public static func == (a: OutcomeValues, b: OutcomeValues) -> Bool {
        a.counts.map(\.value) == b.counts.map(\.value) && a.counts.map(\.count) == b.counts.map(\.count)
    }

    public init(batch: TrialBatch, column: String = "outcome") {
        self.init(batch: batch, values: batch.column(column))
    }

    /// The model's rewards (after its preprocessing, e.g. sign(outcome)).
    public init(batch: TrialBatch, model: ModelDefinition) {
        self.init(batch: batch, values: model.reward.rewards(batch))
    }

    init(batch: TrialBatch, values: [Double]) {
        var tally: [Double: Int] = [:]
        for i in 0..<values.count where batch.choice[i] >= 0 { tally[values[i], default: 0] += 1 }
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

    /// A warning with the fix when the values are not a subset of the model's documented
    /// coding; nil when they fit (or the model accepts any real outcome).
    public func codingWarning(for model: ModelDefinition) -> String? {
        guard let documented = model.documentedRewardValues else { return nil }
        let seen = Set(counts.map(\.value))
        if seen.isSubset(of: documented) { return nil }
        var text = "\(model.reward.description): values \(description) do not match \(model.name)'s documented coding (\(model.outcomeCoding))."
        if seen.isSubset(of: [0, 1]) && documented == [1, -1] {
            text += " This looks like 0/1 coding: with 0 for a loss, unrewarded choices never push values below 0,"
                + " which changes the fitted learning rate and temperature. If 0 means a loss, recode 0 as -1."
        } else {
            text += " The fit will use the values as given; if they are points or another scale, recode them"
                + " (e.g. sign(outcome)) or choose a model documented for that coding."
        }
        return text
    }
}

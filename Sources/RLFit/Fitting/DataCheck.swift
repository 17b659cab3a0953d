import Foundation
import RLModels

/// What `rlfit check` reports about a data file that passed validation.
public struct DataCheckReport: Sendable {
    public let file: String
    public let model: ModelDefinition
    public let batch: TrialBatch
    public let values: [ColumnValues]

    public init(file: String, model: ModelDefinition, batch: TrialBatch) {
        self.file = file
        self.model = model
        self.batch = batch
        self.values = ColumnValues.all(batch: batch, model: model)
    }

    /// Reads and validates `path` for `model` (the values it indexes with included); throws
    /// `DataError` on bad data.
    public static func check(path: String, model: ModelDefinition, requirements: DataRequirements? = nil) throws
        -> DataCheckReport
    {
        let batch = try TrialTableReader.read(path: path, requirements: requirements ?? model.data)
        try model.checkIndices(batch, dataFile: path)
        try model.checkOutcomeProbabilities(batch)
        try model.checkObservedOptionsOffered(batch, dataFile: path)
        try model.checkFiniteLikelihood(batch, dataFile: path)
        return DataCheckReport(file: path, model: model, batch: batch)
    }

    public var warnings: [String] {
        model.file.warnings.map(\.description) + values.compactMap { $0.codingWarning(for: model) }
            + ChoiceVariation.warnings(batch: batch, optionsFromData: model.optionCount == nil)
            + batch.readerNotes
    }

    /// The human-readable report.
    public var text: String {
        let b = batch
        var counts = [Int](repeating: 0, count: b.studySubjectCount)
        for (lane, n) in b.trialsPerLane.enumerated() { counts[b.laneSubject[lane]] += n }
        let (lo, hi) = (counts.min() ?? 0, counts.max() ?? 0)
        var blocks = [Int](repeating: 0, count: b.studySubjectCount)
        // With conditions, blocks are counted within a condition (every condition starts one).
        for (lane, n) in b.blocksPerLane.enumerated() {
            blocks[b.laneSubject[lane]] =
                b.hasConditions ? max(blocks[b.laneSubject[lane]], n) : blocks[b.laneSubject[lane]] + n
        }
        var lines = [
            "\(file): valid for \(model.name)",
            "  subjects        \(b.studySubjectCount)"
                + (b.hasConditions
                    ? "  (\(Set(b.laneConditions).count) conditions with separate values: \(Set(b.laneConditions).sorted().prefix(6).joined(separator: ", ")))"
                    : ""),
            "  trials          \(b.validTrialCount + b.missedTrialCount) rows (\(lo == hi ? "\(lo)" : "\(lo) to \(hi)") per subject)",
            "  missed trials   \(b.missedTrialCount)",
            "  blocks          \(blocks.min() == blocks.max() ? "\(blocks.first ?? 0)" : "\(blocks.min()!) to \(blocks.max()!)") per subject",
            "  options         \(b.optionCount)"
                + (b.choiceColumn != nil
                    ? " (chosen \(ChoiceVariation.choiceCounts(b).map(String.init).joined(separator: " / ")) times)"
                    : "")
        ]
        for (name, n) in b.levels.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(n) categories")
        }
        for v in values {
            lines.append("  \(v.column.padding(toLength: 15, withPad: " ", startingAt: 0)) \(v.description)")
        }
        // The model file's warnings say "file:line:column: warning:" themselves.
        for w in warnings { lines.append(w.hasPrefix(model.file.file + ":") ? w : "warning: " + w) }
        return lines.joined(separator: "\n")
    }
}

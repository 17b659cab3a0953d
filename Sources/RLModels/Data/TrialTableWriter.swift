/// Writes a batch in the hBayesDM trial-table format the reader accepts (tab-separated,
/// header `subjID  trial  [block]  <choice column>  <other columns, by name>`), one row per
/// trial in subject order; a missed trial is written with `NA` in every model column. Reading
/// the text back gives the same batch.
public enum TrialTableWriter {
    /// - Parameters:
    ///   - blockNumber: block label of each slot (T·S, time-major); the column is written when
    ///     given. Without it, blocks are numbered from the batch's block starts.
    public static func tsv(_ batch: TrialBatch, blockNumber: [Int]? = nil, writeBlockColumn: Bool? = nil) -> String {
        let S = batch.laneCount
        let names =
            (batch.choiceColumn.map { [$0] } ?? []) + batch.columns.keys.filter { $0 != batch.choiceColumn }.sorted()
        let withBlocks = writeBlockColumn ?? (batch.blocksPerLane.contains { $0 > 1 })
        var out = "subjID\ttrial" + (withBlocks ? "\tblock" : "")
        for n in names { out += "\t" + n }
        out += "\n"
        for s in 0..<S {
            var block = 0, trialInBlock = 0
            for t in 0..<batch.trialsPerLane[s] {
                let i = t * S + s
                if batch.blockStart[i] { block += 1; trialInBlock = 0 }
                trialInBlock += 1
                var row = batch.laneIDs[s] + "\t" + String(trialInBlock)
                if withBlocks { row += "\t" + String(blockNumber?[i] ?? block) }
                for n in names { row += "\t" + (batch.answered[i] ? format(batch.columns[n]![i]) : "NA") }
                out += row + "\n"
            }
        }
        return out
    }

    /// Integers without a decimal point; other values in Swift's shortest round-trip form.
    public static func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}

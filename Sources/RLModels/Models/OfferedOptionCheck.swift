import ModelLanguage

extension ModelDefinition {
    /// Rejects data in which an observed option was not among the options offered on its trial:
    /// `choice ~ softmax(u, offered)` gives such a choice probability 0 (log p = −∞), whatever the
    /// parameters, so no fit could start — or, worse, a likelihood that ignored the offered set
    /// would fit the wrong model. The offered set comes from the data alone (the checker
    /// enforces it), so one forward replay of every lane (in lane blocks) at the typical values
    /// finds every such trial; the first subject's first, in trial order, is named by its data row.
    public func checkObservedOptionsOffered(_ batch: TrialBatch, dataFile: String) throws {
        let observations = file.observations.filter { $0.distribution == .softmax && $0.arguments.count == 2 }
        guard !observations.isEmpty else { return }
        let code = try program(for: batch).compiled(for: .replay)
        let L = batch.laneCount
        try replayInBlocks(code, batch, point: typicalPoint(batch)) { machine, lanes -> Void? in
            for l in lanes {
                for t in 0..<batch.trialCount where batch.answered[t * L + l] {
                    for (column, _, _, location) in observations {
                        guard let probe = code.probeNames.firstIndex(of: "log_lik_\(column)"),
                            machine.probe(probe, trial: t, lane: l - lanes.lowerBound) == -.infinity
                        else { continue }
                        let name = file.data[column].name, row = Int(batch.sourceLine[t * L + l])
                        let source = batch.sourceColumns[name]
                        throw DataError(
                            file: dataFile, line: row > 0 ? row : nil, column: source?.position,
                            columnName: source?.header ?? name,
                            value: TrialTableWriter.format(batch.column(name)[t * L + l]),
                            problem:
                                "subject \(batch.laneIDs[l])'s \(name) on this row is not among the options offered on the trial (as \(file.file):\(location.line):\(location.column) reads them from the data), so the model gives it probability 0",
                            fix:
                                "correct this row's \(name), or the columns that say which options were offered; or leave \(name) empty to mark the trial missed"
                        )
                    }
                }
            }
            return nil
        }
    }
}

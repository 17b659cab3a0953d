/// The second of the reader's two passes over a trial table: decodes and checks each row and
/// writes its values straight into its place in the padded, time-major `TrialBatch` (lane and
/// trial from `LaneLayout`, the first pass), checking what spans rows on the way: covariates
/// constant within a subject, blocks (a new block where the label changes), trial numbers
/// increasing within subject and block (or within condition), a subject with at least one
/// answered trial. Rows are read in file order, so the first bad row is the one named.
struct BatchAssembler {
    let fileName: String
    let header: DelimitedText.Row
    let columns: TableColumns
    let requirements: DataRequirements
    let layout: LaneLayout

    /// What the checks that span a subject's rows need (a few values per subject).
    private struct Subject {
        var rowCount = 0
        var anyAnswered = false
        var lastBlock: String? = nil
        var lastTrial: Double? = nil
        var lastTrialLine = 0
        /// With a condition column: the last trial per (condition, block) stream.
        var lastTrialByStream: [String: (trial: Double, line: Int)] = [:]
        var firstLine = 0
        var covariates: [(value: String, line: Int)] = []
        var blockLabelsSeen: Set<String> = []
        var recurringBlockLabel: (label: String, line: Int)? = nil
    }

    private var subjects: [Subject]
    /// Subjects met so far in this pass (their numbers are the layout's).
    private var met: [Bool]
    /// The largest value of each option and index column.
    private var largest: [Double]
    /// The batch being filled: lanes × T, time-major (`t·lanes + lane`).
    private let laneCount: Int
    private var filled: [Int]
    /// With a condition column: each lane's last block label (a block starts where it changes).
    private var laneBlock: [String]
    private var answered: [Bool]
    private var blockStart: [Bool]
    private var line: [Int32]
    private var trialNumber: [Double]
    private var planes: [[Double]]

    init(
        fileName: String, header: DelimitedText.Row, columns: TableColumns, requirements: DataRequirements,
        layout: LaneLayout
    ) {
        self.fileName = fileName
        self.header = header
        self.columns = columns
        self.requirements = requirements
        self.layout = layout
        largest = [Double](repeating: 0, count: requirements.columns.count)
        subjects = [Subject](repeating: Subject(), count: layout.subjectIDs.count)
        met = [Bool](repeating: false, count: layout.subjectIDs.count)
        laneCount = layout.lanes.count
        let cells = layout.trialCount * laneCount
        filled = [Int](repeating: 0, count: laneCount)
        laneBlock = [String](repeating: "", count: columns.condition == nil ? 0 : laneCount)
        answered = [Bool](repeating: false, count: cells)
        blockStart = [Bool](repeating: false, count: cells)
        line = [Int32](repeating: 0, count: cells)
        trialNumber = [Double](repeating: 0, count: cells)
        planes = [[Double]](repeating: [Double](repeating: 0, count: cells), count: requirements.columns.count)
    }

    mutating func add(_ row: DelimitedText.Row) throws {
        let f = row.fields
        if f.count < header.fields.count {
            throw DataError(
                file: fileName, line: row.line, column: f.count + 1,
                problem: "short row: \(f.count) field\(f.count == 1 ? "" : "s"), the header has \(header.fields.count)",
                fix: "every row needs a value (possibly NA) for each header column; check for a missing delimiter")
        }
        if f.count > header.fields.count, let extra = f[header.fields.count...].firstIndex(where: { !$0.isEmpty }) {
            throw DataError(
                file: fileName, line: row.line, column: extra + 1, value: f[extra],
                problem: "long row: \(f.count) fields, the header has \(header.fields.count)",
                fix: "remove the extra values or add a header name for them")
        }
        func fail(_ col: Int, _ problem: String, _ fix: String) -> DataError {
            DataError(
                file: fileName, line: row.line, column: col + 1, columnName: header.fields[col], value: f[col],
                problem: problem, fix: fix)
        }
        let id = f[columns.subject]
        if TrialTableReader.isMissing(id) {
            throw fail(columns.subject, "missing subject id", "every row needs the id of the subject it belongs to")
        }
        // The first pass numbered every id of a row this long.
        let s = layout.subjectNumbers[id]!
        if !met[s] {
            if !id.unicodeScalars.contains(where: DataError.isVisible) {
                throw fail(
                    columns.subject, "the subject id has no visible character (\(DataError.shown(id)))",
                    "give every row a subject id you can read: spaces, separators and format characters alone are not an id"
                )
            }
            met[s] = true
            subjects[s].firstLine = row.line
        }

        // Covariates: one value per subject.
        for (j, col) in columns.covariates.enumerated() {
            let name = requirements.covariates[j], raw = f[col]
            if TrialTableReader.isMissing(raw) {
                throw fail(
                    col, "covariate '\(name)' is missing for subject '\(id)'",
                    "give every row of a subject that subject's value of '\(name)'")
            }
            if subjects[s].covariates.count <= j {
                subjects[s].covariates.append((raw, row.line))
            } else if subjects[s].covariates[j].value != raw {
                let first = subjects[s].covariates[j]
                throw fail(
                    col,
                    "covariate '\(name)' changes within subject '\(id)' (line \(first.line) has \"\(first.value)\")",
                    "a covariate describes a subject and must be the same on all of that subject's rows")
            }
        }

        // Block: a change of value starts a new block.
        var startsBlock = subjects[s].rowCount == 0
        if let bc = columns.block {
            if TrialTableReader.isMissing(f[bc]) {
                throw fail(bc, "missing block", "give every row the block it belongs to, or remove the block column")
            }
            if let previous = subjects[s].lastBlock, previous != f[bc] {
                startsBlock = true
                if subjects[s].blockLabelsSeen.contains(f[bc]) && subjects[s].recurringBlockLabel == nil {
                    subjects[s].recurringBlockLabel = (f[bc], row.line)
                }
            }
            subjects[s].blockLabelsSeen.insert(f[bc])
            subjects[s].lastBlock = f[bc]
        }
        if startsBlock { subjects[s].lastTrial = nil }

        // Trial: must increase within subject and block.
        var trial: Double? = nil
        if let tc = columns.trial {
            guard let value = DataNumber.parse(f[tc]), value.isFinite else {
                throw fail(
                    tc, "not a number",
                    "the trial column numbers each subject's trials (1, 2, 3, ...); remove the column if it is not that"
                )
            }
            trial = value
            if let cc = columns.condition {
                // Conditions interleave: trial increases within each condition (and block).
                let stream = f[cc] + "\u{1}" + (columns.block.map { f[$0] } ?? "")
                if let last = subjects[s].lastTrialByStream[stream], value <= last.trial {
                    throw fail(
                        tc,
                        "trial goes backwards for subject '\(id)' in condition '\(f[cc])' (line \(last.line) has trial \(TrialTableReader.formatNumber(last.trial)))",
                        "sort each subject's rows by trial within each condition")
                }
                subjects[s].lastTrialByStream[stream] = (value, row.line)
            } else {
                if let last = subjects[s].lastTrial, value <= last {
                    throw fail(
                        tc,
                        "trial goes backwards for subject '\(id)' (line \(subjects[s].lastTrialLine) has trial \(TrialTableReader.formatNumber(last)))",
                        columns.block == nil
                            ? "sort each subject's rows by trial; if trials restart because the task has blocks or conditions, add a 'block' column or pass --condition"
                            : "sort each subject's rows by trial within each block")
                }
                subjects[s].lastTrial = value
                subjects[s].lastTrialLine = row.line
            }
        }

        let decoded = try RowValues(
            fields: f, line: row.line, header: header, columns: columns, requirements: requirements, fileName: fileName)
        for k in decoded.values.indices { largest[k] = max(largest[k], decoded.values[k]) }
        var condition = ""
        if let cc = columns.condition {
            if TrialTableReader.isMissing(f[cc]) {
                throw fail(cc, "missing condition", "give every row the condition it belongs to, or drop --condition")
            }
            condition = f[cc]
        }
        // The row's place: its lane's next trial.
        let l = layout.lane(subject: s, condition: condition)
        let t = filled[l]
        filled[l] += 1
        let i = t * laneCount + l
        if columns.condition != nil {
            // Within a lane (one condition) a block starts at its first row and where the
            // block label changes.
            let block = columns.block.map { f[$0] } ?? ""
            blockStart[i] = t == 0 || block != laneBlock[l]
            laneBlock[l] = block
        } else {
            blockStart[i] = startsBlock
        }
        for k in decoded.values.indices { planes[k][i] = decoded.values[k] }
        answered[i] = decoded.answered
        line[i] = Int32(row.line)
        trialNumber[i] = trial ?? Double(t + 1)
        subjects[s].rowCount += 1
        if decoded.answered { subjects[s].anyAnswered = true }
    }

    /// The padded batch, once every row has been added.
    consuming func batch() throws -> TrialBatch {
        let req = requirements
        let order = layout.subjectIDs
        let firstObserved = req.columns.firstIndex(where: \.observed) ?? 0
        for (s, subject) in subjects.enumerated() where !subject.anyAnswered {
            let column = columns.model.isEmpty ? columns.subject : columns.model[firstObserved]
            throw DataError(
                file: fileName, line: subject.firstLine, column: column + 1, columnName: header.fields[column],
                problem: "subject '\(order[s])' has no trial with a response (\(subject.rowCount) rows, all missed)",
                fix: "remove that subject's rows; a subject without responses carries no information")
        }
        let (covariateValues, covariateLevels) = try covariates()

        var largestOption = 0.0
        var levels: [String: Int] = [:]
        for (k, c) in req.columns.enumerated() {
            switch c.kind {
            case .option: largestOption = max(largestOption, largest[k])
            case let .index(fixed): levels[c.name] = fixed ?? max(1, Int(largest[k]))
            default: break
            }
        }
        let optionCount = req.optionCount ?? max(Int(largestOption), 2)
        let lanes = layout.lanes
        let recurring =
            columns.condition != nil
            ? [] : subjects.enumerated().compactMap { s, subject in subject.recurringBlockLabel.map { (order[s], $0) } }
        var columnValues: [String: [Double]] = [:]
        for (k, c) in req.columns.enumerated() {
            columnValues[c.name] = planes[k]
            planes[k] = [] // the batch holds the only copy
        }
        var batch = TrialBatch(
            laneIDs: lanes.map {
                columns.condition == nil ? order[$0.subject] : "\(order[$0.subject]):\($0.condition)"
            },
            trialCount: layout.trialCount, optionCount: optionCount, answered: answered, columns: columnValues,
            choiceColumn: req.choiceColumn,
            levels: levels, blockStart: blockStart, trialsPerLane: lanes.map(\.rows), sourceLine: line,
            trialNumber: trialNumber,
            subjectCovariates: covariateValues, covariateLevels: covariateLevels,
            laneSubject: lanes.map(\.subject), studySubjectIDs: order,
            laneConditions: columns.condition == nil ? [] : lanes.map(\.condition))
        for (k, c) in req.columns.enumerated() {
            batch.sourceColumns[c.name] = .init(header: header.fields[columns.model[k]], position: columns.model[k] + 1)
        }
        if let (id, first) = recurring.first {
            batch.readerNotes.append(
                "block label '\(first.label)' comes back after another block for \(recurring.count) subject(s) (first: subject '\(id)', line \(first.line)): "
                    + "values reset at every change of label, so interleaved conditions are fitted as many short blocks. "
                    + "If the column marks conditions that keep separate values (e.g. PST pairs), pass it as --condition instead; "
                    + "if blocks really repeat, give each its own label.")
        }
        return batch
    }

    /// Covariates: numbers, or text with exactly two levels coded 0 and 1.
    private func covariates() throws -> (values: [String: [Double]], levels: [String: [String]]) {
        var covariateValues: [String: [Double]] = [:]
        var covariateLevels: [String: [String]] = [:]
        for (j, name) in requirements.covariates.enumerated() {
            let raw = subjects.map { $0.covariates[j] }
            if raw.allSatisfy({ DataNumber.parse($0.value)?.isFinite == true }) {
                covariateValues[name] = raw.map { DataNumber.parse($0.value)! }
                continue
            }
            var levels: [String] = []
            for r in raw where !levels.contains(r.value) { levels.append(r.value) }
            guard levels.count == 2 else {
                let bad = raw.first { DataNumber.parse($0.value)?.isFinite != true }!
                throw DataError(
                    file: fileName, line: bad.line, column: columns.covariates[j] + 1,
                    columnName: header.fields[columns.covariates[j]],
                    value: bad.value,
                    problem: DataNumber.parse(bad.value) != nil
                        ? "covariate '\(name)' is not a finite number"
                        : "covariate '\(name)' has \(levels.count) text levels (\(levels.prefix(5).map { DataError.shown($0, limit: 30) }.joined(separator: ", ")))",
                    fix:
                        "use numbers, or a label with exactly two levels (coded 0 and 1); for more levels add one 0/1 column per level but one"
                )
            }
            covariateValues[name] = raw.map { $0.value == levels[0] ? 0 : 1 }
            covariateLevels[name] = levels
        }
        return (covariateValues, covariateLevels)
    }
}

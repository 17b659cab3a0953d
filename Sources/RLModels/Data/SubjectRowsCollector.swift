/// Collects a trial table's rows per subject in file order (subjects in order of first
/// appearance), checking what spans rows: covariates constant within a subject, blocks (a new
/// block where the label changes), trial numbers increasing within subject and block (or
/// within condition), a subject with at least one answered trial. Then lays the study out as
/// one time-major `TrialBatch`, one lane per subject (or per subject × condition).
struct SubjectRowsCollector {
    let fileName: String
    let header: DelimitedText.Row
    let columns: TableColumns
    let requirements: DataRequirements

    private struct Subject {
        /// The model columns' values, row after row (`requirements.columns.count` per row): one
        /// array per subject, not one per row, so the rows cost their values and no more.
        var values: [Double] = []
        var answered: [Bool] = []
        var blockStart: [Bool] = []
        var line: [Int32] = []
        /// The row's `trial` value, when the file has the column.
        var trial: [Double] = []
        var lastBlock: String? = nil
        var lastTrial: Double? = nil
        var lastTrialLine = 0
        /// With a condition column: the last trial per (condition, block) stream.
        var lastTrialByStream: [String: (trial: Double, line: Int)] = [:]
        var firstLine = 0
        var covariates: [(value: String, line: Int)] = []
        /// Per row, with a condition column only: the condition and the block label, as numbers
        /// into `labels` (the lanes and their block starts are formed from them).
        var condition: [Int32] = []
        var blockLabel: [Int32] = []
        var blockLabelsSeen: Set<String> = []
        var recurringBlockLabel: (label: String, line: Int)? = nil
    }

    private var order: [String] = []
    private var index: [String: Int] = [:]
    private var subjects: [Subject] = []
    /// The largest value of each option and index column.
    private var largest: [Double]
    /// Condition and block labels met so far (with a condition column), numbered in order.
    private var labels: [String] = []
    private var labelNumbers: [String: Int32] = [:]

    init(fileName: String, header: DelimitedText.Row, columns: TableColumns, requirements: DataRequirements) {
        self.fileName = fileName
        self.header = header
        self.columns = columns
        self.requirements = requirements
        largest = [Double](repeating: 0, count: requirements.columns.count)
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
        let s: Int
        if let known = index[id] {
            s = known
        } else {
            if !id.unicodeScalars.contains(where: DataError.isVisible) {
                throw fail(
                    columns.subject, "the subject id has no visible character (\(DataError.shown(id)))",
                    "give every row a subject id you can read: spaces, separators and format characters alone are not an id"
                )
            }
            s = subjects.count
            index[id] = s
            order.append(id)
            var fresh = Subject()
            fresh.firstLine = row.line
            subjects.append(fresh)
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
        var startsBlock = subjects[s].answered.isEmpty
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
        if let tc = columns.trial {
            guard let trial = DataNumber.parse(f[tc]), trial.isFinite else {
                throw fail(
                    tc, "not a number",
                    "the trial column numbers each subject's trials (1, 2, 3, ...); remove the column if it is not that"
                )
            }
            subjects[s].trial.append(trial)
            if let cc = columns.condition {
                // Conditions interleave: trial increases within each condition (and block).
                let stream = f[cc] + "\u{1}" + (columns.block.map { f[$0] } ?? "")
                if let last = subjects[s].lastTrialByStream[stream], trial <= last.trial {
                    throw fail(
                        tc,
                        "trial goes backwards for subject '\(id)' in condition '\(f[cc])' (line \(last.line) has trial \(TrialTableReader.formatNumber(last.trial)))",
                        "sort each subject's rows by trial within each condition")
                }
                subjects[s].lastTrialByStream[stream] = (trial, row.line)
            } else {
                if let last = subjects[s].lastTrial, trial <= last {
                    throw fail(
                        tc,
                        "trial goes backwards for subject '\(id)' (line \(subjects[s].lastTrialLine) has trial \(TrialTableReader.formatNumber(last)))",
                        columns.block == nil
                            ? "sort each subject's rows by trial; if trials restart because the task has blocks or conditions, add a 'block' column or pass --condition"
                            : "sort each subject's rows by trial within each block")
                }
                subjects[s].lastTrial = trial
                subjects[s].lastTrialLine = row.line
            }
        }

        let decoded = try RowValues(
            fields: f, line: row.line, header: header, columns: columns, requirements: requirements, fileName: fileName)
        for k in decoded.values.indices { largest[k] = max(largest[k], decoded.values[k]) }
        if let cc = columns.condition {
            if TrialTableReader.isMissing(f[cc]) {
                throw fail(cc, "missing condition", "give every row the condition it belongs to, or drop --condition")
            }
            subjects[s].condition.append(labelNumber(f[cc]))
            subjects[s].blockLabel.append(labelNumber(columns.block.map { f[$0] } ?? ""))
        }
        subjects[s].values.append(contentsOf: decoded.values)
        subjects[s].answered.append(decoded.answered)
        subjects[s].blockStart.append(startsBlock)
        subjects[s].line.append(Int32(row.line))
    }

    private mutating func labelNumber(_ label: String) -> Int32 {
        if let n = labelNumbers[label] { return n }
        let n = Int32(labels.count)
        labels.append(label)
        labelNumbers[label] = n
        return n
    }

    /// The padded batch. Each subject's rows are released once its last lane is filled, so the
    /// rows and the batch are not both held whole.
    consuming func batch() throws -> TrialBatch {
        let req = requirements
        let firstObserved = req.columns.firstIndex(where: \.observed) ?? 0
        for (s, rows) in subjects.enumerated() where !rows.answered.contains(true) {
            let column = columns.model.isEmpty ? columns.subject : columns.model[firstObserved]
            throw DataError(
                file: fileName, line: rows.firstLine, column: column + 1, columnName: header.fields[column],
                problem: "subject '\(order[s])' has no trial with a response (\(rows.answered.count) rows, all missed)",
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
        // Lanes: a subject's rows, or with a condition column one lane per (subject, condition)
        // in order of first appearance; within a lane a block starts at its first row and where
        // the block label changes.
        var lanes: [(subject: Int, condition: String, rows: [Int])] = []
        for (s, rows) in subjects.enumerated() {
            if columns.condition == nil {
                lanes.append((s, "", Array(rows.answered.indices)))
                continue
            }
            var met: [Int32] = []
            var byLabel: [Int32: [Int]] = [:]
            for (r, label) in rows.condition.enumerated() {
                if byLabel[label] == nil { met.append(label) }
                byLabel[label, default: []].append(r)
            }
            for label in met { lanes.append((s, labels[Int(label)], byLabel[label]!)) }
        }
        let S = lanes.count
        let T = lanes.map { $0.rows.count }.max() ?? 0
        var answered = [Bool](repeating: false, count: T * S)
        var blockStart = [Bool](repeating: false, count: T * S)
        var line = [Int32](repeating: 0, count: T * S)
        var trialNumber = [Double](repeating: 0, count: T * S)
        var planes = [[Double]](repeating: [Double](repeating: 0, count: T * S), count: req.columns.count)
        let recurring =
            columns.condition != nil
            ? [] : subjects.enumerated().compactMap { s, rows in rows.recurringBlockLabel.map { (order[s], $0) } }
        let K = req.columns.count
        var lastLane = [Int](repeating: 0, count: subjects.count)
        for (l, lane) in lanes.enumerated() { lastLane[lane.subject] = l }
        for (l, lane) in lanes.enumerated() {
            let rows = subjects[lane.subject]
            if lastLane[lane.subject] == l { subjects[lane.subject] = Subject() }
            for (t, r) in lane.rows.enumerated() {
                let i = t * S + l
                answered[i] = rows.answered[r]
                blockStart[i] =
                    columns.condition == nil
                    ? rows.blockStart[r]
                    : (t == 0 || rows.blockLabel[r] != rows.blockLabel[lane.rows[t - 1]])
                line[i] = rows.line[r]
                trialNumber[i] = columns.trial == nil ? Double(t + 1) : rows.trial[r]
                for k in 0..<K { planes[k][i] = rows.values[r * K + k] }
            }
        }
        var columnValues: [String: [Double]] = [:]
        for (k, c) in req.columns.enumerated() { columnValues[c.name] = planes[k] }
        var batch = TrialBatch(
            laneIDs: lanes.map {
                columns.condition == nil ? order[$0.subject] : "\(order[$0.subject]):\($0.condition)"
            },
            trialCount: T, optionCount: optionCount, answered: answered, columns: columnValues,
            choiceColumn: req.choiceColumn,
            levels: levels, blockStart: blockStart, trialsPerLane: lanes.map { $0.rows.count }, sourceLine: line,
            trialNumber: trialNumber,
            subjectCovariates: covariateValues, covariateLevels: covariateLevels,
            laneSubject: lanes.map(\.subject), studySubjectIDs: order,
            laneConditions: columns.condition == nil ? [] : lanes.map(\.condition))
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

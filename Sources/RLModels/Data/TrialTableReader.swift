import Foundation

/// What a model needs from a trial table: how many options, and which numeric columns besides
/// `subjID` and `choice` (hBayesDM names, e.g. `outcome`, or `gain` and `loss`).
public struct DataRequirements: Sendable, Equatable {
    /// K when the model fixes it (bandit2arm: 2); nil to infer K as the largest choice seen.
    public let optionCount: Int?
    /// Required numeric columns, in hBayesDM's spelling.
    public let numericColumns: [String]
    /// Subject-level covariate columns (constant within a subject).
    public let covariates: [String]
    /// A column whose values are conditions keeping separate learned values (`--condition`).
    public let condition: String?
    /// The file's column for a model column, when they differ (`--columns subjID=subj_idx`).
    public let columnNames: [String: String]
    /// The number of the first option in the file: 1 (hBayesDM) or 0.
    public let firstOption: Int

    public init(optionCount: Int?, numericColumns: [String], covariates: [String] = [], condition: String? = nil,
                columnNames: [String: String] = [:], firstOption: Int = 1) {
        self.optionCount = optionCount
        self.numericColumns = numericColumns
        self.covariates = covariates
        self.condition = condition
        self.columnNames = columnNames
        self.firstOption = firstOption
    }
}

/// Reads an hBayesDM-format trial table (DESIGN.md §2) into a `TrialBatch`.
///
/// - Tab- or comma-separated, sniffed from the header (see `DelimitedText`).
/// - Header names match case- and underscore-insensitively, as hBayesDM does (`subjID` =
///   `subjid` = `SUBJ_ID`); unknown columns are ignored.
/// - Subjects keep the order of first appearance; a subject's rows keep file order (hBayesDM
///   takes rows in file order and never reads `trial`).
/// - `block` (optional): a new block starts whenever the value changes within a subject; the
///   learned values reset there.
/// - `trial` (optional): must increase within subject and block, else the file is rejected
///   (rows out of order would silently scramble learning).
/// - A missed trial (choice empty, `NA` or `NaN`) keeps its place in time and is masked.
/// - Every rejection is a `DataError` naming file, line, column, value, and the fix.
public enum TrialTableReader {
    /// Markers of a missing value (compared case-insensitively), as R and pandas write them.
    public static let missingMarkers: Set<String> = ["", "na", "nan", "null", "none", "."]

    /// Normalized column name: lower-cased, underscores removed (hBayesDM's rule).
    public static func normalize(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "_", with: "")
    }

    public static func isMissing(_ field: String) -> Bool {
        missingMarkers.contains(field.lowercased())
    }

    /// Reads and validates the file at `path` (named in errors as given).
    public static func read(path: String, requirements: DataRequirements) throws -> TrialBatch {
        let name = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(
                file: name, kind: .unreadable, problem: "cannot read the file (it does not exist or is not readable)",
                fix: "check the path; the data file is a tab- or comma-separated table with a header row")
        }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw DataError(file: name, problem: "the file is not text", fix: "save the table as UTF-8 text (TSV or CSV)")
        }
        return try parse(text: text, fileName: name, requirements: requirements)
    }

    /// Parses file contents already in memory; `fileName` is used in error messages.
    public static func parse(text: String, fileName: String, requirements req: DataRequirements) throws -> TrialBatch {
        let table = DelimitedText(text: text)
        guard let header = table.header else {
            throw DataError(
                file: fileName, line: 1, problem: "the file is empty",
                fix: "the file needs a header row (subjID, choice, \(req.numericColumns.joined(separator: ", "))) and one row per trial")
        }
        // Locate the columns.
        let normalized = header.fields.map(normalize)
        var aliases: [String: String] = [:]
        for (k, v) in req.columnNames { aliases[normalize(k)] = v }
        func locate(_ model: String, required: Bool) throws -> Int? {
            let wanted = aliases[normalize(model)] ?? model
            let key = normalize(wanted)
            let hits = normalized.indices.filter { normalized[$0] == key }
            if hits.count > 1 {
                throw DataError(
                    file: fileName, line: header.line, column: hits[1] + 1, columnName: header.fields[hits[1]],
                    problem: "column '\(wanted)' appears \(hits.count) times (names match ignoring case and underscores)",
                    fix: "rename or remove the duplicate columns so exactly one is called '\(wanted)'")
            }
            if hits.isEmpty && required {
                throw DataError(
                    file: fileName, line: header.line,
                    problem: "required column '\(wanted)' is missing; the header has: \(header.fields.joined(separator: ", "))",
                    fix: "add the column '\(wanted)' (names match ignoring case and underscores, e.g. subjID = subj_id)")
            }
            return hits.first
        }
        let subjectColumn = try locate("subjID", required: true)!
        let choiceColumn = try locate("choice", required: true)!
        let numericColumns = try req.numericColumns.map { try locate($0, required: true)! }
        let conditionColumn = try req.condition.map { name -> Int in
            guard let column = try locate(name, required: false) else {
                throw DataError(
                    file: fileName, line: header.line,
                    problem: "condition column '\(name)' (from --condition) is missing; the header has: \(header.fields.joined(separator: ", "))",
                    fix: "name an existing column in --condition (matched ignoring case and underscores)")
            }
            return column
        }
        let covariateColumns = try req.covariates.map { name -> Int in
            guard let column = try locate(name, required: false) else {
                throw DataError(
                    file: fileName, line: header.line,
                    problem: "covariate column '\(name)' (from --covariates) is missing; the header has: \(header.fields.joined(separator: ", "))",
                    fix: "name an existing subject-level column in --covariates (matched ignoring case and underscores), or add the column")
            }
            return column
        }
        let blockColumn = try locate("block", required: false)
        let trialColumn = try locate("trial", required: false)

        guard !table.rows.isEmpty else {
            throw DataError(
                file: fileName, line: header.line, problem: "the file has a header but no trials",
                fix: "add one row per trial below the header")
        }

        // Per-subject accumulation in file order.
        struct SubjectRows {
            var choice: [Int32] = []
            var values: [[Double]] = []
            var blockStart: [Bool] = []
            var line: [Int32] = []
            var lastBlock: String? = nil
            var lastTrial: Double? = nil
            var lastTrialLine = 0
            /// With a condition column: the last trial per (condition, block) stream.
            var lastTrialByStream: [String: (trial: Double, line: Int)] = [:]
            var firstLine = 0
            var covariates: [(value: String, line: Int)] = []
            var condition: [String] = []
            var blockLabel: [String] = []
            var blockLabelsSeen: Set<String> = []
            var recurringBlockLabel: (label: String, line: Int)? = nil
        }
        var order: [String] = []
        var index: [String: Int] = [:]
        var subjects: [SubjectRows] = []
        var largestChoice = 0

        for row in table.rows {
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
                DataError(file: fileName, line: row.line, column: col + 1, columnName: header.fields[col],
                          value: f[col], problem: problem, fix: fix)
            }
            let id = f[subjectColumn]
            if isMissing(id) {
                throw fail(subjectColumn, "missing subject id", "every row needs the id of the subject it belongs to")
            }
            let s: Int
            if let known = index[id] {
                s = known
            } else {
                s = subjects.count
                index[id] = s
                order.append(id)
                var fresh = SubjectRows()
                fresh.firstLine = row.line
                subjects.append(fresh)
            }

            // Covariates: one value per subject.
            for (j, col) in covariateColumns.enumerated() {
                let raw = f[col]
                if isMissing(raw) {
                    throw fail(col, "covariate '\(req.covariates[j])' is missing for subject '\(id)'",
                               "give every row of a subject that subject's value of '\(req.covariates[j])'")
                }
                if subjects[s].covariates.count <= j {
                    subjects[s].covariates.append((raw, row.line))
                } else if subjects[s].covariates[j].value != raw {
                    let first = subjects[s].covariates[j]
                    throw fail(col, "covariate '\(req.covariates[j])' changes within subject '\(id)' (line \(first.line) has \"\(first.value)\")",
                               "a covariate describes a subject and must be the same on all of that subject's rows")
                }
            }

            // Block: a change of value starts a new block.
            var startsBlock = subjects[s].choice.isEmpty
            if let bc = blockColumn {
                if isMissing(f[bc]) {
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
            if let tc = trialColumn {
                guard let trial = Double(f[tc]), trial.isFinite else {
                    throw fail(tc, "not a number", "the trial column numbers each subject's trials (1, 2, 3, ...); remove the column if it is not that")
                }
                if let cc = conditionColumn {
                    // Conditions interleave: trial increases within each condition (and block).
                    let stream = f[cc] + "\u{1}" + (blockColumn.map { f[$0] } ?? "")
                    if let last = subjects[s].lastTrialByStream[stream], trial <= last.trial {
                        throw fail(tc, "trial goes backwards for subject '\(id)' in condition '\(f[cc])' (line \(last.line) has trial \(formatNumber(last.trial)))",
                                   "sort each subject's rows by trial within each condition")
                    }
                    subjects[s].lastTrialByStream[stream] = (trial, row.line)
                } else {
                    if let last = subjects[s].lastTrial, trial <= last {
                        throw fail(
                            tc,
                            "trial goes backwards for subject '\(id)' (line \(subjects[s].lastTrialLine) has trial \(formatNumber(last)))",
                            blockColumn == nil
                                ? "sort each subject's rows by trial; if trials restart because the task has blocks or conditions, add a 'block' column or pass --condition"
                                : "sort each subject's rows by trial within each block")
                    }
                    subjects[s].lastTrial = trial
                    subjects[s].lastTrialLine = row.line
                }
            }

            // Choice: 1..K, or missing.
            var choice: Int32 = -1
            let rawChoice = f[choiceColumn]
            if !isMissing(rawChoice) {
                let first = req.firstOption
                let expected = req.optionCount.map { "an option number \(first)..\($0 + first - 1)" } ?? "an option number \(first), \(first + 1), \(first + 2), ..."
                guard let value = Double(rawChoice), value.isFinite, value == value.rounded(), abs(value) < 1e6 else {
                    throw fail(choiceColumn, "choice is not an integer; expected \(expected), or empty/NA/NaN for a missed trial",
                               "code choices as option numbers starting at 1")
                }
                let k = Int(value) + 1 - req.firstOption
                if k < 1 || (req.optionCount.map { k > $0 } ?? false) {
                    let fix = k == 0
                        ? "choices are numbered from 1 as in hBayesDM; if the file codes options from 0, pass --first-option 0"
                        : "code choices as option numbers 1..\(req.optionCount ?? max(k, 2)) (empty, NA or NaN for a missed trial)"
                    throw fail(choiceColumn, "choice \(Int(value)) is out of range; expected \(expected)", fix)
                }
                choice = Int32(k - 1)
                largestChoice = max(largestChoice, k)
            }

            // Numeric columns: required finite numbers on trials with a response.
            var values = [Double](repeating: 0, count: numericColumns.count)
            for (j, col) in numericColumns.enumerated() {
                let raw = f[col]
                if isMissing(raw) {
                    if choice >= 0 {
                        throw fail(col, "\(req.numericColumns[j]) is missing on a trial with a response",
                                   "give the \(req.numericColumns[j]) of every answered trial; if the trial was missed, leave the choice empty or NA as well")
                    }
                    continue
                }
                guard let v = Double(raw), v.isFinite else {
                    throw fail(col, "\(req.numericColumns[j]) is not a finite number",
                               "write \(req.numericColumns[j]) as a number (e.g. 1, -1, 0.5); use NA only on missed trials")
                }
                values[j] = choice >= 0 ? v : 0
            }
            if let cc = conditionColumn {
                if isMissing(f[cc]) {
                    throw fail(cc, "missing condition", "give every row the condition it belongs to, or drop --condition")
                }
                subjects[s].condition.append(f[cc])
            }
            subjects[s].blockLabel.append(blockColumn.map { f[$0] } ?? "")
            subjects[s].choice.append(choice)
            subjects[s].values.append(values)
            subjects[s].blockStart.append(startsBlock)
            subjects[s].line.append(Int32(row.line))
        }

        for (s, rows) in subjects.enumerated() where !rows.choice.contains(where: { $0 >= 0 }) {
            throw DataError(
                file: fileName, line: rows.firstLine, column: choiceColumn + 1, columnName: header.fields[choiceColumn],
                problem: "subject '\(order[s])' has no trial with a response (\(rows.choice.count) rows, all missed)",
                fix: "remove that subject's rows; a subject without responses carries no information")
        }

        // Covariates: numbers, or text with exactly two levels coded 0 and 1.
        var covariateValues: [String: [Double]] = [:]
        var covariateLevels: [String: [String]] = [:]
        for (j, name) in req.covariates.enumerated() {
            let raw = subjects.map { $0.covariates[j] }
            if raw.allSatisfy({ Double($0.value)?.isFinite == true }) {
                covariateValues[name] = raw.map { Double($0.value)! }
                continue
            }
            var levels: [String] = []
            for r in raw where !levels.contains(r.value) { levels.append(r.value) }
            guard levels.count == 2 else {
                let bad = raw.first { Double($0.value) == nil }!
                throw DataError(
                    file: fileName, line: bad.line, column: covariateColumns[j] + 1, columnName: header.fields[covariateColumns[j]],
                    value: bad.value, problem: "covariate '\(name)' has \(levels.count) text levels (\(levels.prefix(5).joined(separator: ", ")))",
                    fix: "use numbers, or a label with exactly two levels (coded 0 and 1); for more levels add one 0/1 column per level but one")
            }
            covariateValues[name] = raw.map { $0.value == levels[0] ? 0 : 1 }
            covariateLevels[name] = levels
        }

        let k = req.optionCount ?? max(largestChoice, 2)
        // Lanes: a subject's rows, or with a condition column one lane per (subject, condition)
        // in order of first appearance; within a lane a block starts at its first row and where
        // the block label changes.
        var lanes: [(subject: Int, condition: String, rows: [Int])] = []
        for (s, rows) in subjects.enumerated() {
            if conditionColumn == nil {
                lanes.append((s, "", Array(rows.choice.indices)))
                continue
            }
            var labels: [String] = []
            var byLabel: [String: [Int]] = [:]
            for (r, label) in rows.condition.enumerated() {
                if byLabel[label] == nil { labels.append(label) }
                byLabel[label, default: []].append(r)
            }
            for label in labels { lanes.append((s, label, byLabel[label]!)) }
        }
        let S = lanes.count
        let T = lanes.map { $0.rows.count }.max() ?? 0
        var choice = [Int32](repeating: -1, count: T * S)
        var blockStart = [Bool](repeating: false, count: T * S)
        var line = [Int32](repeating: 0, count: T * S)
        var columns = [String: [Double]]()
        var planes = [[Double]](repeating: [Double](repeating: 0, count: T * S), count: numericColumns.count)
        for (l, lane) in lanes.enumerated() {
            let rows = subjects[lane.subject]
            for (t, r) in lane.rows.enumerated() {
                let i = t * S + l
                choice[i] = rows.choice[r]
                blockStart[i] = conditionColumn == nil
                    ? rows.blockStart[r]
                    : (t == 0 || rows.blockLabel[r] != rows.blockLabel[lane.rows[t - 1]])
                line[i] = rows.line[r]
                for j in 0..<numericColumns.count { planes[j][i] = rows.values[r][j] }
            }
        }
        for (j, name) in req.numericColumns.enumerated() { columns[name] = planes[j] }
        var batch = TrialBatch(
            subjectIDs: lanes.map { conditionColumn == nil ? order[$0.subject] : "\(order[$0.subject]):\($0.condition)" },
            trialCount: T, optionCount: k, choice: choice, columns: columns,
            blockStart: blockStart, trialsPerSubject: lanes.map { $0.rows.count }, sourceLine: line,
            subjectCovariates: covariateValues, covariateLevels: covariateLevels,
            laneSubject: lanes.map(\.subject), studySubjectIDs: order,
            laneConditions: conditionColumn == nil ? [] : lanes.map(\.condition))
        let recurring = conditionColumn != nil ? [] : subjects.enumerated().compactMap { s, rows in rows.recurringBlockLabel.map { (order[s], $0) } }
        if let (id, first) = recurring.first {
            batch.readerNotes.append(
                "block label '\(first.label)' comes back after another block for \(recurring.count) subject(s) (first: subject '\(id)', line \(first.line)): "
                + "values reset at every change of label, so interleaved conditions are fitted as many short blocks. "
                + "If the column marks conditions that keep separate values (e.g. PST pairs), pass it as --condition instead; "
                + "if blocks really repeat, give each its own label.")
        }
        return batch
    }

    static func formatNumber(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

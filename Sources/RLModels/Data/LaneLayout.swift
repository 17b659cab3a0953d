/// The first of the reader's two passes over a trial table: which lane each row belongs to and
/// how many rows each lane has, from the subject (and condition) fields alone. The second pass
/// (`BatchAssembler`) then writes every row's values straight into the padded batch, so the
/// rows are never held as rows and the reader needs little more than the batch itself.
///
/// Lanes: one per subject in order of first appearance; with a condition column one per
/// (subject, condition), a subject's conditions in order of their first appearance. Rows this
/// pass cannot place (too short, no subject id, no condition) are passed over: the second pass
/// rejects them, in file order, with the error that names them (so a subject is numbered here
/// even when its rows lack a condition).
struct LaneLayout {
    private let subjectColumn: Int
    private let conditionColumn: Int?
    private let fieldCount: Int
    /// Subject ids in order of first appearance, and their numbers.
    private(set) var subjectIDs: [String] = []
    private(set) var subjectNumbers: [String: Int] = [:]
    /// Per subject: its conditions in order of first appearance ("" without a condition
    /// column), their positions, and each one's row count.
    private var conditions: [[String]] = []
    private var conditionPositions: [[String: Int]] = []
    private var rowCounts: [[Int]] = []
    /// Filled by `finish()`: the lanes, and each subject's first lane.
    private(set) var lanes: [(subject: Int, condition: String, rows: Int)] = []
    private var firstLane: [Int] = []

    init(columns: TableColumns, fieldCount: Int) {
        subjectColumn = columns.subject
        conditionColumn = columns.condition
        self.fieldCount = fieldCount
    }

    mutating func add(_ fields: [String]) {
        guard fields.count >= fieldCount else { return }
        let id = fields[subjectColumn]
        if TrialTableReader.isMissing(id) { return }
        let s: Int
        if let known = subjectNumbers[id] {
            s = known
        } else {
            s = subjectIDs.count
            subjectNumbers[id] = s
            subjectIDs.append(id)
            conditions.append([])
            conditionPositions.append([:])
            rowCounts.append([])
        }
        guard let conditionColumn else {
            // One lane per subject.
            if rowCounts[s].isEmpty { conditions[s] = [""]; rowCounts[s] = [0] }
            rowCounts[s][0] += 1
            return
        }
        let condition = fields[conditionColumn]
        if TrialTableReader.isMissing(condition) { return }
        if let c = conditionPositions[s][condition] {
            rowCounts[s][c] += 1
        } else {
            conditionPositions[s][condition] = conditions[s].count
            conditions[s].append(condition)
            rowCounts[s].append(1)
        }
    }

    /// Numbers the lanes once every row has been seen.
    mutating func finish() {
        for s in subjectIDs.indices {
            firstLane.append(lanes.count)
            for (c, condition) in conditions[s].enumerated() { lanes.append((s, condition, rowCounts[s][c])) }
        }
    }

    /// The longest lane's row count: the batch's trial count T.
    var trialCount: Int { lanes.map(\.rows).max() ?? 0 }

    /// The lane of a row of subject `s` in `condition` (a row the first pass placed).
    func lane(subject s: Int, condition: String) -> Int {
        conditionColumn == nil ? firstLane[s] : firstLane[s] + conditionPositions[s][condition]!
    }
}

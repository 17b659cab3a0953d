/// A whole study as one padded, masked batch: S lanes × T time steps × K options.
///
/// A lane is one stream of trials whose learned values evolve together: a subject, or — with a
/// condition column (`--condition`) — one subject's trials of one condition, each condition
/// keeping its own values (e.g. the PST's AB, CD and EF pairs) while the subject's parameters
/// are shared. `laneSubject` maps lanes to study subjects; without conditions it is the identity
/// and "lane" and "subject" coincide.
///
/// Arrays are **time-major**: the entry for time step t and lane s is at `t * S + s`, so one
/// step of the model reads S contiguous values. T is the longest subject's trial count. A slot
/// is masked (not `answered`) when the subject missed the trial (an observed column empty,
/// `NA` or `NaN`) or the subject has fewer trials (padding); masked slots add nothing to the
/// likelihood and do not update the learned values, but a missed trial keeps its place in time.
public struct TrialBatch: Sendable, Equatable {
    /// Number of lanes S: a lane is one subject's trials, or with a condition column one
    /// subject's trials in one condition (`laneSubject` says whose).
    public let laneCount: Int
    /// Number of time steps T (the longest subject's row count).
    public let trialCount: Int
    /// Number of options K.
    public let optionCount: Int
    /// Each lane's id: the subject id as written in the data (in order of first appearance), or
    /// `subject:condition` with conditions.
    public let laneIDs: [String]
    /// Whether the slot is an answered trial (every observed column present); T·S, time-major.
    public let answered: [Bool]
    /// The model's data columns by name, each T·S, time-major: option and category numbers
    /// from 1 (0 where missing), 0/1 for binary columns, reals (0 where missing).
    public let columns: [String: [Double]]
    /// The column reports treat as the choice (the model's first observed option column).
    public let choiceColumn: String?
    /// Each index column's number of categories.
    public let levels: [String: Int]
    /// The choice (`choiceColumn`), 0-based, or −1 for a missed trial or padding; T·S. Without
    /// a choice column, 0 on answered trials.
    public let choice: [Int32]
    /// True at the first trial of each block of each subject (and at t = 0); T·S, time-major.
    public let blockStart: [Bool]
    /// Rows per lane, missed trials included.
    public let trialsPerLane: [Int]
    /// Trials with a response, per lane.
    public let validTrialsPerLane: [Int]
    /// Blocks per lane.
    public let blocksPerLane: [Int]
    /// Source line of each slot in the data file (0 for padding or simulated data); T·S.
    public let sourceLine: [Int32]
    /// Each slot's trial number as the data file gives it (its `trial` column), else the
    /// slot's position in its lane, 1, 2, …; T·S (0 for padding). Output files that list
    /// trials (trajectories, log_lik_trial, ppc) print these, so rows match the data's.
    public let trialNumber: [Double]
    /// Subject-level covariates as read (one raw value per subject), by column name.
    public let subjectCovariates: [String: [Double]]
    /// For a two-level text covariate, its labels in the order coded 0, 1.
    public let covariateLevels: [String: [String]]
    /// Things the reader noticed that may be mistakes but are valid (shown as warnings).
    public var readerNotes: [String] = []
    /// Where each model column came from in the data file: its header's name and 1-based
    /// position (empty for simulated batches), so an error found after reading names the cell.
    public var sourceColumns: [String: SourceColumn] = [:]
    public struct SourceColumn: Sendable, Equatable {
        public let header: String
        public let position: Int
    }
    /// The study subject of each lane (index into `studySubjectIDs`).
    public let laneSubject: [Int]
    /// Study subject ids, in order of first appearance (= `laneIDs` without conditions).
    public let studySubjectIDs: [String]
    /// The condition label of each lane (empty without conditions).
    public let laneConditions: [String]

    /// Number of study subjects.
    public var studySubjectCount: Int { studySubjectIDs.count }
    /// Whether lanes are conditions within subjects.
    public var hasConditions: Bool { !laneConditions.isEmpty }

    public init(
        laneIDs: [String], trialCount: Int, optionCount: Int, answered: [Bool],
        columns: [String: [Double]], choiceColumn: String?, levels: [String: Int] = [:], blockStart: [Bool],
        trialsPerLane: [Int],
        sourceLine: [Int32]? = nil, trialNumber: [Double]? = nil, subjectCovariates: [String: [Double]] = [:],
        covariateLevels: [String: [String]] = [:],
        laneSubject: [Int]? = nil, studySubjectIDs: [String]? = nil, laneConditions: [String] = []
    ) {
        let s = laneIDs.count
        precondition(answered.count == s * trialCount && blockStart.count == s * trialCount)
        precondition(choiceColumn.map { columns[$0] != nil } ?? true)
        precondition(columns.values.allSatisfy { $0.count == s * trialCount })
        precondition(trialsPerLane.count == s)
        self.laneCount = s
        self.trialCount = trialCount
        self.optionCount = optionCount
        self.laneIDs = laneIDs
        self.answered = answered
        self.columns = columns
        self.choiceColumn = choiceColumn
        self.levels = levels
        let chosen = choiceColumn.map { columns[$0]! }
        self.choice = (0..<(s * trialCount)).map { i in answered[i] ? Int32((chosen?[i] ?? 1) - 1) : -1 }
        self.blockStart = blockStart
        self.trialsPerLane = trialsPerLane
        self.sourceLine = sourceLine ?? [Int32](repeating: 0, count: s * trialCount)
        precondition(trialNumber.map { $0.count == s * trialCount } ?? true)
        self.trialNumber =
            trialNumber
            ?? (0..<(s * trialCount)).map { i in
                i / s < trialsPerLane[i % s] ? Double(i / s + 1) : 0
            }
        let lanes = laneSubject ?? Array(0..<s)
        let studyIDs = studySubjectIDs ?? laneIDs
        precondition(lanes.count == s && lanes.allSatisfy { $0 < studyIDs.count })
        precondition(subjectCovariates.values.allSatisfy { $0.count == studyIDs.count })
        self.laneSubject = lanes
        self.studySubjectIDs = studyIDs
        self.laneConditions = laneConditions
        self.subjectCovariates = subjectCovariates
        self.covariateLevels = covariateLevels
        var valid = [Int](repeating: 0, count: s)
        var blocks = [Int](repeating: 0, count: s)
        for t in 0..<trialCount {
            for j in 0..<s {
                if answered[t * s + j] { valid[j] += 1 }
                if blockStart[t * s + j] && t < trialsPerLane[j] { blocks[j] += 1 }
            }
        }
        self.validTrialsPerLane = valid
        self.blocksPerLane = blocks
    }

    /// A data column by its model name (`outcome`, `gain`, ...). Traps when absent: the reader
    /// guarantees every column the model declares.
    public func column(_ name: String) -> [Double] {
        guard let c = columns[name] else { preconditionFailure("TrialBatch has no column '\(name)'") }
        return c
    }

    /// Total missed trials (rows with no response), padding excluded.
    public var missedTrialCount: Int {
        zip(trialsPerLane, validTrialsPerLane).reduce(0) { $0 + $1.0 - $1.1 }
    }

    /// Total trials with a response.
    public var validTrialCount: Int { validTrialsPerLane.reduce(0, +) }

    /// Index of (time step t, lane s) in the time-major arrays.
    @inlinable
    public func index(t: Int, subject s: Int) -> Int { t * laneCount + s }
}

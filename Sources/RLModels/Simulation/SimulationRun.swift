import ModelLanguage
import Randomness

/// What every task's simulation shares: the model, the study's shape and blocks, the subjects
/// drawn (z, θ), and per subject its random stream (Philox stream s + 1; stream 0 gave the
/// subjects' parameters). A task builds the model's simulation machine from the columns it
/// produces (`machine`), sets the missed trials (`drawMissed`), and wraps its columns into
/// the study (`study`).
public struct SimulationRun {
    public let model: ModelDefinition
    public let subjects: Int
    public let trials: Int
    let layout: StudySimulator.BlockLayout
    public let missingProbability: Double
    public let seed: UInt64
    public let group: GroupValues
    public let z: [Double]
    public let theta: [Double]

    /// Per subject, its trials' random stream.
    func streams() -> [Philox] { (0..<subjects).map { Philox(seed: seed, stream: UInt64($0) + 1) } }

    /// An empty column (T·S, time-major).
    var emptyColumn: [Double] { [Double](repeating: 0, count: trials * subjects) }

    /// The first trial of block b (0-based) and its length.
    func block(of trial: Int) -> (start: Int, length: Int) {
        let b = layout.blockOfTrial[trial]
        return (layout.startIndex[b], layout.startIndex[b + 1] - layout.startIndex[b])
    }

    /// The model's simulation machine for a study with these columns (every column the model
    /// declares, zero until the task writes it), and where each column's plane is.
    func machine(choiceColumn: String?, optionCount: Int, levels: [String: Int] = [:]) throws -> (
        LaneMachine, plane: (String) -> Int?
    ) {
        var columns: [String: [Double]] = [:]
        for c in model.file.data { columns[c.name] = emptyColumn }
        let skeleton = TrialBatch(
            laneIDs: subjectIDs, trialCount: trials, optionCount: optionCount,
            answered: [Bool](repeating: true, count: trials * subjects), columns: columns,
            choiceColumn: choiceColumn, levels: levels, blockStart: layout.blockStart,
            trialsPerLane: [Int](repeating: trials, count: subjects))
        let (machine, _) = try model.machine(for: skeleton, purpose: .simulation)
        let planes = machine.code.dataPlanes
        let dataIndex = model.file.dataIndex
        return (machine, { name in dataIndex(name).flatMap { planes[$0] } })
    }

    /// The simulation loop every task shares: each subject's random stream (`streams()`), the
    /// study's missed trials, and the machine run over the subjects' θ. Before trial t: the
    /// missed draws (`drawMissed`, unless `drawsMissed` is false and `trialStart` makes them),
    /// then `trialStart(t, &streams, &missed)` (the task's stimuli, subject by subject); at
    /// each response the machine samples, `respond(draw, &stream of the draw's subject, whether
    /// the trial is missed)` draws it and returns the value the model reads. Returns the missed
    /// trials (T·S, time-major).
    func simulate(
        machine: LaneMachine, drawsMissed: Bool = true,
        trialStart: (_ trial: Int, _ streams: inout [Philox], _ missed: inout [Bool]) -> Void = { _, _, _ in },
        respond: (_ draw: LaneMachine.Draw, _ stream: inout Philox, _ missed: Bool) -> Double
    ) throws -> [Bool] {
        var streams = streams()
        var missed = [Bool](repeating: false, count: trials * subjects)
        // The first response whose distribution is not a number (a division by zero or the log
        // of a negative number in the file): the study would be drawn from garbage.
        var nonFinite: LaneMachine.Draw?
        theta.withUnsafeBufferPointer { th in
            machine.simulate(
                theta: th.baseAddress!,
                trialStart: { t in
                    if drawsMissed { drawMissed(trial: t, machine: machine, rngs: &streams, missed: &missed) }
                    trialStart(t, &streams, &missed)
                },
                draw: { d in
                    if nonFinite == nil && !d.probabilities.allSatisfy(\.isFinite) { nonFinite = d }
                    return respond(d, &streams[d.lane], missed[d.trial * subjects + d.lane])
                })
        }
        if let d = nonFinite {
            let name = model.file.data[d.column].name
            throw ModelFileError(
                file: model.file.file, location: model.file.observations.first { $0.column == d.column }?.location,
                problem:
                    "the distribution of '\(name)' is not a number (\(d.probabilities.map { $0.isNaN ? "NaN" : TrialTableWriter.format($0) }.joined(separator: ", "))) on simulated subject \(d.lane + 1)'s trial \(d.trial + 1), so no study can be drawn from it",
                fix:
                    "look in what this observation reads for a division by zero or the log of a value that can be zero or negative; `rlfit trajectories` on a fit shows every value per trial"
            )
        }
        return missed
    }

    /// Whether each of trial t's subjects misses it (one uniform draw per subject, always
    /// made), written into `missed` and the machine's answered plane.
    func drawMissed(trial t: Int, machine: LaneMachine, rngs: inout [Philox], missed: inout [Bool]) {
        for s in 0..<subjects {
            missed[t * subjects + s] = rngs[s].nextUniform() < missingProbability
            machine.setPlaneValue(MachineCode.answeredPlane, trial: t, lane: s, missed[t * subjects + s] ? 0 : 1)
        }
    }

    var subjectIDs: [String] { (1...subjects).map(String.init) }

    /// The study of a task whose one response is binary and whose one other column,
    /// `stimulus`, is drawn per subject before each trial by `value(trial, subject, stream)`
    /// (the ultimatum game's offers, the HGF's inputs): per trial, the missed draw, the
    /// stimulus, then the response (1 with the model's probability).
    func binaryResponses(
        to stimulus: String, task: any SimulatedTask,
        value: (_ trial: Int, _ subject: Int, inout Philox) -> Double
    ) throws -> SimulatedStudy {
        let S = subjects
        let responseName = model.file.data.first(where: \.observed)!.name
        let (machine, plane) = try machine(choiceColumn: nil, optionCount: 2)
        let stimulusPlane = plane(stimulus)
        var shown = emptyColumn, response = emptyColumn
        let missed = try simulate(
            machine: machine,
            trialStart: { t, streams, _ in
                for s in 0..<S {
                    shown[t * S + s] = value(t, s, &streams[s])
                    if let p = stimulusPlane { machine.setPlaneValue(p, trial: t, lane: s, shown[t * S + s]) }
                }
            },
            respond: { d, stream, missed in
                let one = stream.nextUniform() < d.probabilities[0]
                if !missed { response[d.trial * S + d.lane] = one ? 1 : 0 }
                return one ? 1 : 0
            })
        var columns: [String: [Double]] = [responseName: response]
        // A missed trial's row has no values (as a file's NA row reads).
        if model.file.dataIndex(stimulus) != nil { columns[stimulus] = zip(shown, missed).map { $1 ? 0 : $0 } }
        return study(columns: columns, missed: missed, choiceColumn: nil, optionCount: 2, task: task)
    }

    /// The simulated study from the task's columns (a missed trial's values are whatever the
    /// task left there; the batch marks the trial unanswered).
    func study(
        columns: [String: [Double]], missed: [Bool], choiceColumn: String?, optionCount: Int,
        levels: [String: Int] = [:],
        task: any SimulatedTask
    ) -> SimulatedStudy {
        let batch = TrialBatch(
            laneIDs: subjectIDs, trialCount: trials, optionCount: optionCount, answered: missed.map { !$0 },
            columns: columns, choiceColumn: choiceColumn, levels: levels, blockStart: layout.blockStart,
            trialsPerLane: [Int](repeating: trials, count: subjects))
        return SimulatedStudy(
            batch: batch, blockNumber: layout.blockNumber, group: group, z: z, theta: theta,
            taskDescription: task.description(for: model))
    }
}

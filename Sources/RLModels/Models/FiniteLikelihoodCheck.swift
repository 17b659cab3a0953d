import ModelLanguage

/// Where a study's log-likelihood first stops being finite at one parameter point, and why:
/// the first subject (lane) and trial whose log p is NaN or ±∞, and, when a state element had
/// already become non-finite, the trial whose update made it so.
public struct NonFiniteLikelihood: Sendable, Equatable {
    /// A named value of the replay (a state element, a local, a log p) on one trial.
    public struct Value: Sendable, Equatable {
        public let name: String
        public let value: Double
    }

    public let lane: Int
    /// The observed column whose log p is not finite, and that log p.
    public let observation: Value
    /// The 0-based trial of that observation.
    public let trial: Int
    /// The first state element found non-finite before the observation's trial (nil when
    /// every state element stayed finite), and the trial whose update (or, at a block start,
    /// whose initial values) made it so.
    public let state: Value?
    public let causeTrial: Int
    /// Whether `state` is non-finite at its block's start (its initial value), not after an update.
    public let initialValue: Bool
    /// Every other value the replay reports on the cause trial that is not finite (the
    /// trial's locals and probabilities), in the file's order.
    public let otherValues: [Value]
    /// How many other subjects' log-likelihoods are not finite either.
    public var otherSubjects = 0
}

extension ModelDefinition {
    /// Replays every lane of the batch at the parameters' typical values (`typicalPoint`) and
    /// returns the first lane — then the first trial — whose log p of an observation that
    /// counts is NaN or ±∞, with its cause and how many other subjects have one; nil when the
    /// log-likelihood is finite everywhere.
    /// Lanes run in blocks of at most `LaneLikelihood.defaultLanesPerBlock`, so memory does not
    /// grow with the study.
    ///
    /// A fit cannot start where this is not nil (the log density is not finite there), and a
    /// typical-value point that fails almost always means a data value the model cannot take
    /// (a divisor of 0, an outcome of another scale), so `rlfit check` reports it and a fit whose
    /// initialization fails names it. Non-finite locals alone are not reported: a branch not
    /// taken may compute 0/0 (both sides of an `if` are evaluated, one kept).
    public func firstNonFiniteLikelihood(_ batch: TrialBatch) throws -> NonFiniteLikelihood? {
        let point = typicalPoint(batch)
        let code = try program(for: batch).compiled(for: .replay)
        let names = code.probeNames
        let stateNames = Set(file.states.map(\.name))
        var logProbabilities: [(probe: Int, column: String)] = []
        var states: [Int] = []
        var others: [Int] = []
        for (k, name) in names.enumerated() {
            if name.hasPrefix("log_lik_"), let c = Int(name.dropFirst("log_lik_".count)) {
                logProbabilities.append((k, file.data[c].name))
            } else if stateNames.contains(String(name.prefix { $0 != "[" })) {
                states.append(k)
            } else {
                others.append(k)
            }
        }
        guard !logProbabilities.isEmpty else { return nil }
        let L = batch.laneCount, T = batch.trialCount
        var first: NonFiniteLikelihood?
        var failingSubjects = Set<Int>()
        replayInBlocks(code, batch, point: point) { machine, lanes -> Void? in
            for l in lanes {
                let m = l - lanes.lowerBound
                func value(_ probe: Int, _ t: Int) -> Double { machine.probe(probe, trial: t, lane: m) }
                let answered = (0..<T).filter { batch.answered[$0 * L + l] }
                guard
                    let (t, observation) = answered.lazy.compactMap({ t in
                        logProbabilities.first { !value($0.probe, t).isFinite }.map { (t, $0) }
                    }).first
                else { continue }
                failingSubjects.insert(batch.hasConditions ? batch.laneSubject[l] : l)
                guard first == nil else { continue }
                var state: NonFiniteLikelihood.Value?
                var cause = t, initial = false
                for (position, s) in answered.enumerated() where s <= t {
                    guard let k = states.first(where: { !value($0, s).isFinite }) else { continue }
                    state = .init(name: names[k], value: value(k, s))
                    initial = position == 0 || batch.blockStart[s * L + l]
                    cause = initial ? s : answered[position - 1]
                    break
                }
                first = NonFiniteLikelihood(
                    lane: l,
                    observation: .init(name: observation.column, value: value(observation.probe, t)),
                    trial: t, state: state, causeTrial: cause, initialValue: initial,
                    otherValues: others.filter { !value($0, cause).isFinite }.map {
                        .init(name: names[$0], value: value($0, cause))
                    })
            }
            return nil
        }
        first?.otherSubjects = failingSubjects.count - 1
        return first
    }

    /// Replays the batch's lanes in blocks of at most `LaneLikelihood.defaultLanesPerBlock`
    /// (one machine's memory, whatever the study's size) at `point` ([parameter][lane], natural
    /// scale), handing each replayed block to `inspect` with its lanes; returns the first
    /// non-nil answer (the blocks in lane order), or nil.
    func replayInBlocks<Answer>(
        _ code: MachineCode, _ batch: TrialBatch, point: [[Double]],
        inspect: (LaneMachine, Range<Int>) throws -> Answer?
    ) rethrows -> Answer? {
        let L = batch.laneCount, size = LaneLikelihood.defaultLanesPerBlock
        for first in Swift.stride(from: 0, to: L, by: size) {
            let lanes = first..<min(first + size, L)
            let machine = loadedMachine(code, batch, lanes: lanes)
            let flat = point.flatMap { values in lanes.map { values[$0] } }
            flat.withUnsafeBufferPointer { machine.replay(theta: $0.baseAddress!) }
            if let answer = try inspect(machine, lanes) { return answer }
        }
        return nil
    }

    /// Each parameter's typical value per lane (parameter-major: [p][lane]); a parameter whose
    /// upper bound comes from the data (`in (RTbound, min(RT))`) takes the middle of the lane's
    /// subject's own range, where its fit starts the group median (Φ(0) = ½), since the
    /// nominal typical value may lie beyond a subject's fastest response.
    func typicalPoint(_ batch: TrialBatch) -> [[Double]] {
        let uppers = subjectUpperBounds(batch)
        return parameters.enumerated().map { p, spec in
            (0..<batch.laneCount).map { lane in
                guard let subjects = uppers[p] else { return spec.typicalValue }
                let s = batch.hasConditions ? batch.laneSubject[lane] : lane
                return (spec.bounds.lower + subjects[s]) / 2
            }
        }
    }

    /// `rlfit check`'s use of `firstNonFiniteLikelihood` at the typical values: a `DataError`
    /// naming the data row whose values make the model's log-likelihood not finite.
    public func checkFiniteLikelihood(_ batch: TrialBatch, dataFile: String) throws {
        guard let finding = try firstNonFiniteLikelihood(batch) else { return }
        throw nonFiniteLikelihoodError(finding, batch: batch, dataFile: dataFile)
    }

    /// The data error that explains a `NonFiniteLikelihood` found at the typical values: the
    /// row of the cause trial with its values, what became non-finite, and the fix.
    public func nonFiniteLikelihoodError(
        _ finding: NonFiniteLikelihood, batch: TrialBatch, dataFile: String, context: String = ""
    ) -> DataError {
        let L = batch.laneCount, l = finding.lane
        func format(_ x: Double) -> String { x.isNaN ? "NaN" : TrialTableWriter.format(x) }
        func rowText(_ t: Int) -> String {
            let row = Int(batch.sourceLine[t * L + l])
            return "trial \(t + 1)" + (row > 0 ? " (data line \(row))" : "")
        }
        let values = typicalPoint(batch)
        let point = parameters.indices.map { "\(parameters[$0].name) = \(TrialTableWriter.format(values[$0][l]))" }
            .joined(separator: ", ")
        let subject = "subject \(batch.laneIDs[l])"
        let observed = file.observations.first { file.data[$0.column].name == finding.observation.name }
        let at = observed.map { " (\(file.file):\($0.location.line):\($0.location.column))" } ?? ""
        var problem =
            "\(context)\(subject)'s log p of '\(finding.observation.name)'\(at) is \(format(finding.observation.value)) on \(rowText(finding.trial)) at the model's typical parameter values (\(point))"
        if let state = finding.state {
            problem +=
                finding.initialValue
                ? ": the initial value of \(state.name) is \(format(state.value))"
                : ": \(state.name) became \(format(state.value)) in the update of \(rowText(finding.causeTrial))"
        }
        if !finding.otherValues.isEmpty {
            problem +=
                "; not finite on \(finding.causeTrial == finding.trial && finding.state == nil ? "that trial" : "trial \(finding.causeTrial + 1)"): "
                + finding.otherValues.prefix(6).map { "\($0.name) = \(format($0.value))" }.joined(separator: ", ")
        }
        let columns = file.data.map(\.name).filter { batch.columns[$0] != nil }
        let row = columns.map { "\($0) = \(TrialTableWriter.format(batch.column($0)[finding.causeTrial * L + l]))" }
        if !row.isEmpty { problem += ". That row reads " + row.joined(separator: ", ") }
        if finding.otherSubjects > 0 {
            problem +=
                " (\(finding.otherSubjects) other subject\(finding.otherSubjects == 1 ? " has" : "s have") a log p that is not finite too)"
        }
        let line = Int(batch.sourceLine[finding.causeTrial * L + l])
        return DataError(
            file: dataFile, line: line > 0 ? line : nil, problem: problem,
            fix:
                "check this row's values (a 0 the model divides by, or a value on another scale than the model expects); "
                + (finding.observation.value == -.infinity && finding.state == nil && finding.otherValues.isEmpty
                    ? "if they are right, the model gives what was observed probability 0 there, which no parameter value may be able to change"
                    : "if they are right, the model file (\(file.file)) computes a value that is not finite from them: guard that expression (e.g. with if ... else)")
        )
    }
}

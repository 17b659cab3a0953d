import ModelLanguage

/// Replays one lane of a batch (a subject, or a subject × condition) under many parameter
/// draws at once: the lane's trials are repeated in one machine lane per draw and run forward
/// on the observed data, keeping every probe per trial — each state element before the trial
/// ("Q[1]"), each top-level local ("pe"), each observation's outcome probabilities
/// ("p_choice[2]") and log-probability ("log_lik_choice"), and the model's reward. Trajectories,
/// trial-level log-likelihoods and learning curves all read it, so the trial loop exists once:
/// in the model file.
public struct ModelReplay {
    public let model: ModelDefinition
    public let batch: TrialBatch
    /// The compiled replay program (for the batch's K and levels).
    public let code: MachineCode

    public init(model: ModelDefinition, batch: TrialBatch) throws {
        self.model = model
        self.batch = batch
        code = try model.program(for: batch).compiled(for: .replay)
    }

    public var probeNames: [String] { code.probeNames }

    /// The index of a probe by name.
    public func probe(_ name: String) -> Int? { probeNames.firstIndex(of: name) }

    /// The probes giving log p of each observation on a trial (their sum is the trial's
    /// log-likelihood).
    public var logLikelihoodProbes: [Int] { probeNames.indices.filter { probeNames[$0].hasPrefix("log_lik_") } }

    /// The probes of the choice column's probabilities, P(choice = k) for k = 1…K (nil without a
    /// choice column).
    public var choiceProbabilityProbes: [Int]? {
        guard let c = batch.choiceColumn else { return nil }
        let list = (1...batch.optionCount).compactMap { probe("p_\(c)[\($0)]") }
        return list.count == batch.optionCount ? list : nil
    }

    /// The lane's trials under each draw of `theta` (draws × P, natural scale, model order).
    public func run(lane l: Int, theta: [[Double]]) -> Result {
        let D = theta.count, T = batch.trialsPerLane[l], L = batch.laneCount, P = model.parameters.count
        precondition(D >= 1 && theta.allSatisfy { $0.count == P })
        let machine = LaneMachine(code: code, lanes: D, trials: T)
        func repeated(_ values: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: T * D)
            for t in 0..<T { let v = values[t * L + l]; for d in 0..<D { out[t * D + d] = v } }
            return out
        }
        machine.setPlane(MachineCode.answeredPlane, values: repeated(batch.answered.map { $0 ? 1 : 0 }))
        machine.setPlane(MachineCode.blockStartPlane, values: repeated(batch.blockStart.map { $0 ? 1 : 0 }))
        for (c, plane) in code.dataPlanes {
            machine.setPlane(plane, values: repeated(batch.column(model.file.data[c].name)))
        }
        var flat = [Double](repeating: 0, count: P * D)
        for d in 0..<D { for p in 0..<P { flat[p * D + d] = theta[d][p] } }
        flat.withUnsafeBufferPointer { machine.replay(theta: $0.baseAddress!) }
        return Result(machine: machine, trials: T, draws: D)
    }

    /// One lane's replay: probe values by (probe, trial, draw).
    public struct Result {
        let machine: LaneMachine
        public let trials: Int
        public let draws: Int

        public func value(_ probe: Int, trial t: Int, draw d: Int) -> Double {
            machine.probe(probe, trial: t, lane: d)
        }

        /// The probe's values over draws at trial t.
        public func values(_ probe: Int, trial t: Int) -> [Double] {
            (0..<draws).map { machine.probe(probe, trial: t, lane: $0) }
        }
    }
}

import Foundation
import Testing
import ModelLanguage

// The lane machine's per-subject log-likelihoods and gradients against the reference
// interpreter (`ReferenceInterpreter`, forward-mode derivatives, no code shared with the
// machine) and against central finite differences of the machine's own log-likelihood: the
// seven built-in model files, and hand-written files for what the built-ins do not use.

// MARK: - Harness (shared with RandomModelTests)

/// SplitMix64: a small seeded generator, so every data set is reproducible.
struct RefRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ a: Double, _ b: Double) -> Double { Double.random(in: a..<b, using: &self) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ p: Double) -> Bool { uniform(0, 1) < p }
}

/// A data set in the machine's layout: T·lanes values per plane, time-major (t·lanes + lane).
struct LaneDataset {
    let lanes: Int
    let trials: Int
    var trialCounts: [Int]
    var answered: [Double]
    var blockStart: [Double]
    /// By data column index.
    var columns: [[Double]]

    func referenceTrials(lane l: Int) -> [RefTrial] {
        (0..<trials).map { t in
            RefTrial(
                answered: answered[t * lanes + l] != 0, blockStart: blockStart[t * lanes + l] != 0,
                data: columns.map { $0[t * lanes + l] })
        }
    }
}

/// The shape a model is lowered for.
struct DataShape {
    var optionCount: Int
    var levels: [Int: Int]
}

enum GradientHarness {
    static var modelsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("models")
    }

    static func builtInModel(_ name: String) throws -> CheckedModel {
        let url = modelsDirectory.appendingPathComponent(name + ".rlm")
        return try ModelFile.check(text: String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
    }

    /// K (fixed by the file, else `optionCount`) and each index column's levels (declared, else 4).
    static func shape(_ model: CheckedModel, optionCount: Int) -> DataShape {
        var levels: [Int: Int] = [:]
        for (c, column) in model.data.enumerated() {
            if case let .index(n) = column.kind { levels[c] = n ?? 4 }
        }
        return DataShape(optionCount: model.optionCount ?? optionCount, levels: levels)
    }

    /// Random data for every column by its kind: options 1…K, categories 1…levels, 0/1, counts
    /// 1…12 (not 0: bart_ewmv divides by the pumps so far, as hBayesDM), and reals (the declared values or signs when there are some); blocks start at trial 0 and at
    /// random trials; about `missed` of the trials have every observed column empty (0) and are
    /// unanswered; subjects have between `trialRange` trials (the rest is padding: all 0).
    /// `adjust` may rewrite an answered trial's values (by column index).
    static func makeData(
        _ model: CheckedModel, shape: DataShape, lanes: Int, trialRange: ClosedRange<Int>, missed: Double = 0.1,
        blockRate: Double = 0.08, rng: inout RefRNG,
        adjust: ((inout [Double], inout RefRNG) -> Void)? = nil
    ) -> LaneDataset {
        let counts = (0..<lanes).map { l in l == 0 ? trialRange.upperBound : rng.int(trialRange) }
        // A column bounding a parameter from above (`min(RT)`: response times) stays above the
        // parameter's random values (`randomParameters`: near its typical value).
        let bounding = Set(
            model.parameters.compactMap { p -> String? in
                if case let .boundedBy(_, .subjectMinimum(column)) = p.range { return column }
                return nil
            })
        let T = counts.max()!
        var answered = [Double](repeating: 0, count: T * lanes)
        var blockStart = [Double](repeating: 0, count: T * lanes)
        var columns = [[Double]](repeating: [Double](repeating: 0, count: T * lanes), count: model.data.count)
        for l in 0..<lanes {
            for t in 0..<counts[l] {
                let i = t * lanes + l
                blockStart[i] = t == 0 || rng.chance(blockRate) ? 1 : 0
                var row = model.data.enumerated().map { c, column -> Double in
                    switch column.kind {
                    case .option: return Double(rng.int(1...shape.optionCount))
                    case .index: return Double(rng.int(1...shape.levels[c]!))
                    case .binary: return rng.chance(0.5) ? 1 : 0
                    case .count: return Double(rng.int(1...12))
                    case .real where bounding.contains(column.name):
                        return rng.uniform(0.5, 3)
                    case .real:
                        switch column.expectation {
                        case let .values(list)?: return list[rng.int(0...(list.count - 1))]
                        case .signs?: return (rng.chance(0.5) ? 1 : -1) * rng.uniform(0.2, 2)
                        case nil: return rng.uniform(-1.5, 1.5)
                        }
                    }
                }
                adjust?(&row, &rng)
                let isMissed = rng.chance(missed)
                answered[i] = isMissed ? 0 : 1
                for c in model.data.indices {
                    columns[c][i] = isMissed && model.data[c].observed ? 0 : row[c]
                }
            }
        }
        return LaneDataset(
            lanes: lanes, trials: T, trialCounts: counts, answered: answered, blockStart: blockStart, columns: columns)
    }

    /// Natural-scale parameter values, P·lanes, parameter-major: inside (L, U) for bounded
    /// parameters, around 0 for real ones, around 1 for positive ones.
    static func randomParameters(_ model: CheckedModel, lanes: Int, rng: inout RefRNG) -> [Double] {
        var theta: [Double] = []
        for p in model.parameters {
            for _ in 0..<lanes {
                switch p.range {
                case let .interval(lower, upper): theta.append(lower + (upper - lower) * rng.uniform(0.1, 0.9))
                case .boundedBy: theta.append(p.typical * rng.uniform(0.9, 1.1)) // below makeData's bounding columns
                case .real: theta.append(rng.uniform(-1.2, 1.2))
                case .positive: theta.append(Foundation.exp(rng.uniform(-1, 1)))
                }
            }
        }
        return theta
    }

    /// A gradient machine for the model on the data, prepared (the data indices checked).
    static func machine(_ model: CheckedModel, shape: DataShape, arguments: [Double]? = nil, data: LaneDataset) throws
        -> LaneMachine
    {
        let program = try Lowering.lower(
            model, optionCount: shape.optionCount, levels: shape.levels, arguments: arguments)
        let code = program.compiled(for: .gradient)
        let machine = LaneMachine(code: code, lanes: data.lanes, trials: data.trials)
        machine.setPlane(MachineCode.answeredPlane, values: data.answered)
        machine.setPlane(MachineCode.blockStartPlane, values: data.blockStart)
        for (c, plane) in code.dataPlanes { machine.setPlane(plane, values: data.columns[c]) }
        let violation = machine.prepare()
        precondition(violation == nil, "the test data index outside a vector: \(String(describing: violation))")
        return machine
    }

    struct Evaluation {
        var logLikelihood: [Double]
        /// P·lanes, parameter-major.
        var gradient: [Double]
        var total: Double
    }

    static func evaluate(_ machine: LaneMachine, theta: [Double], gradient: Bool = true) -> Evaluation {
        let P = machine.code.parameterCount
        precondition(theta.count == P * machine.lanes)
        var ll = [Double](repeating: .nan, count: machine.lanes)
        var g = [Double](repeating: .nan, count: P * machine.lanes)
        let total = theta.withUnsafeBufferPointer { t in
            ll.withUnsafeMutableBufferPointer { l in
                g.withUnsafeMutableBufferPointer { gp in
                    machine.evaluate(
                        theta: t.baseAddress!, logLikelihood: l.baseAddress!, gradient: gradient ? gp.baseAddress! : nil
                    )
                }
            }
        }
        return Evaluation(logLikelihood: ll, gradient: g, total: total)
    }

    static func reference(
        _ model: CheckedModel, shape: DataShape, arguments: [Double]? = nil, data: LaneDataset,
        theta: [Double]
    ) -> Evaluation {
        let interpreter = ReferenceInterpreter(
            model: model, optionCount: shape.optionCount, levels: shape.levels, arguments: arguments)
        let P = model.parameters.count, L = data.lanes
        var ll = [Double](repeating: 0, count: L), g = [Double](repeating: 0, count: P * L)
        for l in 0..<L {
            let r = interpreter.logLikelihood(
                parameters: (0..<P).map { theta[$0 * L + l] }, trials: data.referenceTrials(lane: l))
            ll[l] = r.value
            for p in 0..<P { g[p * L + l] = r.gradient[p] }
        }
        return Evaluation(logLikelihood: ll, gradient: g, total: ll.reduce(0, +))
    }

    /// |a − b| relative to the larger of |a|, |b| and `floor`.
    static func relativeError(_ a: Double, _ b: Double, floor: Double) -> Double {
        if a == b { return 0 }
        guard a.isFinite && b.isFinite else { return .infinity }
        return Swift.abs(a - b) / max(Swift.abs(a), Swift.abs(b), floor)
    }

    struct Agreement: CustomStringConvertible {
        var logLikelihood = 0.0
        var gradient = 0.0
        var worst = ""
        var description: String {
            "log-likelihood \(logLikelihood), gradient \(gradient)\(worst.isEmpty ? "" : " (worst: \(worst))")"
        }
    }

    /// The worst relative disagreement per lane; gradient components are measured against the
    /// largest of their own size and 1e-3 × (1 + the lane's largest component).
    static func agreement(_ a: Evaluation, _ b: Evaluation, lanes: Int, parameterNames: [String]) -> Agreement {
        var result = Agreement()
        for l in 0..<lanes {
            let e = relativeError(a.logLikelihood[l], b.logLikelihood[l], floor: 1)
            if e > result.logLikelihood { result.logLikelihood = e }
            let P = parameterNames.count
            let scale = 1e-3 * (1 + (0..<P).map { Swift.abs(b.gradient[$0 * lanes + l]) }.max()!)
            for p in 0..<P {
                let x = a.gradient[p * lanes + l], y = b.gradient[p * lanes + l]
                let eg = relativeError(x, y, floor: scale)
                if eg > result.gradient {
                    result.gradient = eg
                    result.worst = "lane \(l), ∂/∂\(parameterNames[p]): machine \(x), reference \(y)"
                }
            }
        }
        return result
    }

    /// Central differences of the machine's per-lane log-likelihood, step h·max(1, |θ|), with one
    /// Richardson step ((4·D(h/2) − D(h))/3: truncation error O(h⁴), so a parameter near its
    /// bound — a lapse of 0.005, where the curvature is ~1/ξ³ — is checked as tightly as any);
    /// all lanes at once (they are independent).
    static func finiteDifferences(_ machine: LaneMachine, theta: [Double], step h: Double = 1e-5) -> [Double] {
        let coarse = centralDifferences(machine, theta: theta, step: h),
            fine = centralDifferences(machine, theta: theta, step: h / 2)
        return zip(fine, coarse).map { (4 * $0 - $1) / 3 }
    }

    static func centralDifferences(_ machine: LaneMachine, theta: [Double], step h: Double) -> [Double] {
        let P = machine.code.parameterCount, L = machine.lanes
        var g = [Double](repeating: 0, count: P * L)
        for p in 0..<P {
            var plus = theta, minus = theta
            var steps = [Double](repeating: 0, count: L)
            for l in 0..<L {
                let x = theta[p * L + l]
                let s = h * max(1, Swift.abs(x))
                plus[p * L + l] = x + s
                minus[p * L + l] = x - s
                steps[l] = (x + s) - (x - s)
            }
            let a = evaluate(machine, theta: plus, gradient: false).logLikelihood
            let b = evaluate(machine, theta: minus, gradient: false).logLikelihood
            for l in 0..<L { g[p * L + l] = (a[l] - b[l]) / steps[l] }
        }
        return g
    }

    struct CheckResult {
        var reference: Agreement
        var finiteDifference: Agreement
    }

    /// Machine vs reference (log-likelihood and gradient) and machine vs finite differences
    /// (gradient) on one data set and parameter draw; records issues beyond the tolerances.
    @discardableResult
    static func check(
        _ model: CheckedModel, shape: DataShape, arguments: [Double]? = nil, data: LaneDataset, theta: [Double],
        referenceTolerance: Double = 1e-10, finiteDifferenceTolerance: Double? = 1e-6, label: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> CheckResult {
        let names = model.parameters.map(\.name)
        let machine: LaneMachine
        do {
            machine = try self.machine(model, shape: shape, arguments: arguments, data: data)
        } catch {
            Issue.record("\(label): the model does not lower: \(error)", sourceLocation: sourceLocation)
            return CheckResult(reference: Agreement(logLikelihood: .infinity), finiteDifference: Agreement())
        }
        let m = evaluate(machine, theta: theta)
        let r = reference(model, shape: shape, arguments: arguments, data: data, theta: theta)
        let total = m.logLikelihood.reduce(0, +)
        #expect(
            relativeError(m.total, total, floor: 1) < 1e-13, "\(label): evaluate's total \(m.total) ≠ Σ lanes \(total)",
            sourceLocation: sourceLocation)
        for l in 0..<data.lanes {
            #expect(
                m.logLikelihood[l].isFinite, "\(label): lane \(l) log-likelihood \(m.logLikelihood[l])",
                sourceLocation: sourceLocation)
        }
        let vsReference = agreement(m, r, lanes: data.lanes, parameterNames: names)
        #expect(
            vsReference.logLikelihood <= referenceTolerance && vsReference.gradient <= referenceTolerance,
            "\(label): machine vs reference: \(vsReference)", sourceLocation: sourceLocation)
        var vsFD = Agreement()
        if let finiteDifferenceTolerance {
            var fd = m
            fd.gradient = finiteDifferences(machine, theta: theta)
            vsFD = agreement(m, fd, lanes: data.lanes, parameterNames: names)
            vsFD.logLikelihood = 0
            #expect(
                vsFD.gradient <= finiteDifferenceTolerance, "\(label): machine vs finite differences: \(vsFD)",
                sourceLocation: sourceLocation)
        }
        return CheckResult(reference: vsReference, finiteDifference: vsFD)
    }

    /// Several data sets and parameter draws (lanes 5 to 7, so the machine pads its last lane
    /// vector) for K = each of `optionCounts` (the file's own K when it fixes one).
    @discardableResult
    static func checkModel(
        _ model: CheckedModel, optionCounts: [Int] = [2, 3], arguments: [Double]? = nil, seeds: Range<UInt64> = 0..<3,
        trialRange: ClosedRange<Int> = 20...60, levels: [Int: Int] = [:], missed: Double = 0.1,
        blockRate: Double = 0.08,
        referenceTolerance: Double = 1e-10, finiteDifferenceTolerance: Double? = 1e-6,
        adjust: ((inout [Double], inout RefRNG) -> Void)? = nil,
        parameters: ((inout RefRNG, Int) -> [Double])? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Agreement {
        var worst = Agreement(), worstFD = Agreement()
        let ks = model.optionCount.map { [$0] } ?? optionCounts
        for K in ks {
            var shape = shape(model, optionCount: K)
            for (c, n) in levels { shape.levels[c] = n }
            for seed in seeds {
                var rng = RefRNG(seed: seed &* 7919 &+ UInt64(K))
                let lanes = 5 + Int(seed % 3)
                let data = makeData(
                    model, shape: shape, lanes: lanes, trialRange: trialRange, missed: missed, blockRate: blockRate,
                    rng: &rng, adjust: adjust)
                let theta = parameters?(&rng, lanes) ?? randomParameters(model, lanes: lanes, rng: &rng)
                let result = check(
                    model, shape: shape, arguments: arguments, data: data, theta: theta,
                    referenceTolerance: referenceTolerance, finiteDifferenceTolerance: finiteDifferenceTolerance,
                    label: "\(model.name) K=\(K) seed \(seed)", sourceLocation: sourceLocation)
                if result.reference.gradient > worst.gradient {
                    worst.gradient = result.reference.gradient; worst.worst = result.reference.worst
                }
                worst.logLikelihood = max(worst.logLikelihood, result.reference.logLikelihood)
                worstFD.gradient = max(worstFD.gradient, result.finiteDifference.gradient)
            }
        }
        print(
            "\(model.name) K ∈ \(ks): machine vs reference \(worst); machine vs finite differences: gradient \(worstFD.gradient)"
        )
        return worst
    }

    static func checkText(
        _ text: String, name: String, optionCounts: [Int] = [2, 3], arguments: [Double]? = nil,
        seeds: Range<UInt64> = 0..<3,
        trialRange: ClosedRange<Int> = 20...60, missed: Double = 0.1, blockRate: Double = 0.08,
        finiteDifferenceTolerance: Double? = 1e-6,
        adjust: ((inout [Double], inout RefRNG) -> Void)? = nil,
        parameters: ((inout RefRNG, Int) -> [Double])? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let model: CheckedModel
        do {
            model = try ModelFile.check(text: text, file: name + ".rlm")
        } catch {
            Issue.record("\(name) does not check: \(error)", sourceLocation: sourceLocation)
            return
        }
        checkModel(
            model, optionCounts: optionCounts, arguments: arguments, seeds: seeds, trialRange: trialRange,
            missed: missed,
            blockRate: blockRate, finiteDifferenceTolerance: finiteDifferenceTolerance, adjust: adjust,
            parameters: parameters,
            sourceLocation: sourceLocation)
    }
}

// MARK: - The reference itself, by hand

@Suite struct ReferenceInterpreterByHandTests {
    /// bandit2arm_delta on three trials, written out: Q starts at 0, softmax(τQ), delta rule;
    /// the derivatives by the chain rule through Q.
    @Test func deltaRuleThreeTrialsByHand() throws {
        let model = try GradientHarness.builtInModel("bandit2arm_delta")
        let A = 0.3, tau = 2.0
        // Trials: choice 1 outcome 1; choice 2 outcome -1; choice 1 outcome -1.
        let trials = [(1, 1.0), (2, -1.0), (1, -1.0)].map { c, o in
            RefTrial(answered: true, blockStart: false, data: [Double(c), o])
        }
        let interpreter = ReferenceInterpreter(model: model, optionCount: 2)
        let r = interpreter.logLikelihood(parameters: [A, tau], trials: trials)
        // Trial 1: Q = (0, 0): p = 1/2.
        // Trial 2: Q = (A, 0): log p(2) = −log(1 + e^{τA}).
        // Trial 3: Q = (A, −A): log p(1) = −log(1 + e^{−2τA}).
        func ll(_ A: Double, _ tau: Double) -> Double {
            -log(2) - log(1 + exp(tau * A)) - log(1 + exp(-2 * tau * A))
        }
        #expect(abs(r.value - ll(A, tau)) < 1e-14)
        let s1 = 1 / (1 + exp(-tau * A)), s2 = 1 / (1 + exp(2 * tau * A))
        let dA = -tau * s1 + 2 * tau * s2
        let dTau = -A * s1 + 2 * A * s2
        #expect(abs(r.gradient[0] - dA) < 1e-13)
        #expect(abs(r.gradient[1] - dTau) < 1e-13)
        // A missed trial changes nothing; a block start resets Q.
        var withGaps = trials
        withGaps.insert(RefTrial(answered: false, blockStart: false, data: [0, 1]), at: 1)
        let r2 = interpreter.logLikelihood(parameters: [A, tau], trials: withGaps)
        #expect(r2.value == r.value)
        var reset = trials
        reset[2].blockStart = true
        let r3 = interpreter.logLikelihood(parameters: [A, tau], trials: reset)
        #expect(abs(r3.value - (-log(2) - log(1 + exp(tau * A)) - log(2))) < 1e-14)
    }

    /// A parameter initial value, a lapse mixture and a bernoulli observation, by hand.
    @Test func initialValueLapseAndBernoulliByHand() throws {
        let text = """
            model hand "by hand"
            options 2
            data choice: option
            data press: binary
            parameter Q0 real
            parameter xi in (0, 1)
            parameter c real
            state Q[option] = Q0
            trial {
              choice ~ categorical((1 - xi) * softmax([Q[1], 0.0]) + xi / K)
              press ~ bernoulli(logistic(c * Q[choice]))
              Q[choice] = 2 * Q[choice]
            }
            """
        let model = try ModelFile.check(text: text, file: "hand.rlm")
        let interpreter = ReferenceInterpreter(model: model, optionCount: 2)
        let (Q0, xi, c) = (0.4, 0.2, -0.7)
        let trials = [
            RefTrial(answered: true, blockStart: true, data: [1, 1]),
            RefTrial(answered: true, blockStart: false, data: [2, 0])
        ]
        let r = interpreter.logLikelihood(parameters: [Q0, xi, c], trials: trials)
        func sigma(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        // Trial 1: Q = (Q0, Q0): p(1) = (1 − ξ)σ(Q0) + ξ/2; P(press) = σ(c·Q0); then Q[1] = 2Q0.
        // Trial 2: Q = (2Q0, Q0): p(2) = (1 − ξ)(1 − σ(2Q0)) + ξ/2; P(no press) = 1 − σ(c·Q0).
        func ll(_ Q0: Double, _ xi: Double, _ c: Double) -> Double {
            log((1 - xi) * sigma(Q0) + xi / 2) + log(sigma(c * Q0)) + log((1 - xi) * (1 - sigma(2 * Q0)) + xi / 2)
                + log(1 - sigma(c * Q0))
        }
        #expect(abs(r.value - ll(Q0, xi, c)) < 1e-14)
        let h = 1e-6
        let numeric = [
            (ll(Q0 + h, xi, c) - ll(Q0 - h, xi, c)) / (2 * h), (ll(Q0, xi + h, c) - ll(Q0, xi - h, c)) / (2 * h),
            (ll(Q0, xi, c + h) - ll(Q0, xi, c - h)) / (2 * h)
        ]
        for p in 0..<3 { #expect(abs(r.gradient[p] - numeric[p]) < 1e-8) }
    }
}

// MARK: - The built-in model files

@Suite struct BuiltInModelGradientTests {
    /// Every file in models/ (a new built-in is checked without being listed here).
    static let names: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: GradientHarness.modelsDirectory.path)) ?? [])
        .filter { $0.hasSuffix(".rlm") }.map { String($0.dropLast(4)) }.sorted()

    @Test func everyBuiltInModelFileIsChecked() {
        #expect(Self.names.count >= 12, "models/ read: \(Self.names)")
    }

    @Test(arguments: names) func builtInModelMatchesReferenceAndFiniteDifferences(name: String) throws {
        let model = try GradientHarness.builtInModel(name)
        if name == "wcs_sql" {
            GradientHarness.checkModel(model, adjust: { row, _ in Self.consistentSorts(&row) })
        } else {
            GradientHarness.checkModel(model)
        }
    }

    /// wcs_sql's data as a card sort makes them: a sort is correct (outcome 1) when the chosen
    /// deck matches the card on the rule's dimension (here color), so the feedback always
    /// supports some dimension, and the chosen deck matches the card on some dimension (here
    /// always number). Random rows can break both: a 0/0 attention update, or a first choice of
    /// probability 0 — log density −∞ in hBayesDM's program too.
    static func consistentSorts(_ row: inout [Double]) {
        // choice, outcome, color, form, number
        row[4] = row[0]
        row[1] = row[0] == row[2] ? 1 : 0
    }

    /// A machine's operand rows follow its trials from pass to pass (a step forward or back,
    /// or a jump back to trial 0 when a forward pass follows a forward pass): forward-only and
    /// gradient evaluations in any order, at changing parameters, give bit for bit what a fresh
    /// machine gives.
    @Test func passesInAnyOrderEqualAFreshMachine() throws {
        let model = try GradientHarness.builtInModel("bandit4arm_lapse")
        let shape = GradientHarness.shape(model, optionCount: 4)
        var rng = RefRNG(seed: 7)
        let data = GradientHarness.makeData(model, shape: shape, lanes: 9, trialRange: 20...40, rng: &rng)
        let machine = try GradientHarness.machine(model, shape: shape, data: data)
        let points = (0..<3).map { _ in GradientHarness.randomParameters(model, lanes: 9, rng: &rng) }
        for (theta, gradient) in [(0, false), (1, false), (0, true), (2, true), (1, false), (2, false), (1, true)] {
            let fresh = try GradientHarness.machine(model, shape: shape, data: data)
            let expected = GradientHarness.evaluate(fresh, theta: points[theta], gradient: gradient)
            let got = GradientHarness.evaluate(machine, theta: points[theta], gradient: gradient)
            #expect(got.logLikelihood == expected.logLikelihood && got.total.isFinite)
            if gradient { #expect(got.gradient == expected.gradient) }
        }
    }

    /// banditNarm_delta also with real-valued gains and losses and a long block-free run.
    @Test func banditNarmWithContinuousOutcomes() throws {
        let model = try GradientHarness.builtInModel("banditNarm_delta")
        GradientHarness.checkModel(
            model, optionCounts: [4], seeds: 10..<12, trialRange: 80...150, blockRate: 0,
            adjust: { row, rng in
                row[1] = rng.uniform(0, 2)
                row[2] = -rng.uniform(0, 2)
            })
    }
}

// MARK: - Hand-written model files for what the built-ins do not use

@Suite struct HandWrittenModelGradientTests {
    /// A table over an index column and the options, read by row and by element, updated by
    /// element and by whole row; a loop over the categories and a comprehension over them.
    @Test func tableIndexedByCue() {
        GradientHarness.checkText(
            """
            model cue_table "2-D table by cue"
            options from data
            data cue: index 1..4
            data choice: option
            data outcome: real
            parameter A in (0, 1)
            parameter beta positive
            parameter d in (0, 1)
            parameter g real
            state W[cue, option] = 0
            state N[cue] = 0
            trial {
              choice ~ softmax(beta * W[cue] + g * [N[cue] * (k == 1) for k in option])
              W[cue, choice] += A * (outcome - W[cue, choice])
              W[cue] = W[cue] * (1 - d)
              for c in cue {
                W[c, 1] += 0.1 * d * (W[cue, K] - W[c, 1])
              }
              N[cue] += 1 / (1 + sum([W[c, choice] * W[c, choice] for c in cue]))
            }
            """, name: "cue_table")
    }

    /// A category state (the previous trial's cue) indexing a table, and an option state
    /// compared with a loop variable; the table's rows are read through both.
    @Test func indexStatesOverCategoriesAndOptions() {
        GradientHarness.checkText(
            """
            model last_cue "the previous cue's values carry over"
            options from data
            data cue: index 1..3
            data choice: option
            data outcome: real
            parameter A in (0, 1)
            parameter tau positive
            parameter w real
            state W[cue, option] = 0
            state lastCue: cue = 1
            state previous: option = none across blocks
            trial {
              choice ~ softmax(tau * W[cue] + w * W[lastCue] + [0.5 * w * (k == previous) for k in option])
              W[cue, choice] += A * (outcome - W[cue, choice])
              W[lastCue, choice] += 0.5 * A * (outcome - W[lastCue, choice])
              lastCue = cue
              previous = choice
            }
            """, name: "last_cue")
    }

    /// States kept across blocks (constant, argument and parameter initial values), a state
    /// started at a parameter and reset at every block start, arguments (defaults and given),
    /// an option state `previous`.
    @Test func acrossBlocksParameterInitialValuesAndArguments() {
        let text = """
            model carry "across blocks"
            options 3
            data choice: option
            data outcome: real
            argument decay = 0.9 "habit decay"
            argument start = 0.25 "habit start"
            parameter Q0 real
            parameter A in (0, 1)
            parameter tau positive
            parameter kappa real
            parameter R0 real
            state Q[option] = Q0
            state H[option] = start across blocks
            state R = R0 across blocks
            state M[option] = [0.1, Q0, start] across blocks
            state previous: option = none
            trial {
              choice ~ softmax([tau * (Q[k] + M[k]) + kappa * H[k] + R * (k == previous) for k in option])
              Q[choice] += A * (outcome - Q[choice])
              H = decay * H
              H[choice] += 1 - decay
              R += 0.2 * A * (outcome - R)
              M[choice] = 0.5 * M[choice]
              previous = choice
            }
            """
        GradientHarness.checkText(text, name: "carry", blockRate: 0.1)
        GradientHarness.checkText(text, name: "carry", arguments: [0.6, -0.5], seeds: 5..<7, blockRate: 0.1)
        // Long blocks: the initial values' gradients have to travel far.
        GradientHarness.checkText(text, name: "carry", seeds: 8..<10, trialRange: 100...140, blockRate: 0.01)
    }

    /// A parameter initial value whose gradient flows only through block starts: Q0 matters
    /// only until the first update of each option in a block.
    @Test func parameterInitialValueThroughBlockStartsOnly() {
        GradientHarness.checkText(
            """
            model q0 "Q0 a parameter"
            options from data
            data choice: option
            data outcome: real
            parameter Q0 real
            parameter A in (0, 1)
            parameter tau positive
            state Q[option] = Q0
            trial {
              choice ~ softmax(tau * Q)
              Q[choice] += A * (outcome - Q[choice])
            }
            """, name: "q0", seeds: 0..<4, blockRate: 0.15)
    }

    /// Two observations per trial: a choice (softmax) and a press on a binary column
    /// (bernoulli_logit); then a press alone with bernoulli and a lapse.
    @Test func bernoulliLogitAndBernoulliOnBinaryColumns() {
        GradientHarness.checkText(
            """
            model two_obs "choice and press"
            options 2
            data choice: option
            data press: binary
            data outcome: real
            parameter A in (0, 1)
            parameter tau positive
            parameter c real
            parameter d real
            state Q[option] = 0
            trial {
              choice ~ softmax(tau * Q)
              press ~ bernoulli_logit(c + d * Q[choice])
              Q[choice] += A * (outcome - Q[choice])
            }
            """, name: "two_obs")
        GradientHarness.checkText(
            """
            model gonogo "go/no-go"
            data cue: index 1..4
            data press: binary
            data outcome: real values {1, 0, -1}
            parameter xi in (0, 1)
            parameter eps in (0, 1)
            parameter b real
            parameter rho positive
            state Qgo[cue] = 0
            state Qng[cue] = 0
            trial {
              w = Qgo[cue] + b - Qng[cue]
              press ~ bernoulli((1 - xi) * inv_logit(w) + xi / 2)
              if press == 1 {
                Qgo[cue] += eps * (rho * outcome - Qgo[cue])
              } else {
                Qng[cue] += eps * (rho * outcome - Qng[cue])
              }
            }
            """, name: "gonogo", optionCounts: [2])
    }

    /// softmax with the options offered on a trial: from binary columns, and from an option
    /// column naming the one option not offered (0: all offered).
    @Test func softmaxWithOfferedOptions() {
        GradientHarness.checkText(
            """
            model offered_binary "offered from binary columns"
            options 3
            data choice: option
            data a1: binary
            data a2: binary
            data a3: binary
            data outcome: real
            parameter A in (0, 1)
            parameter tau positive
            state Q[option] = 0
            trial {
              choice ~ softmax(tau * Q, [a1, a2, a3])
              Q[choice] += A * (outcome - Q[choice])
            }
            """, name: "offered_binary",
            adjust: { row, rng in
                // At least two options offered, the chosen one among them.
                var offered = [1.0, 1.0, 1.0]
                if rng.chance(0.6) { offered[rng.int(0...2)] = 0 }
                let available = (0..<3).filter { offered[$0] != 0 }
                row[0] = Double(available[rng.int(0...(available.count - 1))] + 1)
                row[1] = offered[0]; row[2] = offered[1]; row[3] = offered[2]
            })
        GradientHarness.checkText(
            """
            model offered_blocked "one option withheld"
            options from data
            data choice: option
            data blocked: option "the option not offered (empty: all offered)"
            data outcome: real
            parameter A in (0, 1)
            parameter tau positive
            parameter kappa real
            state Q[option] = 0
            trial {
              choice ~ softmax([tau * Q[k] + kappa * (k == 1) for k in option], [k != blocked for k in option])
              Q[choice] += A * (outcome - Q[choice])
            }
            """, name: "offered_blocked", optionCounts: [3, 4],
            adjust: { row, rng in
                let K = 3 + (row[1] > 3 || row[0] > 3 ? 1 : 0)
                row[1] = rng.chance(0.3) ? 0 : Double(rng.int(1...K))
                while row[0] == row[1] { row[0] = Double(rng.int(1...K)) }
            })
    }

    /// categorical with a lapse mixture over a softmax; and over a hand-built probability vector.
    @Test func categoricalWithLapse() {
        GradientHarness.checkText(
            """
            model lapse "lapse mixture"
            options from data
            data choice: option
            data outcome: real
            parameter A in (0, 1)
            parameter tau positive
            parameter xi in (0, 1)
            state Q[option] = 0
            trial {
              choice ~ categorical((1 - xi) * softmax(tau * Q) + xi / K)
              Q[choice] += A * (outcome - Q[choice])
            }
            """, name: "lapse")
        GradientHarness.checkText(
            """
            model lapse2 "probabilities by hand"
            options 2
            data choice: option
            data outcome: real
            parameter A in (0, 1)
            parameter tau positive
            parameter xi in (0, 1)
            state Q[option] = 0
            trial {
              p1 = xi / 2 + (1 - xi) * Phi_approx(tau * (Q[1] - Q[2]))
              choice ~ categorical([p1, 1 - p1])
              Q[choice] += A * (outcome - Q[choice])
            }
            """, name: "lapse2")
    }

    /// The four-option lapse observation computes its exponentials relative to option 1 and
    /// redoes a step relative to the maximum when utilities lie more than 300 apart: a scale
    /// column that is 5000 on some trials sends those steps (and lanes there) down the second
    /// path, the others down the first; both match the reference.
    @Test func categoricalWithLapseOverFourOptionsSometimesFarApart() {
        GradientHarness.checkText(
            """
            model lapse4 "lapse mixture over four options"
            options 4
            data choice: option
            data outcome: real
            data scale: real
            parameter A in (0, 1)
            parameter tau positive
            parameter xi in (0, 1)
            state Q[option] = 0
            trial {
              choice ~ categorical((1 - xi) * softmax(scale * tau * Q) + xi / K)
              Q[choice] += A * (outcome - Q[choice])
            }
            """, name: "lapse4", finiteDifferenceTolerance: nil,
            adjust: { row, rng in row[2] = rng.chance(0.1) ? 5000 : 1 })
    }

    /// if / else if / else on parameter-dependent conditions, a local vector changed in the
    /// branches, an observation inside a branch, and(or/not) conditions.
    @Test func branchesOnParameterDependentConditions() {
        GradientHarness.checkText(
            """
            model branches "parameter-dependent branches"
            options 2
            data choice: option
            data press: binary
            data outcome: real
            parameter A in (0, 1)
            parameter tau positive
            parameter th real
            parameter g real
            parameter h real
            state Q[option] = 0
            state V = 0
            trial {
              d = Q[1] - Q[2]
              u = tau * Q
              if d > th {
                u[1] += g
              } else if V < th and not (outcome > 0) {
                u[2] += exp(-abs(g))
                V = V + 0.1
              } else {
                u = [tau * Q[1] * h, tau * Q[2]]
              }
              choice ~ softmax(u)
              if V > h or d < th {
                press ~ bernoulli_logit(g + h * V)
              }
              pe = outcome - Q[choice]
              if pe >= 0 {
                Q[choice] += A * pe
              } else {
                Q[choice] += A * A * pe
                V += A * (pe - V)
              }
            }
            """, name: "branches", missed: 0.1)
    }

    /// Every function of the language, each where it is smooth: exp, log, log1p, expm1,
    /// logistic and inv_logit, Phi_approx, sqrt, abs, sign, pow and ^ (a negative base with a
    /// whole exponent too), min, max, select, comparisons, and/or/not, softmax and sum of
    /// vectors, vector literals, comprehensions, K, arguments, unary minus, division.
    @Test func everyFunction() {
        GradientHarness.checkText(
            """
            model functions "every function"
            options 3
            data choice: option
            data outcome: real
            argument c0 = 0.4
            parameter A in (0, 1)
            parameter tau positive
            parameter r real
            parameter s real
            state Q[option] = [0.1, -0.2, 0.3]
            state V = c0
            trial {
              x = r + V
              a = exp(0.5 * x) + log(2.5 + x / (1 + abs(x))) + log1p(logistic(x)) + expm1(0.3 * inv_logit(s))
              b = sqrt(1 + x * x) + pow(1.5 + 0.5 * Phi_approx(s), r) + (2 + logistic(x)) ^ 0.5 + (x - 3) ^ 3 / 50
              m = min(x, s) + max(r * V, 0.2) + sign(s - 0.1) * s - -x / K
              u = [tau * Q[k] + select(k == 2, a, b) * 0.1 + m * (k == K) for k in option]
              pr = softmax(u)
              tot = sum(pr * Q) + sum(Q) / 3
              choice ~ softmax(u + [0.0, tot, -tot])
              Q[choice] += A * (outcome - Q[choice])
              if not (x < s) or x >= 2 and choice != 1 {
                V = 0.5 * V + 0.2 * Phi_approx(a - b)
              } else if x <= s - 0.5 {
                V = V + A * (logistic(outcome * tot) - V)
              }
            }
            """, name: "functions")
    }

    /// Values assigned inside an `if` whose condition depends on the parameters depend on the
    /// parameters too, but the checker levels a state (or a local) by the values assigned to it
    /// alone: the state below is declared data-level, the machine compiler puts it in the data
    /// pre-pass and `compiled(for: .gradient)` traps (a precondition in the pre-pass carry-in /
    /// commit, GradientCompilation.swift). The same for an option state, for a state updated at
    /// an index chosen under such a condition, and for an index local chosen so (an index that
    /// depends on the parameters, which the checker otherwise rejects). Expected: the checker
    /// rejects the file, or the machine agrees with the reference. Each runs in a child process.
    static let conditionallyAssigned = [
        """
        model real_state "a real state assigned data under a parameter-dependent condition"
        options 2
        data choice: option
        data outcome: real
        parameter tau positive
        state V = 0
        trial {
          choice ~ softmax([tau * V, 0.0])
          if tau > 1 {
            V = outcome
          }
        }
        """,
        """
        model option_state "an option state assigned under a parameter-dependent condition"
        options 2
        data choice: option
        parameter tau positive
        state previous: option = none
        trial {
          choice ~ softmax([tau * (k == previous) for k in option])
          if tau > 1 {
            previous = choice
          }
        }
        """,
        """
        model index_local_update "an index chosen under a parameter-dependent condition, then updated"
        options 2
        data choice: option
        data outcome: real
        parameter tau positive
        state Q[option] = 0
        trial {
          j = 1
          if tau > 1 {
            j = 2
          }
          choice ~ softmax(tau * Q)
          Q[j] += 0.5 * (outcome - Q[j])
        }
        """,
        """
        model index_local_read "an index chosen under a parameter-dependent condition, then read"
        options 2
        data choice: option
        data outcome: real
        parameter tau positive
        parameter A in (0, 1)
        state Q[option] = 0
        trial {
          j = 1
          if tau > 1 {
            j = 2
          }
          choice ~ softmax([tau * Q[j], 0.0])
          Q[choice] += A * (outcome - Q[choice])
        }
        """,
        """
        model idx_cond "a category state indexing a table, assigned under a parameter-dependent condition"
        options 2
        data cue: index 1..3
        data choice: option
        data outcome: real
        parameter th real
        parameter tau positive
        parameter A in (0, 1)
        state W[cue, option] = 0
        state last: cue = 1
        state V = 0
        trial {
          choice ~ softmax(tau * W[last] + W[cue])
          W[cue, choice] += A * (outcome - W[cue, choice])
          V += A * (outcome - V)
          if V > th {
            last = cue
          }
        }
        """
    ]

    /// Option or category numbers chosen under a parameter-dependent condition have no
    /// derivative to carry, so the checker rejects them at the assignment, with a location.
    @Test(arguments: conditionallyAssigned.indices)
    func assignmentUnderParameterDependentCondition(_ i: Int) {
        let text = HandWrittenModelGradientTests.conditionallyAssigned[i]
        let model: CheckedModel
        do {
            model = try ModelFile.check(text: text, file: "conditional.rlm")
        } catch {
            // Option or category numbers that would depend on the parameters: a located error.
            let message = "\(error)"
            #expect(message.hasPrefix("conditional.rlm:"), "\(message)")
            #expect(message.contains("depend"), "\(message)")
            #expect(i != 0, "the real-valued state was rejected: \(message)")
            return
        }
        // A real state: it becomes parameter-level, and its gradient must be right.
        GradientHarness.checkModel(
            model, seeds: 0..<2,
            parameters: { rng, lanes in
                // Values near the thresholds, so the conditions change along the trials.
                model.parameters.flatMap { p in
                    (0..<lanes).map { _ in
                        switch p.name {
                        case "tau": return rng.uniform(0.5, 1.5)
                        case "th": return rng.uniform(-0.3, 0.3)
                        default: return rng.uniform(0.1, 0.9)
                        }
                    }
                }
            })
    }

    /// The same with a parameter-level value assigned to the state too (so the checker levels
    /// it as parameter-level): this works.
    @Test func stateAssignedUnderParameterDependentConditionWithParameterValue() {
        GradientHarness.checkText(
            """
            model e "a state assigned under a parameter condition, also a parameter value"
            options 2
            data choice: option
            data outcome: real
            parameter tau positive
            parameter A in (0, 1)
            state V = 0
            state Q[option] = 0
            trial {
              x = 0.0
              if tau > 1 {
                x = outcome
              }
              choice ~ softmax([tau * V + x, Q[2]])
              if tau > 1 {
                V = outcome
              } else {
                V = A * V
              }
              Q[choice] += A * (outcome - Q[choice])
            }
            """, name: "e",
            parameters: { rng, lanes in
                (0..<lanes).map { _ in rng.uniform(0.5, 1.5) } + (0..<lanes).map { _ in rng.uniform(0.1, 0.9) }
            })
    }

    /// A state element changed (at a constant index) before the choice, then updated at the
    /// choice (a scatter at a data index whose inputs are not all the trial's start values).
    @Test func elementChangedBeforeAnUpdateAtTheChoice() throws {
        let text = """
            model decay_then_update "Q[1] decays, then the chosen option learns"
            options 2
            data choice: option
            data outcome: real
            parameter tau positive
            parameter A in (0, 1)
            state Q[option] = 0
            trial {
              Q[1] -= A * Q[1]
              choice ~ softmax(tau * Q)
              Q[choice] += A * (outcome - Q[choice])
            }
            """
        // The smallest case: one subject, three answered trials.
        let model = try ModelFile.check(text: text, file: "decay_then_update.rlm")
        let data = LaneDataset(
            lanes: 1, trials: 3, trialCounts: [3], answered: [1, 1, 1], blockStart: [1, 0, 0],
            columns: [[1, 2, 1], [1, 1, -1]])
        GradientHarness.check(
            model, shape: DataShape(optionCount: 2, levels: [:]), data: data, theta: [2.0, 0.3],
            label: "decay_then_update, 3 trials")
        GradientHarness.checkText(text, name: "decay_then_update")
        GradientHarness.checkText(
            text.replacingOccurrences(of: "Q[1] -= A * Q[1]", with: "if outcome > 0 {\n    Q[1] = 0.5 * Q[1]\n  }"),
            name: "halve_then_update")
    }

    /// Every element transformed, then the chosen one replaced: the compiler runs these as one
    /// committing scatter over the map (`ScatterMapKernels`) — with the start in one argument
    /// or two, a parameter, a computed value (its λ assigned, then accumulated over the
    /// elements), data, a constant, a unary and a ternary map — and the machine agrees with the
    /// reference and with finite differences, missed trials and block starts included.
    @Test(arguments: [
        "Q -= F * Q", "Q = (1 - F) * Q", "Q = Q * F + 0.1 * outcome", "Q = abs(Q)", "Q = F * (Q - outcome) + outcome",
        "Q = max(Q, F)", "Q = 0.9 * Q"
    ])
    func transformEveryElementThenReplaceTheChosenOne(map: String) throws {
        let text = """
            model map_then_replace "every element mapped, then the chosen one replaced"
            options from data
            data choice: option
            data outcome: real
            parameter tau in (0, 5)
            parameter A in (0, 1)
            parameter F in (0, 1)
            state Q[option] = 0.5
            trial {
              choice ~ softmax(tau * Q)
              chosen = Q[choice]
              \(map)
              Q[choice] = chosen + A * (F * outcome - chosen)
            }
            """
        let model = try ModelFile.check(text: text, file: "map_then_replace.rlm")
        let listing = "\(try Lowering.lower(model, optionCount: 3, levels: [:]).compiled(for: .gradient))"
        #expect(listing.contains("scatterMap n=3"), "\(map) is not fused:\n\(listing)")
        GradientHarness.checkModel(model, optionCounts: [2, 3, 4])
    }

    /// More state elements than one carry instruction holds (`elementsPerCarry`, 60): a 31 × 2
    /// table, some of it kept across blocks, and 61 options with a perseveration state (once a
    /// trap at load time).
    @Test func moreStateElementsThanOneCarryInstructionHolds() throws {
        let table = try ModelFile.check(
            text: """
                model big_table "a cue x option table of 62 elements"
                options 2
                data choice: option
                data cue: index
                data outcome: real
                parameter A in (0, 1)
                parameter tau positive
                parameter W0 real
                state W[cue, option] = W0
                state V[cue] = 0 across blocks
                trial {
                  choice ~ softmax([tau * (W[cue, 1] + V[cue]), tau * W[cue, 2]])
                  W[cue, choice] += A * (outcome - W[cue, choice])
                  V[cue] += 0.5 * (outcome - V[cue])
                }
                """, file: "big_table.rlm")
        GradientHarness.checkModel(table, optionCounts: [2], seeds: 0..<2, levels: [1: 31])
        GradientHarness.checkText(
            """
            model many_options "61 options and the previous choice"
            options from data
            data choice: option
            data outcome: real
            parameter A in (0, 1)
            parameter tau positive
            parameter kappa real
            state Q[option] = 0
            state previous: option = none
            trial {
              choice ~ softmax([tau * Q[k] + kappa * (k == previous) for k in option])
              Q[choice] += A * (outcome - Q[choice])
              previous = choice
            }
            """, name: "many_options", optionCounts: [61], seeds: 0..<2)
    }

    /// An observed option outside the offered set has probability 0: log p = −∞ on that trial
    /// (the likelihood once added u_y over the offered options, a positive "log p").
    @Test func aChosenOptionThatWasNotOfferedHasProbabilityZero() throws {
        let text = """
            model offered "option 2 never offered"
            options 3
            data choice: option
            data a2: binary
            parameter tau positive
            state Q[option] = 0
            trial {
              choice ~ softmax([tau, 2 * tau, 0.0], [1, a2, 1])
            }
            """
        let model = try ModelFile.check(text: text, file: "offered.rlm")
        // One subject, two trials: choice 2 offered on the first (a2 = 1), withheld on the second.
        let data = LaneDataset(
            lanes: 1, trials: 2, trialCounts: [2], answered: [1, 1], blockStart: [1, 0], columns: [[2, 2], [1, 0]])
        let tau = 0.7
        let machine = try GradientHarness.machine(model, shape: DataShape(optionCount: 3, levels: [:]), data: data)
        let m = GradientHarness.evaluate(machine, theta: [tau])
        #expect(m.logLikelihood[0] == -.infinity, "\(m.logLikelihood[0])")
        // Offered on both trials: the ordinary softmax.
        let offered = LaneDataset(
            lanes: 1, trials: 2, trialCounts: [2], answered: [1, 1], blockStart: [1, 0], columns: [[2, 2], [1, 1]])
        let both = GradientHarness.evaluate(
            try GradientHarness.machine(model, shape: DataShape(optionCount: 3, levels: [:]), data: offered),
            theta: [tau])
        let logP = 2 * tau - log(exp(tau) + exp(2 * tau) + 1)
        #expect(abs(both.logLikelihood[0] - 2 * logP) < 1e-13, "\(both.logLikelihood[0]) vs \(2 * logP)")
    }

    /// A state that is never assigned keeps its initial value (here a parameter) on every trial.
    @Test func unassignedStateKeepsItsInitialValue() throws {
        let text = """
            model bias "a constant state started at a parameter"
            options 2
            data choice: option
            parameter tau positive
            parameter V0 real
            state V = V0
            trial {
              choice ~ softmax([tau * V, 0.0])
            }
            """
        // One subject, three answered trials: log-likelihood 2·log σ(τV0) + log σ(−τV0).
        let model = try ModelFile.check(text: text, file: "bias.rlm")
        let data = LaneDataset(
            lanes: 1, trials: 3, trialCounts: [3], answered: [1, 1, 1], blockStart: [1, 0, 0], columns: [[1, 2, 1]])
        let (tau, V0) = (2.0, 0.3)
        let expected = 2 * RefMath.logSigmoid(tau * V0) + RefMath.logSigmoid(-tau * V0)
        let m = GradientHarness.evaluate(
            try GradientHarness.machine(model, shape: DataShape(optionCount: 2, levels: [:]), data: data),
            theta: [tau, V0])
        #expect(abs(m.logLikelihood[0] - expected) < 1e-13, "machine \(m.logLikelihood[0]), expected \(expected)")
        GradientHarness.check(
            model, shape: DataShape(optionCount: 2, levels: [:]), data: data, theta: [tau, V0], label: "bias, 3 trials")
        GradientHarness.checkText(text, name: "bias")
        // Also read by an update, and kept across blocks.
        GradientHarness.checkText(
            """
            model target "a constant state started at a parameter, read by the update"
            options from data
            data choice: option
            data outcome: real
            parameter tau positive
            parameter V0 real
            state Q[option] = 0
            state V = V0 across blocks
            trial {
              choice ~ softmax(tau * Q)
              Q[choice] += 0.5 * (V * outcome - Q[choice])
            }
            """, name: "target")
    }

    /// Trial 0 starts every state at its initial value even when the data do not mark it as a
    /// block start: a parameter initial value (reset at block starts) gets its gradient there.
    @Test func firstTrialWithoutBlockStartFlag() throws {
        let model = try ModelFile.check(
            text: """
                model q0 "Q0 a parameter"
                options 2
                data choice: option
                data outcome: real
                parameter Q0 real
                parameter A in (0, 1)
                parameter tau positive
                state Q[option] = Q0
                state V = Q0 across blocks
                trial {
                  choice ~ softmax(tau * Q + [V, 0.0])
                  Q[choice] += A * (outcome - Q[choice])
                  V += A * (outcome - V)
                }
                """, file: "q0.rlm")
        let shape = GradientHarness.shape(model, optionCount: 2)
        var rng = RefRNG(seed: 99)
        var data = GradientHarness.makeData(model, shape: shape, lanes: 5, trialRange: 10...20, rng: &rng)
        for l in 0..<data.lanes where l % 2 == 0 { data.blockStart[l] = 0 }
        let theta = GradientHarness.randomParameters(model, lanes: 5, rng: &rng)
        // (Found while writing this test: the backward pass sent Q0's gradient through the
        // carried state only at flagged block starts, so these lanes got none.)
        GradientHarness.check(
            model, shape: shape, data: data, theta: theta, label: "q0 without a block start at trial 0")
    }

    /// A missed first trial and a missed block start: the reset still happens.
    @Test func missedBlockStarts() throws {
        let model = try GradientHarness.builtInModel("delta_stick")
        let shape = GradientHarness.shape(model, optionCount: 3)
        var rng = RefRNG(seed: 5)
        var data = GradientHarness.makeData(
            model, shape: shape, lanes: 6, trialRange: 15...30, missed: 0.3, blockRate: 0.3, rng: &rng)
        for l in 0..<data.lanes where l % 2 == 1 {
            data.answered[l] = 0
            data.columns[0][l] = 0
        }
        let theta = GradientHarness.randomParameters(model, lanes: 6, rng: &rng)
        GradientHarness.check(
            model, shape: shape, data: data, theta: theta, label: "delta_stick with missed block starts")
    }
}

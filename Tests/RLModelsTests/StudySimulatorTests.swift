import XCTest
import ModelLanguage
@testable import RLModels
import Randomness

final class StudySimulatorTests: XCTestCase {
    /// Reading what the writer wrote gives back the same batch; the same seed gives the same text.
    func testWriteThenReadGivesTheSameBatch() throws {
        for (blocks, missing) in [(1, 0.0), (3, 0.2)] {
            let study = try StudySimulator.simulate(
                model: ModelCatalog.bandit2armDelta, subjects: 6, trials: 40,
                blocks: blocks, missingProbability: missing, seed: 17)
            let text = TrialTableWriter.tsv(study.batch, blockNumber: study.blockNumber, writeBlockColumn: blocks > 1)
            let back = try TrialTableReader.parse(
                text: text, fileName: "sim.tsv", requirements: ModelCatalog.bandit2armDelta.data)
            XCTAssertEqual(back.choice, study.batch.choice)
            XCTAssertEqual(back.columns, study.batch.columns)
            XCTAssertEqual(back.blockStart, study.batch.blockStart)
            XCTAssertEqual(back.laneIDs, study.batch.laneIDs)
            XCTAssertEqual(back.blocksPerLane, [Int](repeating: blocks, count: 6))
            if missing > 0 { XCTAssertGreaterThan(back.missedTrialCount, 0) }
            let again = try StudySimulator.simulate(
                model: ModelCatalog.bandit2armDelta, subjects: 6, trials: 40,
                blocks: blocks, missingProbability: missing, seed: 17)
            XCTAssertEqual(
                TrialTableWriter.tsv(again.batch, blockNumber: again.blockNumber, writeBlockColumn: blocks > 1), text)
        }
    }

    /// Simulated behaviour follows the parameters: learners prefer the better arm before the
    /// reversal; the group parameters' sample means are near the requested group values.
    func testSimulatedSubjectsLearn() throws {
        let study = try StudySimulator.simulate(
            model: ModelCatalog.bandit2armDelta, subjects: 200, trials: 100, seed: 3)
        let b = study.batch
        var better = 0, total = 0
        for t in 20..<50 {
            for s in 0..<b.laneCount { total += 1; if b.choice[t * b.laneCount + s] == 0 { better += 1 } }
        }
        XCTAssertGreaterThan(Double(better) / Double(total), 0.6)
        let z = study.z
        let meanZ = z.reduce(0, +) / Double(z.count)
        XCTAssertEqual(meanZ, 0, accuracy: 0.15)
        XCTAssertEqual(study.group.mu[0], PhiApprox.inverse(0.3), accuracy: 1e-12)
        // A more subjects study extends one with fewer (same seed): subject 0's trials agree.
        let small = try StudySimulator.simulate(model: ModelCatalog.bandit2armDelta, subjects: 3, trials: 100, seed: 3)
        for t in 0..<100 { XCTAssertEqual(small.batch.choice[t * 3], b.choice[t * 200]) }
    }

    /// Criterion reversal: the probabilities flip once the run of best-option choices reaches
    /// the drawn criterion; a worse choice restarts the run; after a flip the other option is
    /// the best one; criteria cover the whole range and nothing outside it.
    func testReversalAfterARunOfCorrectChoices() {
        let task = BanditTask(rewardProbabilities: [0.8, 0.2], reversal: .afterCorrectRun(3...3))
        var rng = Philox(seed: 1, stream: 0)
        var state = BanditTaskState(task: task, blockLength: 100, rng: &rng)
        XCTAssertEqual(state.rewardProbability(arm: 0, trialInBlock: 0), 0.8)
        for c in [0, 0, 1, 0, 0] { state.record(choice: c, rng: &rng) }
        XCTAssertFalse(state.reversed, "a worse choice restarts the run")
        state.record(choice: 0, rng: &rng)
        XCTAssertTrue(state.reversed)
        XCTAssertEqual(state.rewardProbability(arm: 0, trialInBlock: 6), 0.2)
        XCTAssertEqual(state.rewardProbability(arm: 1, trialInBlock: 6), 0.8)
        for _ in 0..<3 { state.record(choice: 0, rng: &rng) }
        XCTAssertTrue(state.reversed, "the old best option no longer counts")
        for _ in 0..<3 { state.record(choice: 1, rng: &rng) }
        XCTAssertFalse(state.reversed)

        let ranged = BanditTask(rewardProbabilities: [0.8, 0.2], reversal: .afterCorrectRun(5...9))
        var ranged_state = BanditTaskState(task: ranged, blockLength: 10_000, rng: &rng)
        var runs: [Int: Int] = [:], run = 0
        for _ in 0..<5000 {
            let best = ranged_state.reversed ? 1 : 0
            let was = ranged_state.reversed
            ranged_state.record(choice: best, rng: &rng)
            run += 1
            if ranged_state.reversed != was { runs[run, default: 0] += 1; run = 0 }
        }
        XCTAssertEqual(Set(runs.keys), Set(5...9))
        for n in 5...9 { XCTAssertEqual(Double(runs[n]!) / Double(runs.values.reduce(0, +)), 0.2, accuracy: 0.05) }
    }

    /// The fixed designs: `.never` never reverses, `.halfway` reverses at the block's middle
    /// trial; three options read backwards after the reversal.
    func testFixedReversalDesigns() {
        var rng = Philox(seed: 1, stream: 0)
        let never = BanditTaskState(
            task: BanditTask(rewardProbabilities: [0.7, 0.3], reversal: .never), blockLength: 10, rng: &rng)
        XCTAssertEqual(never.rewardProbability(arm: 0, trialInBlock: 9), 0.7)
        let halfway = BanditTaskState(task: BanditTask.standard(options: 3), blockLength: 10, rng: &rng)
        XCTAssertEqual(halfway.rewardProbability(arm: 0, trialInBlock: 4), 0.8)
        XCTAssertEqual(halfway.rewardProbability(arm: 0, trialInBlock: 5), 0.2, accuracy: 1e-12)
        XCTAssertEqual(halfway.rewardProbability(arm: 1, trialInBlock: 5), 0.5, accuracy: 1e-12)
    }

    /// The prl models are simulated on probabilistic reversal learning by default: with ~17
    /// reversals the two options are chosen about equally often, where the same learners on a
    /// never-reversing 0.8 / 0.2 task mostly choose option 1. The bandit models keep the
    /// halfway design.
    func testPRLModelsUseTheReversalTask() throws {
        XCTAssertEqual(BanditTask.standard(for: ModelCatalog.prlRP, options: 2), .probabilisticReversal)
        XCTAssertEqual(BanditTask.standard(for: ModelCatalog.prlFictitious, options: 2), .probabilisticReversal)
        XCTAssertEqual(BanditTask.standard(for: ModelCatalog.bandit2armDelta, options: 2), .standard(options: 2))
        func shareOfFirstOption(_ task: BanditTask?) throws -> Double {
            let b = try StudySimulator.simulate(
                model: ModelCatalog.prlRP, subjects: 20, trials: 200, seed: 4, task: task
            ).batch
            return Double(b.choice.filter { $0 == 0 }.count) / Double(b.choice.count)
        }
        XCTAssertEqual(try shareOfFirstOption(nil), 0.5, accuracy: 0.05)
        XCTAssertGreaterThan(
            try shareOfFirstOption(BanditTask(rewardProbabilities: [0.8, 0.2], reversal: .never)), 0.75)
    }

    /// The go/no-go task (gng models): cues uniform over 1…4; the right action (go for cues 1
    /// and 3) gets the good outcome 80% of the time, the wrong one 20%; win cues pay 1 / 0,
    /// avoid cues 0 / −1; subjects learn (more right actions late than early); missed trials
    /// keep the stream aligned; the file reads back to the same batch.
    func testGoNoGoTask() throws {
        let model = try XCTUnwrap(ModelCatalog.model(named: "gng_m1"))
        XCTAssertEqual(model.task, .goNoGo)
        let study = try StudySimulator.simulate(
            model: model, subjects: 60, trials: 240, blocks: 2, missingProbability: 0.05, seed: 9)
        let b = study.batch, S = b.laneCount
        let cue = try XCTUnwrap(b.columns["cue"]), pressed = try XCTUnwrap(b.columns["keyPressed"]),
            outcome = try XCTUnwrap(b.columns["outcome"])
        var cueCounts = [Int](repeating: 0, count: 5)
        var good = [0, 0], count = [0, 0] // [wrong action, right action]
        var rightEarly = 0, rightLate = 0, early = 0, late = 0
        for t in 0..<b.trialCount {
            for s in 0..<S where b.answered[t * S + s] {
                let i = t * S + s, c = Int(cue[i]), go = pressed[i] == 1
                cueCounts[c] += 1
                let right = go == GoNoGoTask.goIsRight(cue: c)
                let isGood = c <= 2 ? outcome[i] == 1 : outcome[i] == 0
                XCTAssert(c <= 2 ? [0, 1].contains(outcome[i]) : [0, -1].contains(outcome[i]))
                good[right ? 1 : 0] += isGood ? 1 : 0
                count[right ? 1 : 0] += 1
                if t < 40 { early += 1; rightEarly += right ? 1 : 0 }
                if t >= 200 { late += 1; rightLate += right ? 1 : 0 }
            }
        }
        let answered = cueCounts.reduce(0, +)
        for c in 1...4 { XCTAssertEqual(Double(cueCounts[c]) / Double(answered), 0.25, accuracy: 0.02) }
        XCTAssertEqual(Double(good[1]) / Double(count[1]), 0.8, accuracy: 0.02)
        XCTAssertEqual(Double(good[0]) / Double(count[0]), 0.2, accuracy: 0.02)
        XCTAssertGreaterThan(Double(rightLate) / Double(late), Double(rightEarly) / Double(early) + 0.05)
        XCTAssertGreaterThan(b.missedTrialCount, 0)
        let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: true)
        let back = try TrialTableReader.parse(text: text, fileName: "gng.tsv", requirements: model.data)
        XCTAssertEqual(back.columns, b.columns)
        XCTAssertEqual(back.answered, b.answered)
        XCTAssertTrue(study.taskDescription.hasPrefix("go/no-go"))
    }

    /// The two-step task (ts models): the stage-2 choice lies in the state reached (1, 2 or
    /// 3, 4), the common transition (option 1 to state 1, option 2 to state 2) happens 70% of
    /// the time, rewards are 0/1 with a rate inside [0.25, 0.75]; missed trials keep both
    /// choices empty; the file reads back to the same batch; the study's density is finite.
    func testTwoStepTask() throws {
        let model = try XCTUnwrap(ModelCatalog.model(named: "ts_par6"))
        XCTAssertEqual(model.task, .twoStep)
        let study = try StudySimulator.simulate(
            model: model, subjects: 40, trials: 200, missingProbability: 0.05, seed: 5)
        let b = study.batch, S = b.laneCount
        let first = try XCTUnwrap(b.columns["level1_choice"]), second = try XCTUnwrap(b.columns["level2_choice"])
        let reward = try XCTUnwrap(b.columns["reward"])
        var common = 0, answered = 0, rewarded = 0.0
        for i in 0..<(b.trialCount * S) where b.answered[i] {
            XCTAssert([1, 2].contains(first[i]) && (1...4).contains(second[i]) && [0, 1].contains(reward[i]))
            let state = second[i] <= 2 ? 1.0 : 2.0
            common += state == first[i] ? 1 : 0
            answered += 1
            rewarded += reward[i]
        }
        XCTAssertEqual(Double(common) / Double(answered), 0.7, accuracy: 0.02)
        XCTAssertEqual(rewarded / Double(answered), 0.5, accuracy: 0.1)
        XCTAssertGreaterThan(b.missedTrialCount, 0)
        for i in 0..<(b.trialCount * S) where !b.answered[i] { XCTAssertEqual(second[i], 0) }
        let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: false)
        let back = try TrialTableReader.parse(text: text, fileName: "ts.tsv", requirements: model.data)
        XCTAssertEqual(back.columns, b.columns)
        XCTAssertEqual(back.choice, b.choice)
        XCTAssertTrue(study.taskDescription.hasPrefix("two-step"))
        // The walk stays inside its bounds and moves.
        var rng = Philox(seed: 1)
        var p = 0.74, moved = false
        for _ in 0..<10_000 {
            let q = TwoStepTask.drift(p, &rng)
            XCTAssert(TwoStepTask.rewardBounds.contains(q))
            moved = moved || q != p
            p = q
        }
        XCTAssertTrue(moved)
        // trans_prob is the task's common transition.
        let rare = try ModelDefinition(file: model.file, origin: .builtIn, arguments: ["trans_prob": 0.9])
        XCTAssertEqual((StudySimulator.task(for: rare) as? TwoStepTask)?.commonTransition, 0.9)
    }

    /// The probabilistic selection task (pst models): pairs 12, 34, 56 uniformly; the first
    /// stimulus of each pair is rewarded 80 / 70 / 60% of the time and the second 20 / 30 /
    /// 40%; subjects come to prefer the better stimulus; the file reads back.
    func testProbabilisticSelectionTask() throws {
        let model = try XCTUnwrap(ModelCatalog.model(named: "pst_gainloss_Q"))
        XCTAssertEqual(model.task, .probabilisticSelection)
        let study = try StudySimulator.simulate(
            model: model, subjects: 40, trials: 240, missingProbability: 0.05, seed: 6)
        let b = study.batch, S = b.laneCount
        let type = try XCTUnwrap(b.columns["type"]), choice = try XCTUnwrap(b.columns["choice"]),
            reward = try XCTUnwrap(b.columns["reward"])
        var pairs: [Double: Int] = [:]
        var paid = [Double](repeating: 0, count: 7), shown = [Double](repeating: 0, count: 7)
        var firstLate = 0, late = 0
        for t in 0..<b.trialCount {
            for s in 0..<S where b.answered[t * S + s] {
                let i = t * S + s
                pairs[type[i], default: 0] += 1
                let chosen = Int(type[i]) / 10 + (choice[i] == 1 ? 0 : 1)
                shown[chosen] += 1
                paid[chosen] += reward[i]
                if t >= 160 { late += 1; firstLate += choice[i] == 1 ? 1 : 0 }
            }
        }
        XCTAssertEqual(Set(pairs.keys), [12, 34, 56])
        for n in pairs.values {
            XCTAssertEqual(Double(n) / Double(b.answered.filter { $0 }.count), 1.0 / 3, accuracy: 0.02)
        }
        for (k, p) in [0.8, 0.2, 0.7, 0.3, 0.6, 0.4].enumerated() where shown[k + 1] > 300 {
            XCTAssertEqual(paid[k + 1] / shown[k + 1], p, accuracy: 0.05, "stimulus \(k + 1)")
        }
        XCTAssertGreaterThan(Double(firstLate) / Double(late), 0.6)
        let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: false)
        let back = try TrialTableReader.parse(text: text, fileName: "pst.tsv", requirements: model.data)
        XCTAssertEqual(back.columns, b.columns)
        XCTAssertEqual(back.answered, b.answered)
    }

    /// The aversive learning task (alt models): magnitudes 1…99 shown for both options; the
    /// punished option is blue 75% of the time in each block's first half and 80% / 20% in
    /// turn (every 20 trials) in the second; outcome 1 exactly when the chosen option is the
    /// punished one; the file reads back.
    func testAversiveLearningTask() throws {
        XCTAssertEqual(AversiveLearningTask.bluePunished(trialInBlock: 10, blockLength: 200), 0.75)
        XCTAssertEqual(AversiveLearningTask.bluePunished(trialInBlock: 100, blockLength: 200), 0.8)
        XCTAssertEqual(AversiveLearningTask.bluePunished(trialInBlock: 120, blockLength: 200), 0.2, accuracy: 1e-15)
        XCTAssertEqual(AversiveLearningTask.bluePunished(trialInBlock: 140, blockLength: 200), 0.8)
        let model = try XCTUnwrap(ModelCatalog.model(named: "alt_gamma"))
        XCTAssertEqual(model.task, .aversiveLearning)
        let study = try StudySimulator.simulate(
            model: model, subjects: 100, trials: 100, missingProbability: 0.05, seed: 7)
        let b = study.batch, S = b.laneCount
        let outcome = try XCTUnwrap(b.columns["outcome"]), blue = try XCTUnwrap(b.columns["bluePunish"])
        let orange = try XCTUnwrap(b.columns["orangePunish"])
        var blueTotal = 0.0, punishedIfBlue = 0.0, blueChosen = 0.0
        for t in 0..<50 {
            for s in 0..<S where b.answered[t * S + s] {
                let i = t * S + s
                XCTAssert((1...99).contains(blue[i]) && (1...99).contains(orange[i]) && [0, 1].contains(outcome[i]))
                blueTotal += blue[i]
                if b.choice[i] == 0 { blueChosen += 1; punishedIfBlue += outcome[i] }
            }
        }
        XCTAssertEqual(blueTotal / Double(b.answered[0..<(50 * S)].filter { $0 }.count), 50, accuracy: 2)
        XCTAssertEqual(punishedIfBlue / blueChosen, 0.75, accuracy: 0.03)
        let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: false)
        let back = try TrialTableReader.parse(text: text, fileName: "alt.tsv", requirements: model.data)
        XCTAssertEqual(back.columns, b.columns)
        XCTAssertEqual(back.choice, b.choice)
    }

    /// The ultimatum game (ug models): offers 1…10 uniformly; a responder with envy accepts
    /// high offers more often than low ones; the file reads back.
    func testUltimatumTask() throws {
        let model = try XCTUnwrap(ModelCatalog.model(named: "ug_delta"))
        XCTAssertEqual(model.task, .ultimatum)
        let study = try StudySimulator.simulate(
            model: model, subjects: 50, trials: 60, missingProbability: 0.05, seed: 8)
        let b = study.batch
        let offer = try XCTUnwrap(b.columns["offer"]), accept = try XCTUnwrap(b.columns["accept"])
        var accepted = [Double](repeating: 0, count: 11), shown = [Double](repeating: 0, count: 11)
        for i in offer.indices where b.answered[i] {
            XCTAssert((1...10).contains(offer[i]) && [0, 1].contains(accept[i]))
            shown[Int(offer[i])] += 1
            accepted[Int(offer[i])] += accept[i]
        }
        for o in 1...10 { XCTAssertEqual(shown[o] / shown[1...].reduce(0, +), 0.1, accuracy: 0.02) }
        XCTAssertGreaterThan(
            accepted[9...10].reduce(0, +) / shown[9...10].reduce(0, +),
            accepted[1...2].reduce(0, +) / shown[1...2].reduce(0, +) + 0.2)
        let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: false)
        let back = try TrialTableReader.parse(text: text, fileName: "ug.tsv", requirements: model.data)
        XCTAssertEqual(back.columns, b.columns)
        XCTAssertEqual(back.answered, b.answered)
    }

    /// The balloon task (bart models): balloons burst at a pump uniform over 1…128; pumps are
    /// whole numbers ≥ 0, a burst balloon's pumps reach its burst point (so bursts come with
    /// more pumps than cash-ins on average); subjects of bart_par4 pump more as their belief
    /// of a burst falls; the file reads back.
    func testBalloonTask() throws {
        let model = try XCTUnwrap(ModelCatalog.model(named: "bart_par4"))
        XCTAssertEqual(model.task, .balloon)
        let study = try StudySimulator.simulate(
            model: model, subjects: 40, trials: 60, missingProbability: 0.05, seed: 9)
        let b = study.batch, S = b.laneCount
        let pumps = try XCTUnwrap(b.columns["pumps"]), explosion = try XCTUnwrap(b.columns["explosion"])
        var early = 0.0, late = 0.0, earlyCount = 0.0, lateCount = 0.0, bursts = 0.0, answered = 0.0
        for t in 0..<b.trialCount {
            for s in 0..<S where b.answered[t * S + s] {
                let i = t * S + s
                XCTAssert(
                    pumps[i] >= 0 && pumps[i] <= 128 && pumps[i] == pumps[i].rounded() && [0, 1].contains(explosion[i]))
                if explosion[i] == 1 { XCTAssertGreaterThan(pumps[i], 0) }
                bursts += explosion[i]
                answered += 1
                if t < 10 { early += pumps[i]; earlyCount += 1 }
                if t >= 50 { late += pumps[i]; lateCount += 1 }
            }
        }
        XCTAssertGreaterThan(bursts / answered, 0.05)
        XCTAssertLessThan(bursts / answered, 0.95)
        XCTAssertGreaterThan(late / lateCount, early / earlyCount)
        let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: false)
        let back = try TrialTableReader.parse(text: text, fileName: "bart.tsv", requirements: model.data)
        XCTAssertEqual(back.columns, b.columns)
        XCTAssertEqual(back.answered, b.answered)
        // A count must be a whole number ≥ 0.
        let bad = "subjID\tpumps\texplosion\n1\t-2\t0\n"
        XCTAssertThrowsError(try TrialTableReader.parse(text: bad, fileName: "bad.tsv", requirements: model.data)) {
            error in
            XCTAssert("\(error)".contains("pumps is not a whole number ≥ 0"), "\(error)")
        }
    }

    /// The restless bandit (Kalman-filter models): payoffs whole numbers in 1…100 whose means
    /// drift (the same arm's payoffs correlate across nearby trials, not across distant ones).
    func testRestlessBandit() throws {
        let model = try XCTUnwrap(ModelCatalog.model(named: "bandit4arm2_kalman_filter"))
        XCTAssertEqual(model.task, .restlessBandit)
        let study = try StudySimulator.simulate(
            model: model, subjects: 30, trials: 300, missingProbability: 0.05, seed: 3)
        let b = study.batch
        let outcome = try XCTUnwrap(b.columns["outcome"])
        for i in outcome.indices where b.answered[i] {
            XCTAssert((1...100).contains(outcome[i]) && outcome[i] == outcome[i].rounded())
        }
        var rng = Philox(seed: 2)
        let task = RestlessBanditTask()
        var mean = 50.0, near = [(Double, Double)](), far = [(Double, Double)](), path: [Double] = []
        for _ in 0..<20_000 {
            mean = task.decay * mean + (1 - task.decay) * task.center + task.diffusion * rng.nextNormal()
            path.append(mean)
        }
        for t in stride(from: 0, to: path.count - 500, by: 7) {
            near.append((path[t], path[t + 1])); far.append((path[t], path[t + 500]))
        }
        func r(_ pairs: [(Double, Double)]) -> Double {
            let n = Double(pairs.count), ma = pairs.map(\.0).reduce(0, +) / n, mb = pairs.map(\.1).reduce(0, +) / n
            let sab = pairs.reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) }
            let saa = pairs.reduce(0) { $0 + ($1.0 - ma) * ($1.0 - ma) },
                sbb = pairs.reduce(0) { $0 + ($1.1 - mb) * ($1.1 - mb) }
            return sab / (saa * sbb).squareRoot()
        }
        XCTAssertGreaterThan(r(near), 0.95)
        XCTAssertLessThan(abs(r(far)), 0.1)
        let sd = (path.map { ($0 - 50) * ($0 - 50) }.reduce(0, +) / Double(path.count)).squareRoot()
        XCTAssertEqual(sd, task.diffusion / (1 - task.decay * task.decay).squareRoot(), accuracy: 3)
    }

    /// The Iowa gambling task (igt models): decks pay 100, 100, 50, 50; every run of 10 cards
    /// of a deck loses 1250 (A, B) or 250 (C, D) in total, in five losses (A, C) or one (B, D).
    func testIowaGamblingTask() throws {
        var rng = Philox(seed: 4)
        for deck in 0..<4 {
            let run = IowaGamblingTask.run(deck: deck, &rng)
            XCTAssertEqual(run.count, 10)
            XCTAssertEqual(run.reduce(0, +), deck < 2 ? 1250 : 250)
            XCTAssertEqual(run.filter { $0 > 0 }.count, deck == 0 || deck == 2 ? 5 : 1)
        }
        let model = try XCTUnwrap(ModelCatalog.model(named: "igt_pvl_delta"))
        XCTAssertEqual(model.task, .iowaGambling)
        let study = try StudySimulator.simulate(
            model: model, subjects: 30, trials: 100, missingProbability: 0.05, seed: 5)
        let b = study.batch, S = b.laneCount
        let gain = try XCTUnwrap(b.columns["gain"]), loss = try XCTUnwrap(b.columns["loss"])
        var drawn = [[Double]](repeating: [Double](repeating: 0, count: 4), count: S)
        var lost = drawn
        for t in 0..<b.trialCount {
            for s in 0..<S where b.answered[t * S + s] {
                let i = t * S + s, c = Int(b.choice[i])
                XCTAssertEqual(gain[i], IowaGamblingTask.gains[c])
                drawn[s][c] += 1
                lost[s][c] -= loss[i]
            }
        }
        // Whole runs of 10 lose exactly their total.
        for s in 0..<S { for c in 0..<4 where drawn[s][c] == 10 { XCTAssertEqual(lost[s][c], c < 2 ? 1250 : 250) } }
        let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: false)
        let back = try TrialTableReader.parse(text: text, fileName: "igt.tsv", requirements: model.data)
        XCTAssertEqual(back.columns, b.columns)
    }

    /// A model reading `cue` (cue × action learning) is simulated on the bandit: cues uniform
    /// over the declared levels (2 when undeclared); under cue c the arms pay as the list rotated
    /// by c − 1, so each cue has its own best arm; learners pick each cue's best arm; missed
    /// rows have no cue; the file reads back to the same batch.
    func testTheBanditShowsCuesToAModelThatReadsThem() throws {
        func model(cue declaration: String) throws -> ModelDefinition {
            try ModelDefinition(
                file: ModelFile.check(
                    text: """
                        model cues "a delta rule per cue"
                        options 3
                        data choice: option
                        data cue: \(declaration)
                        data outcome: real
                        parameter A in (0, 1) typical 0.3
                        parameter tau in (0, 10) typical 5
                        state W[cue, option] = 0
                        trial {
                          choice ~ softmax(tau * W[cue])
                          W[cue, choice] += A * (outcome - W[cue, choice])
                        }
                        """, file: "cues.rlm"), origin: .file("cues.rlm"))
        }
        let task = BanditTask(rewardProbabilities: [0.9, 0.5, 0.1], reversal: .never)
        XCTAssertEqual(task.rewardProbability(arm: 0, reversed: false, cue: 2), 0.5)
        XCTAssertEqual(task.rewardProbability(arm: 2, reversed: false, cue: 2), 0.9)
        XCTAssertEqual(task.rewardProbability(arm: 1, reversed: false, cue: 3), 0.9)
        XCTAssertEqual(task.rewardProbability(arm: 2, reversed: true, cue: 2), 0.1)
        XCTAssertEqual(task.bestArm(cue: 3, reversed: false), 1)
        // A reversal swaps every cue's best and worst arms (with K = 3 too, where reading cue 3's
        // rotated list backwards would keep its best arm in the middle).
        for c in 1...3 {
            let worst = (0..<3).min {
                task.rewardProbability(arm: $0, reversed: false, cue: c)
                    < task.rewardProbability(arm: $1, reversed: false, cue: c)
            }!
            XCTAssertEqual(task.bestArm(cue: c, reversed: true), worst, "cue \(c)")
        }
        for (declaration, cues) in [("index 1..3", 3), ("index", 2)] {
            let m = try model(cue: declaration)
            let study = try StudySimulator.simulate(
                model: m, subjects: 40, trials: 300, missingProbability: 0.05, seed: 5, task: task)
            let b = study.batch, S = b.laneCount
            let cue = try XCTUnwrap(b.columns["cue"]), outcome = try XCTUnwrap(b.columns["outcome"])
            XCTAssert(study.taskDescription.contains("cues 1-\(cues) shown uniformly"), study.taskDescription)
            var shown = [Int](repeating: 0, count: cues + 1), best = 0, late = 0
            var paid = [[Double]](repeating: [0, 0, 0], count: cues + 1)
            var chosen = [[Double]](repeating: [0, 0, 0], count: cues + 1)
            for t in 0..<b.trialCount {
                for s in 0..<S {
                    let i = t * S + s
                    guard b.answered[i] else { XCTAssertEqual(cue[i], 0); continue }
                    let c = Int(cue[i]), k = Int(b.choice[i])
                    shown[c] += 1
                    chosen[c][k] += 1
                    if outcome[i] == 1 { paid[c][k] += 1 }
                    if t >= 200 { late += 1; if k == task.bestArm(cue: c, reversed: false) { best += 1 } }
                }
            }
            XCTAssertEqual(shown[0], 0)
            for c in 1...cues {
                XCTAssertEqual(Double(shown[c]) / Double(shown.reduce(0, +)), 1 / Double(cues), accuracy: 0.03)
                for k in 0..<3 where chosen[c][k] > 300 {
                    XCTAssertEqual(
                        paid[c][k] / chosen[c][k], task.rewardProbability(arm: k, reversed: false, cue: c),
                        accuracy: 0.06, "cue \(c), arm \(k)")
                }
            }
            XCTAssertGreaterThan(Double(best) / Double(late), 0.6)
            let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: false)
            let back = try TrialTableReader.parse(text: text, fileName: "cues.tsv", requirements: m.data)
            XCTAssertEqual(back.columns, b.columns)
            XCTAssertEqual(back.choice, b.choice)
        }
    }

    /// A model whose task cannot produce what it reads, or draw what it observes, is refused
    /// before anything is simulated, naming the column and what the task produces.
    func testATaskRefusesAModelItCannotSimulate() throws {
        func model(_ text: String) throws -> ModelDefinition {
            try ModelDefinition(file: ModelFile.check(text: text, file: "m.rlm"), origin: .file("m.rlm"))
        }
        let readsMood = try model(
            """
            model m "reads a column no task makes"
            options 2
            data choice: option
            data outcome: real
            data mood: real
            parameter A in (0, 1)
            state Q[option] = 0
            trial {
              choice ~ softmax(Q + mood)
              Q[choice] += A * (outcome - Q[choice])
            }
            """)
        XCTAssertThrowsError(try StudySimulator.check(readsMood)) { error in
            XCTAssert(
                "\(error)".contains("reads data column 'mood'")
                    && "\(error)".contains(
                        "produces 'cue' (an index column) before each choice, and gain, loss, outcome"),
                "\(error)")
        }
        let pressesOnABalloon = try model(
            """
            model m "a binary response on the balloon task"
            task balloon
            data pressed: binary
            data explosion: binary
            parameter b real
            trial {
              pressed ~ bernoulli_logit(b + explosion)
            }
            """)
        XCTAssertThrowsError(try StudySimulator.simulate(model: pressesOnABalloon, subjects: 2, trials: 3, seed: 1)) {
            error in
            XCTAssert("\(error)".contains("observes pressed") && "\(error)".contains("one count of pumps"), "\(error)")
        }
    }

    /// The diffusion as the pstRT task simulates it: with drift δ from the middle, the upper
    /// boundary is reached with probability 1/(1 + e^{−δa}) after (a/(2δ))·tanh(δa/2) on
    /// average (Cox & Miller 1965); the Euler steps (1 ms here, 0.1 ms in studies) bias both
    /// by a few percent at most.
    func testProbabilisticSelectionRTPassages() {
        var task = ProbabilisticSelectionRTTask()
        task.timeStep = 1e-3
        var rng = Philox(seed: 3, stream: 1)
        let a = 1.5, delta = 1.0, tau = 0.3, n = 4000
        var upper = 0.0, decision = 0.0
        for _ in 0..<n {
            let (response, time) = task.passage(boundary: a, nondecision: tau, bias: 0.5, drift: delta, rng: &rng)
            XCTAssert(response == 1 || response == 2)
            XCTAssertGreaterThan(time, tau)
            if response == 1 { upper += 1 }
            decision += time - tau
        }
        XCTAssertEqual(upper / Double(n), 1 / (1 + exp(-delta * a)), accuracy: 0.025)
        XCTAssertEqual(decision / Double(n), a / (2 * delta) * tanh(delta * a / 2), accuracy: 0.05 * 0.476)
    }

    /// pstRT studies: conditions cycle 1, 2, 3 with `iter` counting each, responses 1 or 2 with
    /// their times after τ, feedback from the condition's probabilities, and the file reads back.
    func testProbabilisticSelectionRTTask() throws {
        let model = try XCTUnwrap(ModelCatalog.model(named: "pstRT_rlddm6"))
        XCTAssertEqual(model.task, .probabilisticSelectionRT)
        let study = try StudySimulator.simulate(
            model: model, subjects: 20, trials: 60, missingProbability: 0.05, seed: 4)
        let b = study.batch, S = b.laneCount
        let cond = try XCTUnwrap(b.columns["cond"]), iter = try XCTUnwrap(b.columns["iter"])
        let choice = try XCTUnwrap(b.columns["choice"]), rt = try XCTUnwrap(b.columns["RT"]),
            feedback = try XCTUnwrap(b.columns["feedback"])
        let tau = model.parameterIndex("tau")!
        var correct = 0.0, answered = 0.0
        for t in 0..<b.trialCount {
            for s in 0..<S where b.answered[t * S + s] {
                let i = t * S + s
                XCTAssertEqual(cond[i], Double(t % 3 + 1))
                XCTAssertEqual(iter[i], Double(t / 3 + 1))
                XCTAssert([1, 2].contains(choice[i]) && [0, 1].contains(feedback[i]))
                XCTAssertGreaterThan(rt[i], study.theta[tau * S + s])
                if choice[i] == 1 { correct += 1 }
                answered += 1
            }
        }
        XCTAssertGreaterThan(correct / answered, 0.55, "learning favours the correct option")
        let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: false)
        let back = try TrialTableReader.parse(text: text, fileName: "pstRT.tsv", requirements: model.data)
        XCTAssertEqual(back.columns, b.columns)
        XCTAssertEqual(back.answered, b.answered)
    }

    /// Binary inputs: P(u = 1) is 0.8 in the first quarter, then alternates 0.2 / 0.8 every 25
    /// trials; the hgf model's responses follow its predictions (mostly 1 while 1 dominates).
    func testBinaryInputTask() throws {
        let task = BinaryInputTask()
        XCTAssertEqual(task.probability(index: 0, length: 200), 0.8)
        XCTAssertEqual(task.probability(index: 49, length: 200), 0.8)
        XCTAssertEqual(task.probability(index: 50, length: 200), 0.2, accuracy: 1e-15)
        XCTAssertEqual(task.probability(index: 75, length: 200), 0.8)
        let model = try XCTUnwrap(ModelCatalog.model(named: "hgf_ibrb"))
        XCTAssertEqual(model.task, .binaryInputs)
        let study = try StudySimulator.simulate(
            model: model, subjects: 30, trials: 200, missingProbability: 0.05, seed: 5)
        let b = study.batch, S = b.laneCount
        let u = try XCTUnwrap(b.columns["u"]), y = try XCTUnwrap(b.columns["y"])
        var stableOnes = 0.0, stableCount = 0.0, inputOnes = 0.0
        for t in 0..<50 {
            for s in 0..<S where b.answered[t * S + s] {
                inputOnes += u[t * S + s]
                if t >= 10 { stableOnes += y[t * S + s]; stableCount += 1 }
            }
        }
        XCTAssertEqual(inputOnes / stableCount * 40 / 50, 0.8, accuracy: 0.05)
        XCTAssertGreaterThan(stableOnes / stableCount, 0.6, "predictions follow the frequent input")
        let text = TrialTableWriter.tsv(b, blockNumber: study.blockNumber, writeBlockColumn: false)
        let back = try TrialTableReader.parse(text: text, fileName: "hgf.tsv", requirements: model.data)
        XCTAssertEqual(back.columns, b.columns)
    }
}

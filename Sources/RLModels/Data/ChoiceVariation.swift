/// Subjects whose answered choices never vary: a learning model's parameters are not identified
/// by such a subject's data (any learning rate predicts the same choices once the inverse
/// temperature is at its bound), and when no subject varies, by the study's. `rlfit check`
/// and the fit report say so, instead of a verdict that only sees parameters at their bounds.
///
/// And, when the number of options comes from the data (`options from data`), a highest option
/// chosen so rarely (at most once per thousand answered choices) that it is likely a typo: that
/// one row gives every subject an extra option.
public enum ChoiceVariation {
    public static func warnings(batch: TrialBatch, optionsFromData: Bool = false) -> [String] {
        guard batch.choiceColumn != nil, batch.optionCount >= 2 else { return [] }
        return constantChoosers(batch) + (optionsFromData ? rareHighestOption(batch) : [])
    }

    /// How often each option is chosen (index 0 for option 1), over answered trials.
    public static func choiceCounts(_ batch: TrialBatch) -> [Int] {
        var counts = [Int](repeating: 0, count: batch.optionCount)
        for c in batch.choice where c >= 0 && Int(c) < counts.count { counts[Int(c)] += 1 }
        return counts
    }

    private static func rareHighestOption(_ batch: TrialBatch) -> [String] {
        let counts = choiceCounts(batch), total = counts.reduce(0, +)
        let k = batch.optionCount
        guard k >= 3, let highest = counts.last, highest >= 1, highest <= max(1, total / 1000) else { return [] }
        let L = batch.laneCount
        let first = batch.choice.indices.first { batch.choice[$0] == Int32(k - 1) }!
        let line = Int(batch.sourceLine[first])
        return [
            "option \(k) is chosen \(highest == 1 ? "once" : "\(highest) times") in \(total) choices (first: subject \(batch.studySubjectIDs[batch.laneSubject[first % L]])"
                + (line > 0 ? ", data line \(line)" : "")
                + "), and with options from data it makes the model's K \(k); "
                + "if the task offered \(k - 1) options, correct \(highest == 1 ? "that row" : "those rows")"
        ]
    }

    private static func constantChoosers(_ batch: TrialBatch) -> [String] {
        let L = batch.laneCount, T = batch.trialCount
        var chosen = [Set<Int32>](repeating: [], count: batch.studySubjectCount)
        var answered = [Int](repeating: 0, count: batch.studySubjectCount)
        for t in 0..<T {
            for l in 0..<L {
                let c = batch.choice[t * L + l]
                guard c >= 0 else { continue }
                let s = batch.laneSubject[l]
                chosen[s].insert(c)
                answered[s] += 1
            }
        }
        let constant = (0..<batch.studySubjectCount).filter { answered[$0] >= 2 && chosen[$0].count == 1 }
        guard let first = constant.first else { return [] }
        if constant.count == batch.studySubjectCount {
            return [
                "no subject's choices vary (each chose one option on every answered trial): the data cannot identify a learning model; "
                    + "every learning rate and inverse temperature will sit at a bound of its range"
            ]
        }
        let option = Int(chosen[first].first!) + 1
        return [
            "\(constant.count) subject\(constant.count == 1 ? "" : "s") chose one option on every answered trial (first: \(batch.studySubjectIDs[first]), "
                + "option \(option) on \(answered[first]) trials): their parameters are not identified by their own data "
                + "(they follow the group, or sit at a bound)"
        ]
    }
}

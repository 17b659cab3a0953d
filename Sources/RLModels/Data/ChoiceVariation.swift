/// Subjects whose answered choices never vary: a learning model's parameters are not identified
/// by such a subject's data (any learning rate predicts the same choices once the inverse
/// temperature is at its bound), and when no subject varies, by the study's. `rlfit check`
/// and the fit report say so, instead of a verdict that only sees parameters at their bounds.
public enum ChoiceVariation {
    public static func warnings(batch: TrialBatch) -> [String] {
        guard batch.choiceColumn != nil, batch.optionCount >= 2 else { return [] }
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

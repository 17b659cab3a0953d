/// "Did you mean …?" for a misspelt name: the candidate with the smallest edit distance
/// (Levenshtein, case-insensitive), when that distance is small for the name's length.
enum Suggestions {
    static func closest(to name: String, among candidates: [String]) -> String? {
        let lower = Array(name.lowercased())
        var best: (String, Int)?
        for candidate in candidates where candidate != name {
            let d = distance(lower, Array(candidate.lowercased()))
            if d <= max(1, min(3, lower.count / 3 + 1)), best.map({ d < $0.1 }) ?? true { best = (candidate, d) }
        }
        return best?.0
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &row)
        }
        return previous[b.count]
    }
}

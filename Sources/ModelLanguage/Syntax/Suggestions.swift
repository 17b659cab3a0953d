/// "Did you mean …?" for a misspelt name: the candidate with the smallest edit distance
/// (case-insensitive; swapping two neighbouring letters is one edit, so `tua` is one edit from
/// `tau`), when that distance is small for the name's length. Ties go to the candidate closest
/// in length, then to the first in alphabetical order, so the suggestion does not depend on the
/// order of the candidates (often a dictionary's keys, whose order changes from run to run).
public enum Suggestions {
    public static func closest(to name: String, among candidates: [String]) -> String? {
        let lower = Array(name.lowercased())
        var best: (distance: Int, lengthDifference: Int, name: String)?
        for candidate in candidates where candidate != name {
            let d = distance(lower, Array(candidate.lowercased()))
            guard d <= max(1, min(3, lower.count / 3 + 1)) else { continue }
            let key = (distance: d, lengthDifference: abs(candidate.count - name.count), name: candidate)
            if best.map({ key < $0 }) ?? true { best = key }
        }
        return best?.name
    }

    /// The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
    /// two neighbouring characters, each one edit.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

/// The numbers a data file may hold, one rule for every column: decimal, with an optional sign,
/// fraction and exponent (`1`, `-1`, `+0.5`, `.5`, `2e-3`), surrounded by any spaces or tabs.
/// Not numbers here, though Swift's `Double(_:)` reads them: hexadecimal (`0x1`), `inf`,
/// `nan`, `1_000` — a spreadsheet never writes those, so they are mistakes, not values.
/// (`NA`, `NaN` and empty cells mark missed trials before a value is read.)
public enum DataNumber {
    public static func parse<S: StringProtocol>(_ text: S) -> Double? {
        var s = Substring(text)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        var digits = 0, i = s.startIndex
        func take(_ accept: (Character) -> Bool) -> Int {
            var n = 0
            while i < s.endIndex, accept(s[i]) { i = s.index(after: i); n += 1 }
            return n
        }
        if i < s.endIndex, s[i] == "+" || s[i] == "-" { i = s.index(after: i) }
        digits += take { $0.isASCII && $0.isNumber }
        if i < s.endIndex, s[i] == "." { i = s.index(after: i); digits += take { $0.isASCII && $0.isNumber } }
        guard digits > 0 else { return nil }
        if i < s.endIndex, s[i] == "e" || s[i] == "E" {
            i = s.index(after: i)
            if i < s.endIndex, s[i] == "+" || s[i] == "-" { i = s.index(after: i) }
            guard take({ $0.isASCII && $0.isNumber }) > 0 else { return nil }
        }
        guard i == s.endIndex else { return nil }
        return Double(String(s))
    }
}

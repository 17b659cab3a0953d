/// The numbers a data file may hold, one rule for every column: decimal, with an optional sign,
/// fraction and exponent (`1`, `-1`, `+0.5`, `.5`, `2e-3`), surrounded by any spaces or tabs.
/// Not numbers here, though Swift's `Double(_:)` reads them: hexadecimal (`0x1`), `inf`,
/// `nan`, `1_000` — a spreadsheet never writes those, so they are mistakes, not values.
/// (`NA`, `NaN` and empty cells mark missed trials before a value is read.) Checked on the
/// UTF-8 bytes: the reader calls this for every cell.
public enum DataNumber {
    public static func parse(_ text: String) -> Double? {
        let bytes = text.utf8
        var start = bytes.startIndex, end = bytes.endIndex
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        while start < end, bytes[start] == space || bytes[start] == tab { start = bytes.index(after: start) }
        while start < end, bytes[bytes.index(before: end)] == space || bytes[bytes.index(before: end)] == tab {
            end = bytes.index(before: end)
        }
        var i = start
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        func digits() -> Int {
            var n = 0
            while i < end, isDigit(bytes[i]) { i = bytes.index(after: i); n += 1 }
            return n
        }
        if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
        var count = digits()
        if i < end, bytes[i] == UInt8(ascii: ".") { i = bytes.index(after: i); count += digits() }
        guard count > 0 else { return nil }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i = bytes.index(after: i)
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
            guard digits() > 0 else { return nil }
        }
        guard i == end else { return nil }
        return Double(String(decoding: bytes[start..<end], as: UTF8.self))
    }
}

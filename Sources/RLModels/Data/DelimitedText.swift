/// Splits a delimited text file (TSV or CSV) into lines and fields.
///
/// Accepts what real files contain: a UTF-8 byte-order mark, CRLF, LF or CR line ends, no final
/// newline, blank lines (skipped), and double-quoted fields (`"a,b"`, with `""` for a quote)
/// in either delimiter. Line numbers are 1-based and count every physical line, so error
/// messages point at the line an editor shows.
public struct DelimitedText: Sendable {
    public struct Row: Sendable {
        public let line: Int
        public let fields: [String]
    }

    public let delimiter: Character
    public let header: Row?
    public let rows: [Row]

    /// The delimiter: a tab when the header line holds a tab; otherwise a comma when it holds a
    /// comma; otherwise a tab (a one-column file). Sniffing beats trusting the extension: hBayesDM
    /// ships tab-separated `.txt` files and users rename files.
    public static func sniffDelimiter(headerLine: Substring) -> Character {
        if headerLine.contains("\t") { return "\t" }
        if headerLine.contains(",") { return "," }
        return "\t"
    }

    init(delimiter: Character, header: Row?, rows: [Row]) {
        self.delimiter = delimiter
        self.header = header
        self.rows = rows
    }

    public init(text: String) {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        var lines: [(Int, Substring)] = []
        var number = 0
        // Lines end with LF, CRLF, or a lone CR (old Mac files, Excel's "CSV (Macintosh)"):
        // Swift treats "\r\n" as one Character, so all three are separators.
        for raw in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            number += 1
            var line = raw
            while line.last == "\r" { line = line.dropLast() }
            // A line of nothing but spaces and delimiters is blank (spreadsheets export them).
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "," }) { continue }
            lines.append((number, line))
        }
        guard let first = lines.first else {
            self.delimiter = "\t"
            self.header = nil
            self.rows = []
            return
        }
        let delimiter = DelimitedText.sniffDelimiter(headerLine: first.1)
        self.delimiter = delimiter
        self.header = Row(line: first.0, fields: DelimitedText.fields(of: first.1, delimiter: delimiter))
        self.rows = lines.dropFirst().map { Row(line: $0.0, fields: DelimitedText.fields(of: $0.1, delimiter: delimiter)) }
    }

    /// The fields of one line, unquoted, with surrounding spaces trimmed.
    public static func fields(of line: Substring, delimiter: Character) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" && current.trimmingSpaces().isEmpty {
                current = ""
                inQuotes = true
            } else if c == delimiter {
                fields.append(String(current.trimmingSpaces()))
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(String(current.trimmingSpaces()))
        return fields
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces (not tabs: a tab is a delimiter).
    func trimmingSpaces() -> SubSequence {
        var s = self[...]
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}

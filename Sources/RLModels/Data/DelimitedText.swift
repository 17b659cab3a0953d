/// Splits a delimited text file (TSV or CSV) into lines and fields.
///
/// Accepts what real files contain: a UTF-8 byte-order mark, LF, CRLF or lone CR line ends (old
/// Mac files, Excel's "CSV (Macintosh)"), no final newline, blank lines (skipped; a line of only
/// spaces and delimiters is blank, as spreadsheets export them), and double-quoted fields
/// (`"a,b"`, with `""` for a quote) in either delimiter; fields lose surrounding spaces (not
/// tabs: a tab is a delimiter). Line numbers are 1-based and count every physical line, so error
/// messages point at the line an editor shows.
///
/// Works on the UTF-8 bytes (no per-character work: a 200 MB file is read in seconds) and can
/// hand rows over one at a time (`scan`), so a reader need not hold every row at once.
public struct DelimitedText: Sendable {
    public struct Row: Sendable {
        public let line: Int
        public let fields: [String]
    }

    public let delimiter: Character
    public let header: Row?
    public let rows: [Row]

    init(delimiter: Character, header: Row?, rows: [Row]) {
        self.delimiter = delimiter
        self.header = header
        self.rows = rows
    }

    /// Every row held at once (the trial tables joined to a study need that).
    public init(text: String) {
        var header: Row?, rows: [Row] = [], delimiter: Character = "\t"
        DelimitedText.scan(
            text: text,
            header: { row, d in
                header = row; delimiter = d
            }, row: { rows.append($0) })
        self.init(delimiter: delimiter, header: header, rows: rows)
    }

    /// The delimiter: a tab when the header line holds a tab; otherwise a comma when it holds a
    /// comma; otherwise a tab (a one-column file). Sniffing beats trusting the extension: hBayesDM
    /// ships tab-separated `.txt` files and users rename files.
    static func sniffDelimiter(headerLine: UnsafeBufferPointer<UInt8>.SubSequence) -> UInt8 {
        if headerLine.contains(tab) { return tab }
        if headerLine.contains(comma) { return comma }
        return tab
    }

    static let tab = UInt8(ascii: "\t"), comma = UInt8(ascii: ","), space = UInt8(ascii: " "),
        quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// Calls `header` with the first non-blank line and the delimiter sniffed from it, then `row`
    /// for every later non-blank line, in order. A `row` that throws stops the scan. With `only`
    /// (asked once the header has been read), rows hold the text of those fields alone (every
    /// other field is "", the count is right): a pass that needs two fields does not pay for all.
    public static func scan(
        text: String, only: (() -> Set<Int>)? = nil, header: (Row, Character) throws -> Void,
        row: (Row) throws -> Void
    ) rethrows {
        var wanted: Set<Int>? = nil
        var text = text
        try text.withUTF8 { all in
            var start = all.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            var number = 0
            var delimiter: UInt8? = nil
            while start <= all.count {
                // One physical line: up to LF, CRLF or a lone CR.
                var end = start
                while end < all.count && all[end] != lf && all[end] != cr { end += 1 }
                let next =
                    end < all.count && all[end] == cr && end + 1 < all.count && all[end + 1] == lf ? end + 2 : end + 1
                number += 1
                let line = all[start..<end]
                start = next
                if line.allSatisfy({ $0 == space || $0 == tab || $0 == comma }) {
                    if end >= all.count { break }
                    continue
                }
                if let d = delimiter {
                    try row(Row(line: number, fields: fields(of: line, delimiter: d, only: wanted)))
                } else {
                    let d = sniffDelimiter(headerLine: line)
                    delimiter = d
                    try header(Row(line: number, fields: fields(of: line, delimiter: d)), Character(Unicode.Scalar(d)))
                    wanted = only?()
                }
                if end >= all.count { break }
            }
        }
    }

    /// The fields of one line, unquoted, with surrounding spaces trimmed.
    static func fields(of line: UnsafeBufferPointer<UInt8>.SubSequence, delimiter: UInt8, only wanted: Set<Int>? = nil)
        -> [String]
    {
        var fields: [String] = []
        var i = line.startIndex
        var current: [UInt8] = []
        var quoted = false // inside quotes
        var plainStart = i // start of the unquoted run being read, when `current` is empty and nothing quoted yet
        var usesBuffer = false
        func finish(_ endIndex: Int) {
            if let wanted, !wanted.contains(fields.count) {
                fields.append("")
            } else if usesBuffer {
                fields.append(trimmed(current[...]))
            } else {
                fields.append(trimmed(line[plainStart..<endIndex]))
            }
            current.removeAll(keepingCapacity: true)
            usesBuffer = false
        }
        while i < line.endIndex {
            let c = line[i]
            if quoted {
                if c == quote {
                    if i + 1 < line.endIndex && line[i + 1] == quote { current.append(quote); i += 2; continue }
                    quoted = false
                } else {
                    current.append(c)
                }
                i += 1
                continue
            }
            if c == delimiter {
                finish(i)
                i += 1
                plainStart = i
                continue
            }
            if c == quote
                && (usesBuffer ? current.allSatisfy { $0 == space } : line[plainStart..<i].allSatisfy { $0 == space })
            {
                current.removeAll(keepingCapacity: true)
                usesBuffer = true
                quoted = true
                i += 1
                continue
            }
            if usesBuffer { current.append(c) }
            i += 1
        }
        finish(line.endIndex)
        return fields
    }

    /// The bytes without leading and trailing spaces, as text.
    static func trimmed<C: BidirectionalCollection>(_ bytes: C) -> String where C.Element == UInt8 {
        var s = bytes[...]
        while s.first == space { s = s.dropFirst() }
        while s.last == space { s = s.dropLast() }
        return String(decoding: s, as: UTF8.self)
    }
}

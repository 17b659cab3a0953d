import Foundation

/// Reads an hBayesDM-format trial table (DESIGN.md §2) into a `TrialBatch`.
///
/// - Tab- or comma-separated, sniffed from the header (see `DelimitedText`).
/// - Header names match case- and underscore-insensitively, as hBayesDM does (`subjID` =
///   `subjid` = `SUBJ_ID`); unknown columns are ignored.
/// - Subjects keep the order of first appearance; a subject's rows keep file order (hBayesDM
///   takes rows in file order and never reads `trial`).
/// - `block` (optional): a new block starts whenever the value changes within a subject; the
///   learned values reset there.
/// - `trial` (optional): must increase within subject and block, else the file is rejected
///   (rows out of order would silently scramble learning).
/// - A missed trial (choice empty, `NA` or `NaN`) keeps its place in time and is masked.
/// - Every rejection is a `DataError` naming file, line, column, value, and the fix.
public enum TrialTableReader {
    /// Markers of a missing value (compared case-insensitively), as R and pandas write them.
    public static let missingMarkers: Set<String> = ["", "na", "nan", "null", "none", "."]

    /// Normalized column name: lower-cased, underscores removed (hBayesDM's rule).
    public static func normalize(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "_", with: "")
    }

    public static func isMissing(_ field: String) -> Bool {
        // Every marker but "" starts with n, N or "." and has at most 4 letters: a number or an
        // id is answered without making a lower-cased copy (this runs on most fields of a file).
        guard let first = field.utf8.first else { return true }
        guard first == UInt8(ascii: "n") || first == UInt8(ascii: "N") || first == UInt8(ascii: ".") else {
            return false
        }
        return field.utf8.count <= 4 && missingMarkers.contains(field.lowercased())
    }

    /// Reads and validates the file at `path` (named in errors as given).
    public static func read(path: String, requirements: DataRequirements, isCancelled: (() -> Bool)? = nil) throws
        -> TrialBatch
    {
        let text = try self.text(path: path)
        let trialColumns = try requirements.trialTable.map { try TrialColumns.read(path: $0) }
        return try parse(
            text: text, fileName: path, requirements: requirements, trialColumns: trialColumns, isCancelled: isCancelled
        )
    }

    /// The file's text (UTF-8, else Latin-1). The bytes are released on return, so the reader
    /// never holds them and the text together.
    static func text(path name: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: name) else {
            throw DataError(
                file: name, kind: .unreadable, problem: "cannot read the file (it does not exist or is not readable)",
                fix: "check the path; the data file is a tab- or comma-separated table with a header row")
        }
        if let encoding = wideEncoding(data) {
            throw DataError(
                file: name, problem: "the file is \(encoding) text, which this reader does not take",
                fix: "save the table as UTF-8 text (TSV or CSV; in Excel: \"CSV UTF-8\"; or `iconv -f UTF-16 -t UTF-8`)"
            )
        }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw DataError(
                file: name, problem: "the file is not text", fix: "save the table as UTF-8 text (TSV or CSV)")
        }
        return text
    }

    /// UTF-16 or UTF-32 text (by its byte-order mark, or by the zero bytes that ASCII text in
    /// those encodings is half made of), named; nil for anything else.
    static func wideEncoding(_ data: Data) -> String? {
        let head = [UInt8](data.prefix(4096))
        if head.starts(with: [0xFF, 0xFE, 0, 0]) { return "UTF-32 (little-endian)" }
        if head.starts(with: [0, 0, 0xFE, 0xFF]) { return "UTF-32 (big-endian)" }
        if head.starts(with: [0xFF, 0xFE]) { return "UTF-16 (little-endian)" }
        if head.starts(with: [0xFE, 0xFF]) { return "UTF-16 (big-endian)" }
        guard head.count >= 8 else { return nil }
        let evenZeros = stride(from: 0, to: head.count, by: 2).filter { head[$0] == 0 }.count
        let oddZeros = stride(from: 1, to: head.count, by: 2).filter { head[$0] == 0 }.count
        let half = head.count / 2
        if oddZeros * 10 > half * 8 && evenZeros * 10 < half { return "UTF-16 (little-endian, no byte-order mark)" }
        if evenZeros * 10 > half * 8 && oddZeros * 10 < half { return "UTF-16 (big-endian, no byte-order mark)" }
        return nil
    }

    /// The first control character in the text (other than tab, line feed and carriage
    /// return): a NUL inside "1\0" must not read as 1. Its line (counted as `DelimitedText`
    /// counts lines), its field (1-based, as every data error numbers columns: fields split at
    /// tabs when the first line has one, else at commas; quotes are not followed), the
    /// character within the line, and its name.
    static func controlCharacter(in text: String) -> (line: Int, field: Int, character: Int, name: String)? {
        var text = text
        return text.withUTF8 { bytes -> (Int, Int, Int, String)? in
            let firstLineEnd = bytes.firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.count
            let separator: UInt8 = bytes[..<firstLineEnd].contains(0x09) ? 0x09 : 0x2C
            var line = 1, field = 1, character = 1, i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x0A || b == 0x0D {
                    if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                    line += 1; field = 1; character = 1; i += 1
                    continue
                }
                if (b < 0x20 && b != 0x09) || b == 0x7F {
                    return (line, field, character, b == 0 ? "NUL" : String(format: "U+%04X", b))
                }
                if b == separator { field += 1 }
                if b & 0xC0 != 0x80 { character += 1 } // a character starts here (not a continuation byte)
                i += 1
            }
            return nil
        }.map { (line: $0.0, field: $0.1, character: $0.2, name: $0.3) }
    }

    /// Parses file contents already in memory; `fileName` is used in error messages.
    /// `isCancelled` is asked every 65,536 rows (Ctrl-C during a long read): true stops the
    /// read with `CancellationError`.
    public static func parse(
        text: String, fileName: String, requirements req: DataRequirements,
        trialColumns: TrialColumns? = nil, isCancelled: (() -> Bool)? = nil
    ) throws -> TrialBatch {
        if let bad = controlCharacter(in: text) {
            throw DataError(
                file: fileName, line: bad.line, column: bad.field,
                problem:
                    "a control character (\(bad.name), character \(bad.character) of the line) inside the text: the file is damaged, binary, or not plain text",
                fix: "save the table as plain UTF-8 text (TSV or CSV); remove the character at this place")
        }
        // Two passes: the first places every row in a lane (`LaneLayout`), the second decodes
        // and checks the rows in file order and writes them into the batch (`BatchAssembler`).
        var header: DelimitedText.Row?
        var columns: TableColumns?
        var layout: LaneLayout?
        var rowCount = 0
        func start(_ h: DelimitedText.Row) throws {
            header = h
            let c = try TableColumns(header: h, requirements: req, fileName: fileName)
            columns = c
            layout = LaneLayout(columns: c, fieldCount: h.fields.count)
        }
        func checkCancellation() throws {
            rowCount += 1
            if rowCount % 65_536 == 0, let isCancelled, isCancelled() { throw CancellationError() }
        }
        var assembler: BatchAssembler?
        func assemble(_ rows: () throws -> Void) throws {
            guard let header, let columns, var layout, rowCount > 0 else { return }
            layout.finish()
            assembler = BatchAssembler(
                fileName: fileName, header: header, columns: columns, requirements: req, layout: layout)
            rowCount = 0
            try rows()
        }
        if let trialColumns {
            // Joined by position within subject: every row is needed at once.
            var table = DelimitedText(text: text)
            if let h = table.header {
                let subject = try TableColumns.subjectColumn(header: h, requirements: req, fileName: fileName)
                table = try trialColumns.joined(to: table, subjectColumn: subject, fileName: fileName)
                try start(table.header!)
                for row in table.rows { layout!.add(row.fields); rowCount += 1 }
                try assemble { for row in table.rows { try assembler!.add(row) } }
            }
        } else {
            // Row by row, twice: the rows are never held. The first pass reads only the fields
            // that place a row (subject, condition).
            try DelimitedText.scan(
                text: text, only: { Set([columns?.subject, columns?.condition].compactMap { $0 }) },
                header: { h, _ in try start(h) },
                row: { row in
                    layout!.add(row.fields)
                    try checkCancellation()
                })
            try assemble {
                try DelimitedText.scan(
                    text: text, header: { _, _ in },
                    row: { row in
                        try assembler!.add(row)
                        try checkCancellation()
                    })
            }
        }
        guard let header else {
            throw DataError(
                file: fileName, line: 1, problem: "the file is empty",
                fix:
                    "the file needs a header row (subjID, \(req.columns.map(\.name).joined(separator: ", "))) and one row per trial"
            )
        }
        guard let assembler = assembler.take() else {
            throw DataError(
                file: fileName, line: header.line, problem: "the file has a header but no trials",
                fix: "add one row per trial below the header")
        }
        return try assembler.batch()
    }

    static func formatNumber(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

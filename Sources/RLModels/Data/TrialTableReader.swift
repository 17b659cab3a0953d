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
        missingMarkers.contains(field.lowercased())
    }

    /// Reads and validates the file at `path` (named in errors as given).
    public static func read(path: String, requirements: DataRequirements) throws -> TrialBatch {
        let name = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(
                file: name, kind: .unreadable, problem: "cannot read the file (it does not exist or is not readable)",
                fix: "check the path; the data file is a tab- or comma-separated table with a header row")
        }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw DataError(file: name, problem: "the file is not text", fix: "save the table as UTF-8 text (TSV or CSV)")
        }
        let trialColumns = try requirements.trialTable.map { try TrialColumns.read(path: $0) }
        return try parse(text: text, fileName: name, requirements: requirements, trialColumns: trialColumns)
    }

    /// Parses file contents already in memory; `fileName` is used in error messages.
    public static func parse(text: String, fileName: String, requirements req: DataRequirements,
                             trialColumns: TrialColumns? = nil) throws -> TrialBatch {
        var table = DelimitedText(text: text)
        if let trialColumns, let header = table.header {
            let subject = try TableColumns.subjectColumn(header: header, requirements: req, fileName: fileName)
            table = try trialColumns.joined(to: table, subjectColumn: subject, fileName: fileName)
        }
        guard let header = table.header else {
            throw DataError(
                file: fileName, line: 1, problem: "the file is empty",
                fix: "the file needs a header row (subjID, \(req.columns.map(\.name).joined(separator: ", "))) and one row per trial")
        }
        let columns = try TableColumns(header: header, requirements: req, fileName: fileName)
        guard !table.rows.isEmpty else {
            throw DataError(
                file: fileName, line: header.line, problem: "the file has a header but no trials",
                fix: "add one row per trial below the header")
        }
        var subjects = SubjectRowsCollector(fileName: fileName, header: header, columns: columns, requirements: req)
        for row in table.rows { try subjects.add(row) }
        return try subjects.batch()
    }

    static func formatNumber(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

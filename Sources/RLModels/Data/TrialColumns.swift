import Foundation

/// Columns that are the same on every subject's t-th trial, kept in a file of their own and
/// joined to the trial table by each row's position within its subject (1, 2, … in file order,
/// missed trials counted): hBayesDM's Wisconsin card sorting answer sheet, which gives for each
/// of the 128 cards the deck matching its color, form and number (`--trial-table
/// wcs_answersheet.txt`).
///
/// Two layouts: hBayesDM's wide one (a header of trial numbers 1…T after an empty first cell,
/// then one row per column: its name, then a value per trial) and a long one (a `trial` column
/// and one column per name, a row per trial).
public struct TrialColumns: Sendable, Equatable {
    public let file: String
    public let names: [String]
    /// values[c][t − 1]: column c on trial t.
    public let values: [[String]]

    public var trialCount: Int { values.first?.count ?? 0 }

    public static func read(path: String) throws -> TrialColumns {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw DataError(
                file: path, kind: .unreadable,
                problem: "cannot read the trial table (it does not exist or is not readable)",
                fix: "check the path given to --trial-table")
        }
        let table = DelimitedText(text: text)
        guard let header = table.header, !table.rows.isEmpty else {
            throw DataError(
                file: path, line: 1, problem: "the trial table is empty",
                fix: "give a table with a header row and a row per column or per trial")
        }
        let trialHeader = header.fields.dropFirst().map {
            DataNumber.parse($0).flatMap { $0 == $0.rounded() && abs($0) < 1e9 ? Int($0) : nil }
        }
        if header.fields.count > 1, trialHeader.allSatisfy({ $0 != nil }),
            trialHeader.map({ $0! }) == Array(1...trialHeader.count)
        {
            // Wide: one row per column.
            for row in table.rows where row.fields.count != header.fields.count {
                throw DataError(
                    file: path, line: row.line,
                    problem: "\(row.fields.count) fields, the header has \(header.fields.count)",
                    fix: "give every row a name and one value per trial 1…\(trialHeader.count)")
            }
            return TrialColumns(
                file: path, names: table.rows.map { $0.fields[0] },
                values: table.rows.map { Array($0.fields.dropFirst()) })
        }
        guard let trialColumn = header.fields.firstIndex(where: { TrialTableReader.normalize($0) == "trial" }) else {
            throw DataError(
                file: path, line: header.line,
                problem:
                    "neither layout: the header is not trial numbers 1, 2, … (hBayesDM's wide answer sheet) and has no 'trial' column",
                fix:
                    "give hBayesDM's answer sheet as it is, or a table with a 'trial' column (1, 2, …) and one column per value"
            )
        }
        let names = header.fields.indices.filter { $0 != trialColumn }
        var values = [[String]](repeating: [], count: names.count)
        for (k, row) in table.rows.enumerated() {
            guard row.fields.count == header.fields.count, DataNumber.parse(row.fields[trialColumn]) == Double(k + 1)
            else {
                throw DataError(
                    file: path, line: row.line, problem: "expected trial \(k + 1) with \(header.fields.count) fields",
                    fix: "list the trials in order 1, 2, … with a value in every column")
            }
            for (c, column) in names.enumerated() { values[c].append(row.fields[column]) }
        }
        return TrialColumns(file: path, names: names.map { header.fields[$0] }, values: values)
    }

    /// `table` with these columns added to every row, from the row's position within its
    /// subject (`subjectColumn`); a subject with more rows than this table has trials is an
    /// error naming the row. A column the data already has is an error too (which is meant?).
    func joined(to table: DelimitedText, subjectColumn: Int, fileName: String) throws -> DelimitedText {
        guard let header = table.header else { return table }
        let existing = Set(header.fields.map(TrialTableReader.normalize))
        if let clash = names.first(where: { existing.contains(TrialTableReader.normalize($0)) }) {
            throw DataError(
                file: fileName, line: header.line, columnName: clash,
                problem: "column '\(clash)' is both in the data and in the trial table \(file)",
                fix: "drop it from one of the two files")
        }
        var seen: [String: Int] = [:]
        var rows: [DelimitedText.Row] = []
        rows.reserveCapacity(table.rows.count)
        for row in table.rows {
            let subject = subjectColumn < row.fields.count ? row.fields[subjectColumn] : ""
            let t = (seen[subject] ?? 0) + 1
            seen[subject] = t
            guard t <= trialCount else {
                throw DataError(
                    file: fileName, line: row.line,
                    problem:
                        "subject \(subject)'s trial \(t) is beyond the \(trialCount) trials of the trial table \(file)",
                    fix: "give a trial table covering every trial, or drop the extra trials")
            }
            rows.append(DelimitedText.Row(line: row.line, fields: row.fields + values.map { $0[t - 1] }))
        }
        return DelimitedText(
            delimiter: table.delimiter, header: DelimitedText.Row(line: header.line, fields: header.fields + names),
            rows: rows)
    }
}

/// Decodes one row's values of the model's columns. An observed column that is empty, `NA`
/// or `NaN` marks a missed trial (the row stays in place, masked); any other column may be
/// missing only on a missed trial. Option numbers are shifted to start at 1 (`--first-option`);
/// option and index values must be whole numbers in range; binary values 0 or 1; counts whole
/// numbers ≥ 0; reals finite.
struct RowValues {
    /// One value per model column: an option or category number from 1, 0/1, or a real; all 0
    /// on a missed trial (masked: nothing reads them).
    var values: [Double]
    /// Every observed column present.
    var answered: Bool

    init(
        fields f: [String], line: Int, header: DelimitedText.Row, columns: TableColumns,
        requirements req: DataRequirements,
        fileName: String
    ) throws {
        func fail(_ col: Int, _ problem: String, _ fix: String) -> DataError {
            DataError(
                file: fileName, line: line, column: col + 1, columnName: header.fields[col], value: f[col],
                problem: problem, fix: fix)
        }
        let observedNames = req.columns.filter(\.observed).map(\.name).joined(separator: ", ")
        answered = req.columns.indices.allSatisfy {
            !req.columns[$0].observed || !TrialTableReader.isMissing(f[columns.model[$0]])
        }
        values = [Double](repeating: 0, count: req.columns.count)
        for (k, column) in req.columns.enumerated() {
            let field = columns.model[k]
            let raw = f[field]
            if TrialTableReader.isMissing(raw) {
                if answered {
                    throw fail(
                        field, "\(column.name) is missing on a trial with a response",
                        "give the \(column.name) of every answered trial; if the trial was missed, leave \(observedNames) empty or NA as well"
                    )
                }
                continue
            }
            let whole = DataNumber.parse(raw).flatMap {
                $0.isFinite && $0 == $0.rounded() && abs($0) < 1e6 ? Int($0) : nil
            }
            switch column.kind {
            case .option:
                let first = req.firstOption
                let expected =
                    req.optionCount.map { "an option number \(first)..\($0 + first - 1)" }
                    ?? "an option number \(first), \(first + 1), \(first + 2), ..."
                let missed = column.observed ? ", or empty/NA/NaN for a missed trial" : ""
                guard let value = whole else {
                    throw fail(
                        field, "\(column.name) is not an integer; expected \(expected)\(missed)",
                        "code options as numbers starting at 1")
                }
                let option = value + 1 - first
                if option < 1 || (req.optionCount.map { option > $0 } ?? false) {
                    // Advice to pass --first-option 0 only where it is not given already.
                    let fix =
                        option == 0 && first == 1
                        ? "options are numbered from 1 as in hBayesDM; if the file codes options from 0, pass --first-option 0"
                        : "code options as numbers \(first)..\((req.optionCount ?? max(option, 2)) + first - 1)\(column.observed ? " (empty, NA or NaN for a missed trial)" : "")"
                    throw fail(field, "\(column.name) \(value) is out of range; expected \(expected)", fix)
                }
                values[k] = Double(option)
            case let .index(levels):
                let expected = levels.map { "a category number 1..\($0)" } ?? "a category number 1, 2, 3, ..."
                guard let value = whole, value >= 1, levels.map({ value <= $0 }) ?? true else {
                    throw fail(
                        field, "\(column.name) is not \(expected)",
                        "code \(column.name) as whole numbers from 1\(levels.map { " to \($0)" } ?? "") (the model's declaration says how many)"
                    )
                }
                values[k] = Double(value)
            case .binary:
                guard let value = whole, value == 0 || value == 1 else {
                    throw fail(field, "\(column.name) is not 0 or 1", "code \(column.name) as 1 (yes) or 0 (no)")
                }
                values[k] = Double(value)
            case .count:
                guard let value = whole, value >= 0 else {
                    throw fail(
                        field, "\(column.name) is not a whole number ≥ 0",
                        "write \(column.name) as a count: 0, 1, 2, …\(column.observed ? " (empty, NA or NaN for a missed trial)" : "")"
                    )
                }
                values[k] = Double(value)
            case .real:
                guard let value = DataNumber.parse(raw), value.isFinite else {
                    throw fail(
                        field, "\(column.name) is not a finite number",
                        "write \(column.name) as a number (e.g. 1, -1, 0.5); use NA only on missed trials")
                }
                values[k] = value
            }
        }
        if !answered { values = [Double](repeating: 0, count: values.count) }
    }
}

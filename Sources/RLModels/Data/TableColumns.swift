/// Where each column the reader needs sits in a file's header: subject ids, the model's data
/// columns, and the optional block, trial, condition and covariate columns. Names match
/// case- and underscore-insensitively (hBayesDM's rule); `--columns` renames.
struct TableColumns {
    let subject: Int
    /// Field index of each of the model's columns, in `requirements.columns` order.
    let model: [Int]
    let block: Int?
    let trial: Int?
    let condition: Int?
    let covariates: [Int]

    /// The subject column alone (to join a trial table before the model's columns are sought).
    static func subjectColumn(header: DelimitedText.Row, requirements req: DataRequirements, fileName: String) throws
        -> Int
    {
        let reduced = DataRequirements(columns: [], optionCount: nil, columnNames: req.columnNames)
        return try TableColumns(header: header, requirements: reduced, fileName: fileName).subject
    }

    init(header: DelimitedText.Row, requirements req: DataRequirements, fileName: String) throws {
        let normalized = header.fields.map(TrialTableReader.normalize)
        var aliases: [String: String] = [:]
        for (k, v) in req.columnNames { aliases[TrialTableReader.normalize(k)] = v }
        func locate(_ model: String, required: Bool, declaration: String? = nil) throws -> Int? {
            let wanted = aliases[TrialTableReader.normalize(model)] ?? model
            let key = TrialTableReader.normalize(wanted)
            let hits = normalized.indices.filter { normalized[$0] == key }
            if hits.count > 1 {
                throw DataError(
                    file: fileName, line: header.line, column: hits[1] + 1, columnName: header.fields[hits[1]],
                    problem:
                        "column '\(wanted)' appears \(hits.count) times (names match ignoring case and underscores)",
                    fix: "rename or remove the duplicate columns so exactly one is called '\(wanted)'")
            }
            if hits.isEmpty && required, header.fields.count == 1,
                let separator = [";", "|"].first(where: { header.fields[0].contains($0) })
            {
                throw DataError(
                    file: fileName, line: header.line,
                    problem:
                        "the header is one column, \(DataError.shownHeader(header.fields)): the file looks separated by '\(separator)', and RLFit reads tab- or comma-separated files",
                    fix:
                        "save it with tabs or commas between the columns (in a spreadsheet: tab-delimited text, or CSV with commas)"
                )
            }
            if hits.isEmpty && required {
                let declared = declaration.map { " (the model reads it: \($0))" } ?? ""
                throw DataError(
                    file: fileName, line: header.line,
                    problem:
                        "required column '\(wanted)'\(declared) is missing; the header has: \(DataError.shownHeader(header.fields))",
                    fix:
                        "add the column '\(wanted)' (names match ignoring case and underscores, e.g. subjID = subj_id), or map it with --columns \(model)=NAME"
                )
            }
            return hits.first
        }
        subject = try locate("subjID", required: true)!
        model = try req.columns.map { try locate($0.name, required: true, declaration: $0.declaration)! }
        /// A column an option names (--condition, --covariates): missing is an error naming it.
        func named(_ name: String, what: String, option: String, fix: String) throws -> Int {
            guard let column = try locate(name, required: false) else {
                throw DataError(
                    file: fileName, line: header.line,
                    problem:
                        "\(what) column '\(name)' (from \(option)) is missing; the header has: \(DataError.shownHeader(header.fields))",
                    fix: fix)
            }
            return column
        }
        condition = try req.condition.map {
            try named(
                $0, what: "condition", option: "--condition",
                fix: "name an existing column in --condition (matched ignoring case and underscores)")
        }
        covariates = try req.covariates.map {
            try named(
                $0, what: "covariate", option: "--covariates",
                fix:
                    "name an existing subject-level column in --covariates (matched ignoring case and underscores), or add the column"
            )
        }
        block = try locate("block", required: false)
        trial = try locate("trial", required: false)
    }
}

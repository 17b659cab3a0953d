import ArgumentParser

/// How the data file is read, shared by `fit` and `check`.
struct DataReadingOptions: ParsableArguments {
    @Option(help: "A column of conditions that keep separate learned values (e.g. PST pairs AB/CD/EF); the subject's parameters are shared.")
    var condition: String?

    @Option(help: "The file's names for the model's columns, e.g. subjID=subj_idx,choice=response,outcome=feedback.")
    var columns: String?

    @Option(name: .customLong("first-option"), help: "The number of the first option in the choice column: 1 (hBayesDM, default) or 0.")
    var firstOption: Int?

    @Option(name: .customLong("trial-table"),
            help: "Columns shared by every subject's t-th trial, joined by trial position (hBayesDM's wcs_answersheet.txt for wcs_sql).")
    var trialTable: String?

    /// `--columns` as model name → file column.
    func columnMap() throws -> [String: String]? {
        guard let columns else { return nil }
        var map: [String: String] = [:]
        for pair in columns.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--columns takes MODEL=FILE pairs separated by commas, e.g. subjID=subj_idx,choice=response; got '\(pair)'")
            }
            map[parts[0]] = parts[1]
        }
        return map
    }
}

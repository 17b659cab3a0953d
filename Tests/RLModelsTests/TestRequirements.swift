@testable import RLModels

/// The classic bandit table the reader tests use: an observed `choice` among `optionCount`
/// options (nil: from the data) and real-valued `columns`.
func banditRequirements(
    optionCount: Int?, columns: [String] = ["outcome"], covariates: [String] = [], condition: String? = nil,
    columnNames: [String: String] = [:], firstOption: Int = 1
) -> DataRequirements {
    DataRequirements(
        columns: [DataRequirements.Column(name: "choice", kind: .option, observed: true)]
            + columns.map { DataRequirements.Column(name: $0, kind: .real, observed: false) },
        optionCount: optionCount, covariates: covariates, condition: condition, columnNames: columnNames,
        firstOption: firstOption)
}

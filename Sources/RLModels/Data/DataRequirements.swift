import ModelLanguage

/// What a model needs from a trial table: its data columns (each with the kind of values it
/// holds and whether the model observes it), the number of options, and how the file is read
/// (covariates, a condition column, the file's names for the model's columns, the number of
/// the first option).
public struct DataRequirements: Sendable, Equatable {
    /// One column the model reads.
    public struct Column: Sendable, Equatable {
        /// What the column holds, as the model file declares it (option, index, binary, real, count).
        public typealias Kind = DataDeclaration.Kind

        /// hBayesDM's spelling (matched ignoring case and underscores).
        public let name: String
        public let kind: Kind
        /// Observed (left of a `~`): an empty, NA or NaN value marks a missed trial.
        public let observed: Bool
        /// Where the model declares it (`my_model.rlm:7:6`), for messages.
        public let declaration: String?

        public init(name: String, kind: Kind, observed: Bool, declaration: String? = nil) {
            self.name = name
            self.kind = kind
            self.observed = observed
            self.declaration = declaration
        }
    }

    public let columns: [Column]
    /// K when the model fixes it; nil to infer K as the largest option number seen.
    public let optionCount: Int?
    /// Subject-level covariate columns (constant within a subject).
    public let covariates: [String]
    /// A column whose values are conditions keeping separate learned values (`--condition`).
    public let condition: String?
    /// The file's column for a model column, when they differ (`--columns subjID=subj_idx`).
    public let columnNames: [String: String]
    /// The number of the first option in the file: 1 (hBayesDM) or 0.
    public let firstOption: Int
    /// A file of columns joined to every subject's trials by position (`--trial-table`).
    public let trialTable: String?

    public init(
        columns: [Column], optionCount: Int?, covariates: [String] = [], condition: String? = nil,
        columnNames: [String: String] = [:], firstOption: Int = 1, trialTable: String? = nil
    ) {
        self.columns = columns
        self.trialTable = trialTable
        self.optionCount = optionCount
        self.covariates = covariates
        self.condition = condition
        self.columnNames = columnNames
        self.firstOption = firstOption
    }

    /// The same requirements read differently (covariates, condition, names, first option, a
    /// trial table).
    public func reading(
        covariates: [String] = [], condition: String? = nil, columnNames: [String: String] = [:],
        firstOption: Int = 1, trialTable: String? = nil
    ) -> DataRequirements {
        DataRequirements(
            columns: columns, optionCount: optionCount, covariates: covariates, condition: condition,
            columnNames: columnNames, firstOption: firstOption, trialTable: trialTable)
    }

    /// The column the report treats as "the choice": the first observed option column.
    public var choiceColumn: String? { columns.first { $0.observed && $0.kind == .option }?.name }
}

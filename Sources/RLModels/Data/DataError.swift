/// A rejection of an input data file. It names the file, the line (1-based, the header is
/// line 1), the column (1-based field number and header name), the offending value, what was
/// expected, and how to fix it. The command line prints `description` and exits with 65
/// (`EX_DATAERR`); nothing is fitted from a file that failed.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let line: Int?
    public let column: Int?
    public let columnName: String?
    public let value: String?
    public let problem: String
    public let fix: String

    public init(
        file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil,
        value: String? = nil, problem: String, fix: String
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.value = value
        self.problem = problem
        self.fix = fix
    }

    /// `file:line:column: error: column 'choice' value "3": problem` then a `fix:` line,
    /// the layout compilers use so editors can jump to the place.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        var what = ""
        if let columnName { what += "column '\(columnName)'" }
        if let value { what += (what.isEmpty ? "" : " ") + "value \"\(value)\"" }
        let head = what.isEmpty ? problem : "\(what): \(problem)"
        return "\(location): error: \(head)\n  fix: \(fix)"
    }
}

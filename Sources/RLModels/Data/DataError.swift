import Foundation
/// A rejection of an input data file. It names the file, the line (1-based, the header is
/// line 1), the column (1-based field number and header name), the offending value, what was
/// expected, and how to fix it. The command line prints `description` and exits with 65
/// (`EX_DATAERR`), or 66 (`EX_NOINPUT`) when the file cannot be read at all; nothing is fitted
/// from a file that failed.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The file was read but its contents are not a valid trial table.
        case invalidData
        /// The file does not exist or cannot be read.
        case unreadable
    }

    public let file: String
    public let kind: Kind
    public let line: Int?
    public let column: Int?
    public let columnName: String?
    public let value: String?
    public let problem: String
    public let fix: String

    public init(
        file: String, kind: Kind = .invalidData, line: Int? = nil, column: Int? = nil, columnName: String? = nil,
        value: String? = nil, problem: String, fix: String
    ) {
        self.file = file
        self.kind = kind
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
        if let value { what += (what.isEmpty ? "" : " ") + "value \"\(DataError.shown(value))\"" }
        let head = what.isEmpty ? problem : "\(what): \(problem)"
        return "\(location): error: \(head)\n  fix: \(fix)"
    }

    /// A value as a message shows it: characters that print as nothing written as \u{XXXX},
    /// and no more than 60 characters (a 5 MB cell is not echoed: its length is given).
    public static func shown(_ value: String, limit: Int = 60) -> String {
        var out = "", count = 0
        for scalar in value.unicodeScalars {
            if count == limit { return out + "… [\(value.unicodeScalars.count) characters]" }
            out += isVisible(scalar) || scalar == " " ? String(scalar) : String(format: "\\u{%04X}", scalar.value)
            count += 1
        }
        return out
    }

    /// A character that prints as something (not a control, format or separator character).
    public static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate,
            .privateUse:
            return false
        default: return true
        }
    }

    /// A header listed in a message: at most 20 names, each shortened.
    public static func shownHeader(_ fields: [String]) -> String {
        let names = fields.prefix(20).map { shown($0, limit: 30) }.joined(separator: ", ")
        return fields.count > 20 ? names + ", … (\(fields.count) columns)" : names
    }
}

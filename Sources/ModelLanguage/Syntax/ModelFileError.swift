/// A mistake in a model file, found before any data is read (or, for a data column the model
/// declares, when the data file lacks it). It names the file, the line and column, what is
/// wrong, and the fix, in the layout compilers use so editors can jump to the place:
///
///     my_model.rlm:12:21: error: unknown name 'tua'; did you mean 'tau'?
///       fix: declare it (parameter, argument, state or data) or correct the spelling
///
/// The command line prints `description` and exits with 65 (`EX_DATAERR`), or 66 when the
/// file cannot be read.
public struct ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file was read but is not a valid model.
        case invalidModel
        /// The file does not exist or cannot be read.
        case unreadable
    }

    public let file: String
    public let kind: Kind
    public let location: SourceLocation?
    public let problem: String
    public let fix: String

    public init(file: String, kind: Kind = .invalidModel, location: SourceLocation?, problem: String, fix: String) {
        self.file = file
        self.kind = kind
        self.location = location
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        let place = location.map { "\(file):\($0.line):\($0.column)" } ?? file
        return "\(place): error: \(problem)\n  fix: \(fix)"
    }
}

/// A remark about a valid model that may be a mistake (a state that is never read, a data
/// column that is declared but unused); printed by `rlfit check` and kept in the fit report.
public struct ModelFileWarning: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let location: SourceLocation
    public let message: String

    public var description: String { "\(file):\(location.line):\(location.column): warning: \(message)" }
}

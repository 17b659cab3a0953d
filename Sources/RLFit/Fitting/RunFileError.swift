import Foundation

/// A run file that cannot be used: `path:line:column: error: problem` and a fix.
public struct RunFileError: Error, CustomStringConvertible {
    public let path: String
    /// Where in the file, when known.
    public let position: (line: Int, column: Int)?
    public let problem: String

    public init(path: String, position: (line: Int, column: Int)? = nil, problem: String) {
        self.path = path
        self.position = position
        self.problem = problem
    }

    public var description: String {
        let place = position.map { "\(path):\($0.line):\($0.column)" } ?? path
        return problem == "cannot read the file"
            ? "\(place): error: cannot read the run file\n  fix: check the path given to --config"
            : "\(place): error: \(problem)\n  fix: keys are the long option names with _ for - (chain_ids, adapt_delta, ...); priors go in \"priors\": {\"mu\", \"sigma\", \"gamma\"}"
    }
}

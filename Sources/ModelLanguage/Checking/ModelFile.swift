import Foundation

/// Entry points: a model file from text or from disk.
public enum ModelFile {
    /// Parses and checks `text`; `file` names it in messages.
    public static func check(text: String, file: String) throws -> CheckedModel {
        let tokens = try Lexer(file: file).tokens(text)
        var parser = Parser(file: file, tokens: tokens)
        let syntax = try parser.parse()
        var checker = Checker(file: file, syntax: syntax, source: text)
        return try checker.check()
    }

    /// Reads and checks the model file at `path`.
    public static func load(path: String) throws -> CheckedModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError(
                file: path, kind: .unreadable, location: nil,
                problem: "cannot read the model file (it does not exist or is not readable)",
                fix: "check the path; `rlfit models NAME > my_model.rlm` writes a built-in model to start from")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelFileError(
                file: path, location: nil, problem: "the model file is not UTF-8 text", fix: "save it as UTF-8 text")
        }
        return try check(text: text, file: path)
    }
}

/// Splits a model file into tokens. `#` starts a comment to the end of the line; strings are
/// double-quoted (`\"` and `\\` escape); numbers are decimal with an optional exponent
/// (`2`, `0.25`, `1e-3`). Line ends are tokens (they end statements) except inside
/// parentheses and brackets, where an expression may continue on the next line.
struct Lexer {
    let file: String

    func tokens(_ text: String) throws -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var i = 0, line = 1, column = 1
        var nesting = 0 // open ( and [
        // Where this line's comment starts: a line end after a comment is placed there, right
        // after the line's last token, so "found end of line" does not point past the comment.
        var commentStart: SourceLocation?
        func location() -> SourceLocation { SourceLocation(line: line, column: column) }
        func advance(_ n: Int = 1) {
            for _ in 0..<n {
                if scalars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
                i += 1
            }
        }
        func fail(_ at: SourceLocation, _ problem: String, _ fix: String) -> ModelFileError {
            ModelFileError(file: file, location: at, problem: problem, fix: fix)
        }
        // A byte-order mark at the start is not part of the text.
        if scalars.first == "\u{FEFF}" { i = 1 }
        while i < scalars.count {
            let c = scalars[i]
            if c == "\n" {
                if nesting == 0, let last = tokens.last, last.kind != .newline {
                    tokens.append(Token(kind: .newline, location: commentStart ?? location()))
                }
                commentStart = nil
                advance()
                continue
            }
            if c == " " || c == "\t" || c == "\r" { advance(); continue }
            if c == "#" {
                commentStart = location()
                while i < scalars.count && scalars[i] != "\n" { advance() }
                continue
            }
            let start = location()
            if c == "\"" {
                advance()
                var s = ""
                while true {
                    guard i < scalars.count, scalars[i] != "\n" else {
                        throw fail(start, "this string has no closing quote", "end the text with \" on the same line")
                    }
                    if scalars[i] == "\"" { advance(); break }
                    if scalars[i] == "\\", i + 1 < scalars.count, scalars[i + 1] == "\"" || scalars[i + 1] == "\\" {
                        s.unicodeScalars.append(scalars[i + 1])
                        advance(2)
                        continue
                    }
                    s.unicodeScalars.append(scalars[i])
                    advance()
                }
                tokens.append(Token(kind: .string(s), location: start))
                continue
            }
            if isDigit(c)
                || (c == "." && i + 1 < scalars.count && isDigit(scalars[i + 1]) && !(i > 0 && scalars[i - 1] == "."))
            {
                var s = ""
                while i < scalars.count, isDigit(scalars[i]) { s.unicodeScalars.append(scalars[i]); advance() }
                // A fraction, but not the range operator `..` (as in `1..4`).
                if i < scalars.count, scalars[i] == ".", !(i + 1 < scalars.count && scalars[i + 1] == ".") {
                    s.unicodeScalars.append(scalars[i]); advance()
                    while i < scalars.count, isDigit(scalars[i]) { s.unicodeScalars.append(scalars[i]); advance() }
                }
                if i < scalars.count, scalars[i] == "e" || scalars[i] == "E" {
                    var j = i + 1
                    if j < scalars.count, scalars[j] == "+" || scalars[j] == "-" { j += 1 }
                    if j < scalars.count, isDigit(scalars[j]) {
                        while i < j { s.unicodeScalars.append(scalars[i]); advance() }
                        while i < scalars.count, isDigit(scalars[i]) { s.unicodeScalars.append(scalars[i]); advance() }
                    }
                }
                if i < scalars.count, isIdentifierStart(scalars[i]) {
                    throw fail(
                        start, "'\(s)\(scalars[i])' is neither a number nor a name",
                        "put a space or an operator between a number and a name (e.g. 2 * x)")
                }
                guard let value = Double(s), value.isFinite else {
                    throw fail(start, "'\(s)' is not a finite number", "write numbers in decimal, e.g. 0.5 or 1e-3")
                }
                let whole = !s.contains(".") && !s.contains("e") && !s.contains("E") && value < 1e9
                tokens.append(Token(kind: .number(value, whole: whole), location: start))
                continue
            }
            if isIdentifierStart(c) {
                var s = ""
                while i < scalars.count, isIdentifierStart(scalars[i]) || isDigit(scalars[i]) {
                    s.unicodeScalars.append(scalars[i])
                    advance()
                }
                tokens.append(Token(kind: .identifier(s), location: start))
                continue
            }
            if i + 1 < scalars.count {
                let two = String(String.UnicodeScalarView([c, scalars[i + 1]]))
                if Lexer.twoCharacterSymbols.contains(two) {
                    tokens.append(Token(kind: .symbol(two), location: start))
                    advance(2)
                    continue
                }
            }
            let one = String(c)
            if one == "/" && i + 1 < scalars.count && scalars[i + 1] == "/" {
                throw fail(start, "'//' starts no comment in a model file", "start the comment with # instead")
            }
            if Lexer.oneCharacterSymbols.contains(one) {
                if one == "(" || one == "[" { nesting += 1 }
                if (one == ")" || one == "]") && nesting > 0 { nesting -= 1 }
                tokens.append(Token(kind: .symbol(one), location: start))
                advance()
                continue
            }
            if "\u{2212}\u{2013}\u{2014}".unicodeScalars.contains(c) {
                throw fail(
                    start,
                    "'\(c)' (U+\(String(c.value, radix: 16, uppercase: true))) is not the minus sign of a model file",
                    "write the ASCII minus '-' in its place (papers and word processors print '−')")
            }
            let shown =
                c.properties.isWhitespace || c.value < 32
                ? "U+\(String(c.value, radix: 16, uppercase: true))" : "'\(c)'"
            throw fail(
                start, "unexpected character \(shown)",
                c == "&" || c == "|" || c == "!"
                    ? "write the logical operators as words: and, or, not"
                    : "remove it; names are the letters a-z and A-Z, digits and _, and text goes in double quotes")
        }
        if tokens.last.map({ $0.kind != .newline }) ?? false {
            tokens.append(Token(kind: .newline, location: commentStart ?? location()))
        }
        tokens.append(Token(kind: .end, location: location()))
        return tokens
    }

    static let twoCharacterSymbols: Set<String> = ["+=", "-=", "*=", "/=", "==", "!=", "<=", ">=", ".."]
    static let oneCharacterSymbols: Set<String> = [
        "(", ")", "[", "]", "{", "}", ",", ":", ";", "~", "=", "+", "-", "*", "/", "^", "<", ">"
    ]

    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
}

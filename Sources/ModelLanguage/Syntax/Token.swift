/// One lexical token of a model file, with the place it starts.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        /// A number; `whole` when written without a decimal point or exponent (`2`, not `2.0`).
        case number(Double, whole: Bool)
        case string(String)
        /// Punctuation and operators: `( ) [ ] { } , : ; ~ = += -= *= /= + - * / ^ == != < <= > >= ..`
        case symbol(String)
        /// The end of a line outside parentheses and brackets (statements end there).
        case newline
        case end
    }

    let kind: Kind
    let location: SourceLocation

    /// The token as the user wrote it, for messages.
    var text: String {
        switch kind {
        case let .identifier(s): return s
        case let .number(x, whole): return whole ? String(Int(x)) : String(x)
        case let .string(s): return "\"\(s)\""
        case let .symbol(s): return s
        case .newline: return "end of line"
        case .end: return "end of file"
        }
    }

    func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }
    func isWord(_ s: String) -> Bool { kind == .identifier(s) }
}

/// Reads a model file's tokens into `ModelSyntax` (the grammar is in DESIGN.md §3 and the
/// README's language reference). Every error names the token where the parser stopped and
/// what would have been valid there.
struct Parser {
    private let file: String
    private let tokens: [Token]
    private var position = 0
    /// The column of each line's first token (its indentation), for locating a missing '}'.
    private let lineIndent: [Int: Int]
    /// Blocks closed so far: the '{' and the '}' that closed it.
    private var closedBlocks: [(open: Token, close: Token)] = []
    /// Expressions being parsed inside one another (parentheses, brackets, arguments, prefix
    /// operators), bounded by `maximumDepth` before the parser's own recursion could exhaust
    /// the stack.
    private var nesting = 0
    /// The deepest expression tree a file may write: 200 levels (a flat sum of 200 terms, or
    /// brackets 200 deep). Deeper trees would exhaust the stack of the recursive passes that
    /// read them (a sum of 2,500 terms crashed the checker); real models stay far below.
    static let maximumDepth = 200

    init(file: String, tokens: [Token]) {
        self.file = file
        self.tokens = tokens
        var indent: [Int: Int] = [:]
        for t in tokens where t.kind != .newline && t.kind != .end && indent[t.location.line] == nil {
            indent[t.location.line] = t.location.column
        }
        lineIndent = indent
    }

    static let declarationWords = [
        "model", "reference", "options", "task", "hierarchy", "data", "argument", "parameter", "state", "reward",
        "trial"
    ]
    static let keywords: Set<String> = ["and", "or", "not", "none", "for", "in", "if", "else"]

    // MARK: Token access

    private var current: Token { tokens[position] }
    private func peek(_ offset: Int = 1) -> Token { tokens[min(position + offset, tokens.count - 1)] }
    private mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    private func fail(_ token: Token, _ problem: String, _ fix: String) -> ModelFileError {
        ModelFileError(file: file, location: token.location, problem: problem, fix: fix)
    }

    private mutating func expectSymbol(_ s: String, _ context: String) throws {
        guard current.isSymbol(s) else {
            throw fail(current, "expected '\(s)' \(context), found \(current.text)", "write '\(s)' there")
        }
        _ = advance()
    }

    private mutating func expectWord(_ s: String, _ context: String) throws {
        guard current.isWord(s) else {
            throw fail(current, "expected '\(s)' \(context), found \(current.text)", "write '\(s)' there")
        }
        _ = advance()
    }

    private mutating func identifier(_ what: String, example: String) throws -> (String, SourceLocation) {
        guard case let .identifier(name) = current.kind else {
            throw fail(current, "expected \(what), found \(current.text)", "write \(what), e.g. \(example)")
        }
        if Parser.keywords.contains(name) {
            throw fail(current, "'\(name)' is a keyword and cannot be \(what)", "choose another name")
        }
        let location = current.location
        _ = advance()
        return (name, location)
    }

    private mutating func signedNumber(_ what: String) throws -> Double {
        var sign = 1.0
        if current.isSymbol("-") { sign = -1; _ = advance() }
        guard case let .number(x, _) = current.kind else {
            throw fail(current, "expected \(what), found \(current.text)", "write a number, e.g. 0.5")
        }
        _ = advance()
        return sign * x
    }

    private mutating func integer(_ what: String) throws -> Int {
        let token = current
        let x = try signedNumber(what)
        guard x == x.rounded(), abs(x) < 1e6 else {
            throw fail(token, "\(what) must be a whole number, found \(token.text)", "write a whole number")
        }
        return Int(x)
    }

    private mutating func optionalString() -> String? {
        if case let .string(s) = current.kind { _ = advance(); return s }
        return nil
    }

    private mutating func endOfLine(_ context: String) throws {
        if current.kind == .newline { _ = advance(); return }
        if current.kind == .end { return }
        throw fail(
            current, "unexpected \(current.text) after \(context)",
            "end the \(context) here; put anything else on a new line")
    }

    private mutating func skipNewlines() {
        while current.kind == .newline || current.isSymbol(";") { _ = advance() }
    }

    // MARK: Declarations

    mutating func parse() throws -> ModelSyntax {
        var model = ModelSyntax()
        skipNewlines()
        while current.kind != .end {
            let token = current
            guard case let .identifier(word) = token.kind else {
                throw fail(
                    token, "expected a declaration, found \(token.text)",
                    "start each line with one of: \(Parser.declarationWords.joined(separator: ", "))")
            }
            _ = advance()
            switch word {
            case "model":
                if let first = model.name { throw duplicate("model", token, first.location) }
                let (name, location) = try identifier("the model's name", example: "model my_delta")
                model.name = (name, location)
                model.summary = optionalString() ?? ""
                try endOfLine("model declaration")
            case "reference":
                guard let text = optionalString() else {
                    throw fail(
                        current, "expected the reference as text in double quotes",
                        "e.g. reference \"Rescorla & Wagner (1972)\"")
                }
                model.reference = text
                try endOfLine("reference")
            case "options":
                if let first = model.options { throw duplicate("options", token, first.location) }
                if current.isWord("from") {
                    _ = advance()
                    try expectWord("data", "after 'options from'")
                    model.options = OptionsDeclaration(count: nil, location: token.location)
                } else {
                    let countToken = current
                    let k = try integer("the number of options")
                    guard k >= 2 && k <= 64 else {
                        throw fail(
                            countToken, "a task needs 2 to 64 options, found \(k)",
                            "write e.g. options 2, or options from data")
                    }
                    model.options = OptionsDeclaration(count: k, location: token.location)
                }
                try endOfLine("options declaration")
            case "hierarchy":
                if let first = model.hierarchy { throw duplicate("hierarchy", token, first.location) }
                // `none` is a keyword elsewhere, so the word is read as it stands.
                guard case let .identifier(name) = current.kind else {
                    throw fail(
                        current, "expected the default hierarchy, found \(current.text)",
                        "write hierarchy partial, hierarchy none or hierarchy pooled")
                }
                model.hierarchy = (name, current.location)
                _ = advance()
                try endOfLine("hierarchy declaration")
            case "task":
                if let first = model.task { throw duplicate("task", token, first.location) }
                let (name, location) = try identifier("the simulated task's name", example: "task bandit")
                model.task = (name, location)
                try endOfLine("task declaration")
            case "data": model.data.append(try dataDeclaration(token))
            case "argument": model.arguments.append(try argumentDeclaration(token))
            case "parameter": model.parameters.append(try parameterDeclaration(token))
            case "state": model.states.append(try stateDeclaration(token))
            case "reward":
                if let first = model.reward { throw duplicate("reward", token, first.location) }
                model.reward = try expression()
                try endOfLine("reward declaration")
            case "trial":
                if let first = model.trialLocation { throw duplicate("trial", token, first) }
                model.trialLocation = token.location
                model.trial = try block("trial")
                try endOfLine("trial block")
            default:
                let guess = Suggestions.closest(to: word, among: Parser.declarationWords)
                throw fail(
                    token, "unknown declaration '\(word)'" + (guess.map { "; did you mean '\($0)'?" } ?? ""),
                    "start each line with one of: \(Parser.declarationWords.joined(separator: ", "))")
            }
            skipNewlines()
        }
        return model
    }

    private func duplicate(_ what: String, _ token: Token, _ first: SourceLocation) -> ModelFileError {
        fail(
            token, "a second '\(what)' declaration (the first is at line \(first.line))",
            "keep one '\(what)' declaration")
    }

    private mutating func dataDeclaration(_ keyword: Token) throws -> DataDeclaration {
        let (name, location) = try identifier("the data column's name", example: "data outcome: real")
        try expectSymbol(":", "after the data column's name (data \(name): option, index, binary or real)")
        let kindToken = current
        let kind: DataDeclaration.Kind
        switch current.kind {
        case .identifier("option"): kind = .option; _ = advance()
        case .identifier("binary"): kind = .binary; _ = advance()
        case .identifier("real"): kind = .real; _ = advance()
        case .identifier("count"): kind = .count; _ = advance()
        case .identifier("index"):
            _ = advance()
            if case .number = current.kind {
                let lowToken = current
                let low = try integer("the first level")
                guard low == 1 else { throw fail(lowToken, "categories are numbered from 1", "write index 1..N") }
                try expectSymbol("..", "in the levels 1..N")
                let high = try integer("the last level")
                guard high >= 1 && high <= 4096 else {
                    throw fail(
                        kindToken, "an index has 1 to 4096 levels, found \(high)",
                        "write index 1..N with N the number of categories")
                }
                kind = .index(levels: high)
            } else {
                kind = .index(levels: nil)
            }
        default:
            throw fail(
                kindToken, "expected the column's kind (option, index, binary, real or count), found \(kindToken.text)",
                "write e.g. data choice: option, data cue: index 1..4, data pressed: binary, data outcome: real, data pumps: count"
            )
        }
        var coding = ""
        var expectation: DataDeclaration.Expectation?
        while current.kind != .newline && current.kind != .end {
            if let s = optionalString() { coding = s; continue }
            if current.isWord("values") || current.isWord("signs") {
                let isSigns = current.isWord("signs")
                _ = advance()
                try expectSymbol("{", "before the list of expected values")
                var list: [Double] = []
                repeat {
                    if current.isSymbol(",") { _ = advance() }
                    list.append(try signedNumber("an expected value"))
                } while current.isSymbol(",")
                try expectSymbol("}", "after the list of expected values")
                expectation = isSigns ? .signs(list) : .values(list)
                continue
            }
            throw fail(
                current, "unexpected \(current.text) in the data declaration",
                "a data line is: data NAME: KIND [\"coding\"] [values {…} | signs {…}]")
        }
        try endOfLine("data declaration")
        _ = keyword
        return DataDeclaration(name: name, kind: kind, coding: coding, expectation: expectation, location: location)
    }

    private mutating func argumentDeclaration(_ keyword: Token) throws -> ArgumentDeclaration {
        let (name, location) = try identifier("the argument's name", example: "argument payscale = 100")
        try expectSymbol("=", "after the argument's name (argument \(name) = DEFAULT)")
        let value = try signedNumber("the argument's default value")
        let meaning = optionalString() ?? ""
        try endOfLine("argument declaration")
        return ArgumentDeclaration(name: name, value: value, meaning: meaning, location: location)
    }

    /// A parameter's bound: a number, an argument's name, or (upper only) `min(COLUMN)`.
    private mutating func bound(_ what: String, allowsData: Bool) throws -> ParameterDeclaration.Bound {
        guard case .identifier = current.kind else { return .number(try signedNumber(what)) }
        let (name, location) = try identifier(what, example: "in (0, 1), in (RTbound, min(RT))")
        guard name == "min" && current.isSymbol("(") else { return .argument(name) }
        guard allowsData else {
            throw ModelFileError(
                file: file, location: location, problem: "a lower bound cannot come from the data",
                fix: "write a number or an argument as the lower bound")
        }
        _ = advance()
        let (column, _) = try identifier("a data column", example: "min(RT)")
        try expectSymbol(")", "after the column (min(COLUMN))")
        return .subjectMinimum(column)
    }

    private mutating func parameterDeclaration(_ keyword: Token) throws -> ParameterDeclaration {
        let (name, location) = try identifier("the parameter's name", example: "parameter A in (0, 1)")
        let rangeToken = current
        let range: ParameterDeclaration.Range
        if current.isWord("in") {
            _ = advance()
            try expectSymbol("(", "before the bounds (in (lower, upper))")
            let lower = try bound("the lower bound", allowsData: false)
            try expectSymbol(",", "between the bounds")
            let upper = try bound("the upper bound", allowsData: true)
            try expectSymbol(")", "after the bounds")
            if case let .number(l) = lower, case let .number(u) = upper {
                guard l < u else {
                    throw fail(
                        rangeToken, "the lower bound \(l) is not below the upper bound \(u)",
                        "write in (lower, upper) with lower < upper")
                }
                range = .interval(l, u)
            } else {
                range = .boundedBy(lower: lower, upper: upper)
            }
        } else if current.isWord("real") {
            _ = advance(); range = .real
        } else if current.isWord("positive") {
            _ = advance(); range = .positive
        } else {
            throw fail(
                current, "expected the parameter's range (in (L, U), real or positive), found \(current.text)",
                "write e.g. parameter \(name) in (0, 1), parameter \(name) real, or parameter \(name) positive")
        }
        var typical: Double?, mu: ParameterDeclaration.Prior?, sigma: ParameterDeclaration.Prior?,
            z: ParameterDeclaration.Prior?
        var logistic = false
        var meaning = ""
        // Each part at most once: a second would silently replace the first.
        var given: Set<String> = []
        func once(_ part: Token) throws {
            let key: String
            if case .string = part.kind { key = "a meaning" } else { key = "'\(part.text)'" }
            guard given.insert(key).inserted else {
                throw fail(part, "\(key) is given twice for '\(name)'", "keep one of them: only one can apply")
            }
        }
        while current.kind != .newline && current.kind != .end {
            if case .string = current.kind { try once(current) }
            if current.isWord("typical") || current.isWord("via") || current.isWord("mu") || current.isWord("sigma")
                || current.isWord("z")
            {
                try once(current)
            }
            if let s = optionalString() { meaning = s; continue }
            if current.isWord("typical") {
                _ = advance()
                typical = try signedNumber("the typical value")
                continue
            }
            if current.isWord("via") {
                _ = advance()
                let link = current
                guard link.isWord("logistic") || link.isWord("Phi_approx") else {
                    throw fail(
                        link, "unknown link '\(link.text)'",
                        "write via logistic (L + (U − L)·logistic(x)) or via Phi_approx (the default)")
                }
                logistic = link.isWord("logistic")
                _ = advance()
                continue
            }
            if current.isWord("mu") || current.isWord("sigma") || current.isWord("z") {
                let which = current
                _ = advance()
                try expectSymbol("~", "in the prior (\(which.text) ~ normal(0, s))")
                let familyToken = current
                let (family, _) = try identifier("a prior family", example: "normal(0, 1)")
                guard family == "normal" || (family == "cauchy" && which.isWord("sigma")) else {
                    throw fail(
                        familyToken, "unknown prior '\(family)' for \(which.text)",
                        which.isWord("sigma")
                            ? "write sigma ~ normal(0, s) or sigma ~ cauchy(0, s) (half-distributions: sigma > 0)"
                            : "write \(which.text) ~ normal(0, s)")
                }
                try expectSymbol("(", "after the prior's family")
                let centre = current
                guard try signedNumber("the prior's location") == 0 else {
                    throw fail(centre, "priors are centred at 0 (as hBayesDM's)", "write \(family)(0, s)")
                }
                try expectSymbol(",", "between the prior's location and scale")
                let scaleToken = current
                let scale = try signedNumber("the prior's scale")
                guard scale > 0 else {
                    throw fail(scaleToken, "a prior's scale must be positive", "write a scale above 0")
                }
                try expectSymbol(")", "after the prior's scale")
                let prior = ParameterDeclaration.Prior(family: family, scale: scale, location: which.location)
                if which.isWord("mu") { mu = prior } else if which.isWord("z") { z = prior } else { sigma = prior }
                continue
            }
            throw fail(
                current, "unexpected \(current.text) in the parameter declaration",
                "a parameter line is: parameter NAME RANGE [via logistic] [typical V] [mu ~ normal(0, s)] [sigma ~ normal(0, s)] [z ~ normal(0, s)] [\"meaning\"]"
            )
        }
        try endOfLine("parameter declaration")
        if logistic {
            switch range {
            case .interval, .boundedBy: break
            default:
                throw fail(
                    rangeToken,
                    "via logistic maps onto an interval, but '\(name)' is \(range == .real ? "real" : "positive")",
                    "write parameter \(name) in (L, U) via logistic")
            }
        }
        return ParameterDeclaration(
            name: name, range: range, typical: typical, muPrior: mu, sigmaPrior: sigma, zPrior: z,
            logisticLink: logistic, meaning: meaning, location: location)
    }

    private mutating func stateDeclaration(_ keyword: Token) throws -> StateDeclaration {
        let (name, location) = try identifier("the state's name", example: "state Q[option] = 0")
        var shape = StateDeclaration.Shape.scalar
        if current.isSymbol("[") {
            _ = advance()
            var dims: [(String, SourceLocation)] = []
            repeat {
                if current.isSymbol(",") { _ = advance() }
                dims.append(try identifier("a dimension (option or an index data column)", example: "Q[option]"))
            } while current.isSymbol(",")
            try expectSymbol("]", "after the state's dimensions")
            guard dims.count <= 2 else {
                throw ModelFileError(
                    file: file, location: dims[2].1, problem: "a state has at most two dimensions",
                    fix: "split it into several states")
            }
            shape = .table(dims)
        } else if current.isSymbol(":") {
            _ = advance()
            let (dim, dimLocation) = try identifier(
                "a dimension (option or an index data column)", example: "state previous: option = none")
            shape = .index(name: dim, location: dimLocation)
        }
        guard current.isSymbol("=") else {
            let example: String
            switch shape {
            case .scalar: example = "state \(name) = 0"
            case let .table(dims): example = "state \(name)[\(dims.map(\.name).joined(separator: ", "))] = 0"
            case let .index(dim, _): example = "state \(name): \(dim) = none"
            }
            let fix = "write its value at the start of each block, e.g. \(example)"
            // At the end of the line the state's name is the place; otherwise the token found instead of '='.
            if current.kind == .newline || current.kind == .end {
                throw ModelFileError(
                    file: file, location: location, problem: "state \(name) has no initial value", fix: fix)
            }
            throw fail(current, "expected '=' and the initial value after state \(name), found \(current.text)", fix)
        }
        _ = advance()
        let initial = try expression()
        var across = false
        if current.isWord("across") {
            _ = advance()
            try expectWord("blocks", "after 'across'")
            across = true
        }
        try endOfLine("state declaration")
        return StateDeclaration(name: name, shape: shape, initial: initial, acrossBlocks: across, location: location)
    }

    // MARK: Statements

    private mutating func block(_ context: String) throws -> [StatementSyntax] {
        guard current.isSymbol("{") else {
            throw fail(
                current, "expected '{' to open the \(context) block, found \(current.text)",
                "write { after \(context == "trial" ? "trial" : "the \(context)") and close the block with }")
        }
        let open = advance()
        try enterNested(open)
        defer { nesting -= 1 }
        var statements: [StatementSyntax] = []
        while true {
            skipNewlines()
            if current.isSymbol("}") { closedBlocks.append((open, advance())); break }
            if current.kind == .end {
                // The '}' missing is most likely an inner block's: the first block whose '}' sits
                // at another indentation than the line of its '{' took an outer block's '}'.
                if let (inner, close) = closedBlocks.first(where: { pair in
                    pair.close.location.line != pair.open.location.line
                        && lineIndent[pair.open.location.line].map { $0 != pair.close.location.column } ?? false
                }) {
                    throw fail(
                        inner,
                        "this '{' is never closed: the '}' on line \(close.location.line) closes it, but is indented like an outer block's",
                        "add the missing } where this block ends, before line \(close.location.line)")
                }
                throw fail(open, "this '{' is never closed", "close the \(context) block with }")
            }
            statements.append(try statement())
            if !(current.kind == .newline || current.isSymbol(";") || current.isSymbol("}")) {
                throw fail(
                    current, "unexpected \(current.text) after a statement",
                    "put one statement per line (or separate them with ;)")
            }
        }
        return statements
    }

    private mutating func statement() throws -> StatementSyntax {
        let start = current
        if start.isWord("if") { return try ifStatement() }
        if start.isWord("for") {
            _ = advance()
            let (variable, _) = try identifier("the loop variable", example: "for k in option { … }")
            try expectWord("in", "after the loop variable (for \(variable) in option)")
            let (dimension, dimLocation) = try identifier(
                "a dimension (option or an index data column)", example: "for k in option")
            let body = try block("for")
            return .forEach(
                variable: variable, dimension: dimension, body: body, location: start.location,
                dimensionLocation: dimLocation)
        }
        if start.isWord("else") {
            throw fail(
                start, "'else' without an 'if' block just before it",
                "write else after the closing } of an if block: if x > 0 { … } else { … }")
        }
        let (name, _) = try identifier(
            "a statement (an assignment, an observation ~, if or for)",
            example: "Q[choice] += A * (outcome - Q[choice])")
        if current.isSymbol("~") {
            _ = advance()
            let distributionLocation = current.location
            let (distribution, _) = try identifier("a distribution", example: "choice ~ softmax(tau * Q)")
            let open = current
            try expectSymbol("(", "after the distribution's name")
            let arguments = try argumentList(opened: open)
            return .observe(
                column: name, distribution: distribution, arguments: arguments, location: start.location,
                distributionLocation: distributionLocation)
        }
        var indices: [ExpressionSyntax] = []
        if current.isSymbol("[") {
            let open = advance()
            indices = try argumentList(opened: open)
            guard !indices.isEmpty else { throw fail(open, "empty index []", "write the index, e.g. Q[choice]") }
        }
        guard case let .symbol(op) = current.kind, ["=", "+=", "-=", "*=", "/="].contains(op) else {
            if current.isSymbol("==") { throw fail(current, "'==' compares; it does not assign", "write = to assign") }
            throw fail(
                current, "expected =, +=, -=, *=, /= or ~ after '\(name)', found \(current.text)",
                "write an assignment (x = …) or an observation (column ~ distribution(…))")
        }
        _ = advance()
        let value = try expression()
        return .assign(target: name, indices: indices, op: op, value: value, location: start.location)
    }

    private mutating func ifStatement() throws -> StatementSyntax {
        let keyword = advance()
        let condition = try expression()
        let then = try block("if")
        var otherwise: [StatementSyntax] = []
        var look = position
        while tokens[look].kind == .newline { look += 1 }
        if tokens[look].isWord("else") {
            position = look
            _ = advance()
            if current.isWord("if") {
                otherwise = [try ifStatement()]
            } else {
                otherwise = try block("else")
            }
        }
        return .ifElse(condition: condition, then: then, otherwise: otherwise, location: keyword.location)
    }

    /// The comma-separated expressions after `open` (a consumed `(` or `[`) up to its closing
    /// bracket.
    private mutating func argumentList(opened open: Token) throws -> [ExpressionSyntax] {
        let closing = open.isSymbol("[") ? "]" : ")"
        let what = closing == "]" ? "an index" : "an argument"
        var list: [ExpressionSyntax] = []
        if current.isSymbol(closing) { _ = advance(); return list }
        while true {
            list.append(try expression())
            if current.isSymbol(",") { _ = advance(); continue }
            try close(
                closing, opened: open, expected: "',' or '\(closing)' after \(what)",
                fix:
                    "separate the \(closing == "]" ? "indices" : "arguments") with ',' and close the '\(open.text)' with '\(closing)'"
            )
            return list
        }
    }

    /// Consumes `closing`, or fails where the parser stopped. Line ends inside brackets do not end
    /// a statement, so a missing bracket is often noticed lines later: then the message names the
    /// bracket that is not closed.
    private mutating func close(_ closing: String, opened open: Token, expected: String, fix: String) throws {
        guard current.isSymbol(closing) else {
            let note =
                current.location.line > open.location.line
                ? " (the '\(open.text)' at line \(open.location.line), column \(open.location.column) is not closed)"
                : ""
            throw fail(current, "expected \(expected), found \(current.text)\(note)", fix)
        }
        _ = advance()
    }

    // MARK: Expressions (lowest precedence first)

    mutating func expression() throws -> ExpressionSyntax {
        let start = current
        try enterNested(start)
        defer { nesting -= 1 }
        let e = try orExpression()
        guard e.depth <= Parser.maximumDepth else { throw tooDeep(start) }
        return e
    }

    /// Counts one more level of nesting, failing beyond `maximumDepth`.
    private mutating func enterNested(_ token: Token) throws {
        nesting += 1
        guard nesting <= Parser.maximumDepth else { throw tooDeep(token) }
    }

    private func tooDeep(_ token: Token) -> ModelFileError {
        fail(
            token,
            "expressions and blocks are nested more than \(Parser.maximumDepth) levels deep here (a flat sum of n terms counts n levels)",
            "split long expressions into local variables (s1 = a + b + …, then s = s1 + …) or use a comprehension ([… for k in option]); combine nested ifs with 'and'"
        )
    }

    private mutating func orExpression() throws -> ExpressionSyntax {
        try leftAssociative("or") { try $0.andExpression() }
    }

    private mutating func andExpression() throws -> ExpressionSyntax {
        try leftAssociative("and") { try $0.notExpression() }
    }

    /// `operand (word operand)*`, grouped from the left: a or b or c = (a or b) or c.
    private mutating func leftAssociative(
        _ word: String, operand: (inout Parser) throws -> ExpressionSyntax
    ) throws -> ExpressionSyntax {
        var left = try operand(&self)
        while current.isWord(word) {
            let op = advance()
            left = ExpressionSyntax(
                node: .binary(op: word, left: left, right: try operand(&self)), location: op.location)
        }
        return left
    }

    private mutating func notExpression() throws -> ExpressionSyntax {
        if current.isWord("not") {
            let op = advance()
            try enterNested(op)
            defer { nesting -= 1 }
            return ExpressionSyntax(node: .unary(op: "not", operand: try notExpression()), location: op.location)
        }
        return try comparison()
    }

    private static let comparisons: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    private mutating func comparison() throws -> ExpressionSyntax {
        let left = try additive()
        guard case let .symbol(op) = current.kind, Parser.comparisons.contains(op) else { return left }
        let opToken = advance()
        let right = try additive()
        if case let .symbol(next) = current.kind, Parser.comparisons.contains(next) {
            throw fail(current, "comparisons do not chain (a < b < c)", "write a < b and b < c")
        }
        return ExpressionSyntax(node: .binary(op: op, left: left, right: right), location: opToken.location)
    }

    private mutating func additive() throws -> ExpressionSyntax {
        var left = try multiplicative()
        while current.isSymbol("+") || current.isSymbol("-") {
            let op = advance()
            left = ExpressionSyntax(
                node: .binary(op: op.text, left: left, right: try multiplicative()), location: op.location)
        }
        return left
    }

    private mutating func multiplicative() throws -> ExpressionSyntax {
        var left = try unary()
        while current.isSymbol("*") || current.isSymbol("/") {
            let op = advance()
            left = ExpressionSyntax(node: .binary(op: op.text, left: left, right: try unary()), location: op.location)
        }
        return left
    }

    private mutating func unary() throws -> ExpressionSyntax {
        if current.isSymbol("-") || current.isSymbol("+") {
            let op = advance()
            try enterNested(op)
            defer { nesting -= 1 }
            let operand = try unary()
            return op.isSymbol("+")
                ? operand : ExpressionSyntax(node: .unary(op: "-", operand: operand), location: op.location)
        }
        return try power()
    }

    private mutating func power() throws -> ExpressionSyntax {
        let base = try postfix()
        guard current.isSymbol("^") else { return base }
        let op = advance()
        try enterNested(op)
        defer { nesting -= 1 }
        let exponent = try unary() // right-associative, and 2^-1 works
        return ExpressionSyntax(node: .binary(op: "^", left: base, right: exponent), location: op.location)
    }

    private mutating func postfix() throws -> ExpressionSyntax {
        let token = current
        switch token.kind {
        case let .number(x, whole):
            _ = advance()
            return ExpressionSyntax(node: whole ? .integer(Int(x)) : .number(x), location: token.location)
        case .identifier("none"):
            _ = advance()
            return ExpressionSyntax(node: .none, location: token.location)
        case let .identifier(name):
            if Parser.keywords.contains(name) {
                throw fail(
                    token, "'\(name)' cannot start an expression",
                    name == "if"
                        ? "for a value that depends on a condition write select(condition, a, b)"
                        : "write a value, a name or a function call")
            }
            _ = advance()
            if current.isSymbol("(") {
                let open = advance()
                return ExpressionSyntax(
                    node: .call(function: name, arguments: try argumentList(opened: open)), location: token.location)
            }
            if current.isSymbol("[") {
                let open = advance()
                let indices = try argumentList(opened: open)
                guard !indices.isEmpty else { throw fail(open, "empty index []", "write the index, e.g. Q[choice]") }
                return ExpressionSyntax(node: .element(name: name, indices: indices), location: token.location)
            }
            return ExpressionSyntax(node: .name(name), location: token.location)
        case .symbol("("):
            _ = advance()
            let inner = try expression()
            try close(")", opened: token, expected: "')' to close the parenthesis", fix: "close the '(' with ')'")
            return inner
        case .symbol("["):
            _ = advance()
            if current.isSymbol("]") { throw fail(current, "an empty vector []", "write its elements, e.g. [a, b]") }
            let first = try expression()
            if current.isWord("for") {
                _ = advance()
                let (variable, _) = try identifier(
                    "the comprehension's variable", example: "[tau * Q[k] for k in option]")
                try expectWord("in", "after the comprehension's variable")
                let (dimension, dimLocation) = try identifier("a dimension", example: "[tau * Q[k] for k in option]")
                try close(
                    "]", opened: token, expected: "']' to close the comprehension", fix: "write [body for k in option]")
                return ExpressionSyntax(
                    node: .comprehension(
                        body: first, variable: variable, dimension: dimension, dimensionLocation: dimLocation),
                    location: token.location)
            }
            var elements = [first]
            while current.isSymbol(",") {
                _ = advance()
                elements.append(try expression())
            }
            try close(
                "]", opened: token, expected: "',' or ']' after an element of the vector",
                fix: "separate the elements with ',' and close the '[' with ']'")
            return ExpressionSyntax(node: .vector(elements), location: token.location)
        default:
            if token.kind == .newline {
                throw fail(
                    token, "expected a value, found end of line",
                    "finish the expression on this line: a line ends a statement, except inside ( ) or [ ] (so wrap a long expression in parentheses to break it over lines)"
                )
            }
            throw fail(
                token, "expected a value, found \(token.text)",
                "write a number, a name, a function call or a parenthesized expression")
        }
    }
}

import XCTest
@testable import ModelLanguage

/// The lexer and parser: what a model file's text parses into (operator precedence, numbers,
/// comments, separators, line continuation, `else if`), and the syntax errors, each with its
/// exact line and column, a problem naming the offending text, and a fix.
final class ParserTests: XCTestCase {
    // MARK: Helpers

    private func parse(_ text: String, file: String = "test.rlm") throws -> ModelSyntax {
        var parser = Parser(file: file, tokens: try Lexer(file: file).tokens(text))
        return try parser.parse()
    }

    /// The expression `text` as the reward of an otherwise empty model, rendered with explicit
    /// parentheses.
    private func expression(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            guard let reward = try parse("model m\nreward \(text)\n").reward else {
                XCTFail("no expression parsed from \(text)", file: file, line: line)
                return nil
            }
            return render(reward)
        } catch {
            XCTFail("\(text) does not parse: \(error)", file: file, line: line)
            return nil
        }
    }

    private func statements(_ trialBody: String, file: StaticString = #filePath, line: UInt = #line)
        -> [StatementSyntax]
    {
        do {
            return try parse("model m\ntrial {\n\(trialBody)\n}\n").trial ?? []
        } catch {
            XCTFail("does not parse: \(error)", file: file, line: line)
            return []
        }
    }

    private func kinds(_ text: String) throws -> [Token.Kind] {
        try Lexer(file: "test.rlm").tokens(text).map(\.kind)
    }

    /// The error `text` fails with, at `line`:`column`, its problem containing each of
    /// `problem`, its fix each of `fix`, laid out as `file:line:col: error: problem\n  fix: fix`.
    private func assertSyntaxError(
        _ text: String, at line: Int, _ column: Int, problem: [String], fix: [String],
        file: StaticString = #filePath, line testLine: UInt = #line
    ) {
        do {
            _ = try parse(text)
            XCTFail("expected a syntax error at \(line):\(column)", file: file, line: testLine)
        } catch let error as ModelFileError {
            XCTAssertEqual(
                error.location, SourceLocation(line: line, column: column), "\(error)", file: file, line: testLine)
            XCTAssertEqual(error.kind, .invalidModel, file: file, line: testLine)
            for part in problem {
                XCTAssert(
                    error.problem.contains(part), "problem lacks \"\(part)\": \(error.problem)", file: file,
                    line: testLine)
            }
            XCTAssertFalse(error.fix.isEmpty, "no fix: \(error)", file: file, line: testLine)
            for part in fix {
                XCTAssert(error.fix.contains(part), "fix lacks \"\(part)\": \(error.fix)", file: file, line: testLine)
            }
            XCTAssertEqual(
                error.description, "test.rlm:\(line):\(column): error: \(error.problem)\n  fix: \(error.fix)",
                file: file, line: testLine)
            // The whole pipeline reports the same error.
            XCTAssertThrowsError(try ModelFile.check(text: text, file: "test.rlm"), file: file, line: testLine) {
                XCTAssertEqual($0 as? ModelFileError, error, file: file, line: testLine)
            }
        } catch {
            XCTFail("not a ModelFileError: \(error)", file: file, line: testLine)
        }
    }

    // MARK: Expressions

    func testNegationBindsLooserThanPower() {
        XCTAssertEqual(expression("-x^2"), "(- (^ x 2))")
        XCTAssertEqual(expression("-2^2"), "(- (^ 2 2))")
        XCTAssertEqual(expression("(-2)^2"), "(^ (- 2) 2)")
        XCTAssertEqual(expression("--x"), "(- (- x))")
        XCTAssertEqual(expression("+x"), "x")
    }

    func testProductsBindTighterThanSumsAndBothAssociateLeft() {
        XCTAssertEqual(expression("a + b * c"), "(+ a (* b c))")
        XCTAssertEqual(expression("a * b + c"), "(+ (* a b) c)")
        XCTAssertEqual(expression("a - b - c"), "(- (- a b) c)")
        XCTAssertEqual(expression("a / b * c"), "(* (/ a b) c)")
        XCTAssertEqual(expression("(a + b) * c"), "(* (+ a b) c)")
        XCTAssertEqual(expression("a * -b"), "(* a (- b))")
    }

    func testPowerIsRightAssociativeAndTakesASignedExponent() {
        XCTAssertEqual(expression("2^3^2"), "(^ 2 (^ 3 2))")
        XCTAssertEqual(expression("2^-1"), "(^ 2 (- 1))")
        XCTAssertEqual(expression("a * b^2"), "(* a (^ b 2))")
        XCTAssertEqual(expression("Q[k]^2"), "(^ Q[k] 2)")
    }

    func testComparisonsAndLogicalOperators() {
        XCTAssertEqual(expression("a < b and c > d or not e == f"), "(or (and (< a b) (> c d)) (not (== e f)))")
        XCTAssertEqual(expression("a + 1 >= b * 2"), "(>= (+ a 1) (* b 2))")
        XCTAssertEqual(expression("k != choice"), "(!= k choice)")
        XCTAssertEqual(expression("not not a <= b"), "(not (not (<= a b)))")
        XCTAssertEqual(expression("a or b and c"), "(or a (and b c))")
    }

    func testCallsElementsVectorsAndComprehensions() {
        XCTAssertEqual(expression("exp(-(a + b)) * Q[choice, 2]"), "(* exp((- (+ a b))) Q[choice, 2])")
        XCTAssertEqual(expression("select(pe >= 0, A_pos, A_neg)"), "select((>= pe 0), A_pos, A_neg)")
        XCTAssertEqual(expression("[a, 2.5, none]"), "[a, 2.5, none]")
        XCTAssertEqual(expression("[tau * Q[k] for k in option]"), "[(* tau Q[k]) for k in option]")
        XCTAssertEqual(expression("f()"), "f()")
    }

    func testWholeAndRealNumbers() throws {
        XCTAssertEqual(
            try kinds("2 2.0 0.25 .5 1e-3 1E2 10"),
            [
                .number(2, whole: true), .number(2, whole: false), .number(0.25, whole: false),
                .number(0.5, whole: false),
                .number(0.001, whole: false), .number(100, whole: false), .number(10, whole: true), .newline, .end
            ])
        guard case .integer(2)? = try parse("model m\nreward 2\n").reward?.node else { return XCTFail("2 is whole") }
        guard case .number(2.0)? = try parse("model m\nreward 2.0\n").reward?.node else {
            return XCTFail("2.0 is real")
        }
        guard case .number(100)? = try parse("model m\nreward 1e2\n").reward?.node else {
            return XCTFail("1e2 is real")
        }
        // A name may contain digits.
        XCTAssertEqual(try kinds("x2 A_1"), [.identifier("x2"), .identifier("A_1"), .newline, .end])
    }

    func testRangeAfterIndexLexesAsARange() throws {
        XCTAssertEqual(
            try kinds("data cue: index 1..4"),
            [
                .identifier("data"), .identifier("cue"), .symbol(":"), .identifier("index"),
                .number(1, whole: true), .symbol(".."), .number(4, whole: true), .newline, .end
            ])
        XCTAssertEqual(
            try kinds("1 .. 4"), [.number(1, whole: true), .symbol(".."), .number(4, whole: true), .newline, .end])
        let model = try parse("model m\ndata cue: index 1..4 \"the cue shown\"\ndata stage: index\n")
        XCTAssertEqual(model.data.map(\.kind), [.index(levels: 4), .index(levels: nil)])
        XCTAssertEqual(model.data[0].coding, "the cue shown")
    }

    func testCommentsAreIgnoredButNotInsideText() throws {
        let model = try parse(
            """
            # a comment line
            model m "a # in text is not a comment"   # a trailing comment
            # options 3
            options 2 # two
            trial {   # the trial
              # nothing here
              choice ~ softmax(tau *   # a comment inside parentheses
                               Q)
            }
            """)
        XCTAssertEqual(model.name?.text, "m")
        XCTAssertEqual(model.summary, "a # in text is not a comment")
        XCTAssertEqual(model.options?.count, 2)
        XCTAssertEqual(model.trial?.count, 1)
        XCTAssertEqual(try kinds("# only a comment"), [.end])
        XCTAssertEqual(
            try kinds("\"a \\\" quote and a \\\\ backslash\""),
            [.string("a \" quote and a \\ backslash"), .newline, .end])
    }

    func testSemicolonsSeparateStatements() {
        let list = statements("  pe = outcome - Q[choice]; Q[choice] += A * pe;; x = 1")
        XCTAssertEqual(list.count, 3)
        guard list.count == 3, case let .assign(target, _, op, _, location) = list[1] else { return XCTFail("\(list)") }
        XCTAssertEqual(target, "Q")
        XCTAssertEqual(op, "+=")
        XCTAssertEqual(location, SourceLocation(line: 3, column: 29))
        XCTAssertEqual(statements("  if a > 0 { x = 1; y = 2 }").count, 1)
    }

    func testElseIfChains() {
        let list = statements(
            """
              if outcome > 0 {
                Q[choice] += A * (1 - Q[choice])
              } else if outcome < 0 {
                Q[choice] += A * (-1 - Q[choice])
              }
              else {
                Q[choice] -= A * Q[choice]
              }
            """)
        XCTAssertEqual(list.count, 1)
        guard case let .ifElse(condition, then, otherwise, location)? = list.first else { return XCTFail("\(list)") }
        XCTAssertEqual(render(condition), "(> outcome 0)")
        XCTAssertEqual(location, SourceLocation(line: 3, column: 3))
        XCTAssertEqual(then.count, 1)
        XCTAssertEqual(otherwise.count, 1)
        guard case let .ifElse(inner, innerThen, innerElse, innerLocation)? = otherwise.first else {
            return XCTFail("\(otherwise)")
        }
        XCTAssertEqual(render(inner), "(< outcome 0)")
        XCTAssertEqual(innerLocation, SourceLocation(line: 5, column: 10))
        XCTAssertEqual(innerThen.count, 1)
        XCTAssertEqual(innerElse.count, 1)
        guard case let .assign(_, _, op, _, _)? = innerElse.first else { return XCTFail("\(innerElse)") }
        XCTAssertEqual(op, "-=")
    }

    func testNewlinesInsideParenthesesAndBracketsContinueTheExpression() {
        let list = statements(
            """
              choice ~ softmax([tau * Q[1],
                                tau * Q[2]])
              Q[choice] += A * (outcome
                                - Q[choice])
            """)
        XCTAssertEqual(list.count, 2)
        guard list.count == 2, case let .assign(_, _, _, value, location) = list[1] else { return XCTFail("\(list)") }
        XCTAssertEqual(render(value), "(* A (- outcome Q[choice]))")
        XCTAssertEqual(location, SourceLocation(line: 5, column: 3))
        guard case let .observe(column, distribution, arguments, _, distributionLocation) = list[0] else {
            return XCTFail("\(list)")
        }
        XCTAssertEqual(column, "choice")
        XCTAssertEqual(distribution, "softmax")
        XCTAssertEqual(arguments.map(render), ["[(* tau Q[1]), (* tau Q[2])]"])
        XCTAssertEqual(distributionLocation, SourceLocation(line: 3, column: 12))
    }

    func testANewlineOutsideParenthesesEndsTheStatement() {
        assertSyntaxError(
            """
            model m
            trial {
              x = a
                + b
            }
            """, at: 4, 5, problem: ["expected a statement", "found +"], fix: ["assignment"])
    }

    func testTokenLocationsCountLinesAndColumns() throws {
        let tokens = try Lexer(file: "t").tokens("model m\n  reward x+1\n")
        XCTAssertEqual(
            tokens.map(\.location),
            [
                SourceLocation(line: 1, column: 1), SourceLocation(line: 1, column: 7),
                SourceLocation(line: 1, column: 8),
                SourceLocation(line: 2, column: 3), SourceLocation(line: 2, column: 10),
                SourceLocation(line: 2, column: 11),
                SourceLocation(line: 2, column: 12), SourceLocation(line: 2, column: 13),
                SourceLocation(line: 3, column: 1)
            ])
        // A byte-order mark is not a column; tabs and carriage returns are spaces.
        let marked = try Lexer(file: "t").tokens("\u{FEFF}model m\r\n\tx")
        XCTAssertEqual(
            marked.map(\.location).prefix(4),
            [
                SourceLocation(line: 1, column: 1), SourceLocation(line: 1, column: 7),
                SourceLocation(line: 1, column: 9), SourceLocation(line: 2, column: 2)
            ])
    }

    func testDeclarations() throws {
        let model = try parse(
            """
            model m "summary"
            reference "someone (2020)"
            options from data
            task reversal_learning
            data choice: option "1..K"
            data pressed: binary
            data outcome: real values {1, -1}
            data gain: real signs {1, -1, 0}
            argument payscale = -100 "scale"
            parameter A in (-1, 1) typical 0.25 mu ~ normal(0, 2) "rate"
            parameter alpha real typical 0 sigma ~ cauchy(0, 1) "indecision point"
            parameter kappa positive sigma ~ normal(0, 0.5)
            state Q[option, cue] = 0 across blocks
            state previous: option = none
            state V = payscale
            """)
        XCTAssertEqual(model.summary, "summary")
        XCTAssertEqual(model.reference, "someone (2020)")
        XCTAssertNotNil(model.options)
        XCTAssertNil(model.options?.count)
        XCTAssertEqual(model.task?.name, "reversal_learning")
        XCTAssertEqual(model.data.map(\.kind), [.option, .binary, .real, .real])
        XCTAssertEqual(model.data[2].expectation, .values([1, -1]))
        XCTAssertEqual(model.data[3].expectation, .signs([1, -1, 0]))
        XCTAssertEqual(model.arguments.first?.value, -100)
        XCTAssertEqual(model.arguments.first?.location, SourceLocation(line: 9, column: 10))
        XCTAssertEqual(model.parameters.map(\.range), [.interval(-1, 1), .real, .positive])
        XCTAssertEqual(model.parameters[0].typical, 0.25)
        XCTAssertEqual(
            model.parameters[0].muPrior,
            ParameterDeclaration.Prior(family: "normal", scale: 2, location: SourceLocation(line: 10, column: 37)))
        XCTAssertEqual(model.parameters[1].sigmaPrior?.family, "cauchy")
        XCTAssertEqual(model.parameters[1].meaning, "indecision point")
        XCTAssertEqual(model.parameters[2].sigmaPrior?.scale, 0.5)
        XCTAssertEqual(
            model.states.map(\.shape),
            [
                .table([("option", SourceLocation(line: 13, column: 9)), ("cue", SourceLocation(line: 13, column: 17))]
                ),
                .index(name: "option", location: SourceLocation(line: 14, column: 17)), .scalar
            ])
        XCTAssertEqual(model.states.map(\.acrossBlocks), [true, false, false])
        XCTAssertEqual(
            model.states.map(\.location),
            [
                SourceLocation(line: 13, column: 7), SourceLocation(line: 14, column: 7),
                SourceLocation(line: 15, column: 7)
            ])
    }

    // MARK: Suggestions

    func testSuggestionsCountASwapAsOneEditAndDoNotDependOnOrder() {
        XCTAssertEqual(Suggestions.distance(Array("tua"), Array("tau")), 1)
        XCTAssertEqual(Suggestions.distance(Array("tua"), Array("a")), 2)
        XCTAssertEqual(Suggestions.distance(Array("kitten"), Array("sitting")), 3)
        XCTAssertEqual(Suggestions.distance(Array(""), Array("abc")), 3)
        let candidates = ["A", "tau", "Q", "choice", "outcome", "K"]
        for rotation in 0..<candidates.count {
            let order = Array(candidates[rotation...] + candidates[..<rotation])
            XCTAssertEqual(Suggestions.closest(to: "tua", among: order), "tau", "\(order)")
            XCTAssertEqual(Suggestions.closest(to: "choise", among: order), "choice")
            XCTAssertEqual(Suggestions.closest(to: "outcomes", among: order), "outcome")
            XCTAssertEqual(Suggestions.closest(to: "Z", among: order), "A", "same distance and length: alphabetical")
            XCTAssertNil(Suggestions.closest(to: "xyzzy", among: order))
        }
        // Case-insensitive, and never the name itself.
        XCTAssertEqual(Suggestions.closest(to: "phi_approx", among: ["Phi_approx", "exp"]), "Phi_approx")
        XCTAssertNil(Suggestions.closest(to: "tau", among: ["tau"]))
    }

    // MARK: Lexical errors

    func testUnterminatedString() {
        assertSyntaxError(
            "model m \"a test model\nparameter A in (0, 1)\n", at: 1, 9,
            problem: ["string", "no closing quote"], fix: ["\""])
    }

    func testAmpersandsAreNotOperators() {
        assertSyntaxError(
            """
            model m
            trial {
              if outcome > 0 && tau > 1 { x = 1 }
            }
            """, at: 3, 18, problem: ["unexpected character '&'"], fix: ["and, or, not"])
        assertSyntaxError("model m\nreward a || b\n", at: 2, 10, problem: ["'|'"], fix: ["and, or, not"])
        assertSyntaxError("model m\nreward !a\n", at: 2, 8, problem: ["'!'"], fix: ["and, or, not"])
    }

    func testStrayCharacters() {
        assertSyntaxError(
            "model m\nparameter A in (0, 1) $\n", at: 2, 23, problem: ["unexpected character '$'"], fix: ["remove it"])
        assertSyntaxError("model m\nparameter β in (0, 1)\n", at: 2, 11, problem: ["'β'"], fix: ["a-z", "A-Z"])
        assertSyntaxError("model m\nreward a\u{7}\n", at: 2, 9, problem: ["U+7"], fix: ["remove it"])
    }

    /// What papers, word processors and other languages put in: the typographic minus and
    /// C-style comments.
    func testHabitsFromPapersAndOtherLanguages() {
        assertSyntaxError(
            "model m\nreward a \u{2212} b\n", at: 2, 10, problem: ["'\u{2212}' (U+2212) is not the minus sign"],
            fix: ["ASCII minus '-'"])
        assertSyntaxError("model m\nreward 1 \u{2013} b\n", at: 2, 10, problem: ["U+2013"], fix: ["'-'"])
        assertSyntaxError(
            "model m\nreward a  // the outcome\n", at: 2, 11, problem: ["'//' starts no comment"], fix: ["with #"])
    }

    func testNumberRunIntoAName() {
        assertSyntaxError(
            "model m\nreward 2x\n", at: 2, 8, problem: ["'2x'", "neither a number nor a name"], fix: ["2 * x"])
        assertSyntaxError(
            "model m\nreward 1e400\n", at: 2, 8, problem: ["'1e400'", "not a finite number"], fix: ["1e-3"])
    }

    // MARK: Declaration errors

    func testUnknownDeclarationKeywordSuggestsTheClosest() {
        assertSyntaxError(
            """
            model m "a test"
            options 2
            paramter tau in (0, 5)
            """, at: 3, 1, problem: ["unknown declaration 'paramter'", "did you mean 'parameter'?"],
            fix: ["parameter", "state", "trial"])
        assertSyntaxError(
            "model m\nstat Q = 0\n", at: 2, 1, problem: ["'stat'", "did you mean 'state'?"], fix: ["state"])
        assertSyntaxError(
            "model m\nblah x\n", at: 2, 1, problem: ["unknown declaration 'blah'"], fix: ["model, reference, options"])
        assertSyntaxError(
            "model m\n42\n", at: 2, 1, problem: ["expected a declaration", "found 42"], fix: ["parameter"])
    }

    func testOptionsNeedsTwoToSixtyFour() {
        assertSyntaxError(
            "model m\noptions 1\n", at: 2, 9, problem: ["2 to 64 options", "found 1"],
            fix: ["options 2", "options from data"])
        assertSyntaxError("model m\noptions 65\n", at: 2, 9, problem: ["found 65"], fix: ["options from data"])
        assertSyntaxError("model m\noptions 2.5\n", at: 2, 9, problem: ["whole number", "2.5"], fix: ["whole number"])
        assertSyntaxError(
            "model m\noptions from file\n", at: 2, 14, problem: ["expected 'data'", "found file"], fix: ["'data'"])
    }

    func testDuplicateSingleDeclarations() {
        assertSyntaxError(
            "model m\nmodel n\n", at: 2, 1, problem: ["second 'model'", "line 1"], fix: ["keep one 'model'"])
        assertSyntaxError(
            "model m\noptions 2\noptions 3\n", at: 3, 1, problem: ["second 'options'", "line 2"], fix: ["keep one"])
        assertSyntaxError(
            "model m\ntask bandit\ntask bandit\n", at: 3, 1, problem: ["second 'task'"], fix: ["keep one"])
        assertSyntaxError(
            "model m\nreward outcome\nreward gain\n", at: 3, 1, problem: ["second 'reward'", "line 2"],
            fix: ["keep one"])
        assertSyntaxError(
            "model m\ntrial {\n}\ntrial {\n}\n", at: 4, 1, problem: ["second 'trial'", "line 2"],
            fix: ["keep one 'trial'"])
    }

    func testStateWithoutInitialValue() {
        assertSyntaxError(
            """
            model m
            options 2
            state Q[option]     # the values
            """, at: 3, 7, problem: ["state Q has no initial value"], fix: ["state Q[option] = 0"])
        assertSyntaxError(
            "model m\nstate previous: option\n", at: 2, 7, problem: ["state previous has no initial value"],
            fix: ["state previous: option = none"])
        assertSyntaxError("model m\nstate V", at: 2, 7, problem: ["state V has no initial value"], fix: ["state V = 0"])
        assertSyntaxError(
            "model m\nstate W[option, cue] 0\n", at: 2, 22, problem: ["expected '='", "found 0"],
            fix: ["state W[option, cue] = 0"])
    }

    func testStateWithThreeDimensions() {
        assertSyntaxError(
            "model m\nstate Q[option, cue, stage] = 0\n", at: 2, 22, problem: ["at most two dimensions"], fix: ["split"]
        )
    }

    func testEndOfLineErrorsPointBeforeTheComment() {
        assertSyntaxError(
            "model m\nparameter tau     # the inverse temperature\n", at: 2, 19,
            problem: ["expected the parameter's range", "found end of line"],
            fix: ["parameter tau in (0, 1)", "real", "positive"])
        assertSyntaxError(
            "model m\nparameter tau", at: 2, 14, problem: ["found end of line"], fix: ["parameter tau in (0, 1)"])
    }

    func testParameterDeclarationErrors() {
        assertSyntaxError(
            "model m\nparameter A in (1, 0)\n", at: 2, 13,
            problem: ["lower bound 1.0 is not below the upper bound 0.0"], fix: ["lower < upper"])
        assertSyntaxError(
            "model m\nparameter A in (0 1)\n", at: 2, 19, problem: ["expected ','", "between the bounds", "found 1"],
            fix: ["','"])
        assertSyntaxError(
            "model m\nparameter A real mu ~ cauchy(0, 1)\n", at: 2, 23, problem: ["unknown prior 'cauchy' for mu"],
            fix: ["mu ~ normal(0, s)"])
        assertSyntaxError(
            "model m\nparameter A real sigma ~ normal(1, 1)\n", at: 2, 33, problem: ["centred at 0"],
            fix: ["normal(0, s)"])
        assertSyntaxError(
            "model m\nparameter A real sigma ~ normal(0, -1)\n", at: 2, 36, problem: ["scale must be positive"],
            fix: ["above 0"])
        assertSyntaxError(
            "model m\nparameter A real typical\n", at: 2, 25,
            problem: ["expected the typical value", "found end of line"], fix: ["0.5"])
        assertSyntaxError(
            "model m\nparameter A real tipical 0.5\n", at: 2, 18,
            problem: ["unexpected tipical in the parameter declaration"], fix: ["typical V"])
        assertSyntaxError(
            "model m\nparameter if in (0, 1)\n", at: 2, 11, problem: ["'if' is a keyword"], fix: ["another name"])
    }

    func testDataDeclarationErrors() {
        assertSyntaxError(
            "model m\ndata x: integer\n", at: 2, 9, problem: ["the column's kind", "found integer"],
            fix: ["data cue: index 1..4"])
        assertSyntaxError(
            "model m\ndata cue: index 2..4\n", at: 2, 17, problem: ["numbered from 1"], fix: ["index 1..N"])
        assertSyntaxError(
            "model m\ndata cue: index 1..5000\n", at: 2, 11, problem: ["1 to 4096 levels", "5000"], fix: ["index 1..N"])
        assertSyntaxError(
            "model m\ndata choice option\n", at: 2, 13, problem: ["expected ':'", "found option"], fix: ["':'"])
        assertSyntaxError(
            "model m\ndata outcome: real values {1, x}\n", at: 2, 31,
            problem: ["expected an expected value", "found x"], fix: ["a number"])
    }

    // MARK: Statement and expression errors

    func testEqualsEqualsIsNotAssignment() {
        assertSyntaxError(
            """
            model m
            trial {
              choice ~ softmax(tau * Q)
              pe == outcome - Q[choice]
            }
            """, at: 4, 6, problem: ["'==' compares; it does not assign"], fix: ["write = to assign"])
    }

    func testComparisonsDoNotChain() {
        assertSyntaxError(
            """
            model m
            trial {
              if 0 < outcome < 1 { x = 1 }
            }
            """, at: 3, 18, problem: ["comparisons do not chain", "a < b < c"], fix: ["a < b and b < c"])
        assertSyntaxError("model m\nreward a == b == c\n", at: 2, 15, problem: ["do not chain"], fix: ["and"])
    }

    func testMissingOrUnclosedBlocks() {
        assertSyntaxError(
            "model m\ntrial\n  choice ~ softmax(Q)\n", at: 2, 6,
            problem: ["expected '{' to open the trial block", "found end of line"], fix: ["{", "}"])
        assertSyntaxError(
            "model m\ntrial {\n  x = 1\n", at: 2, 7, problem: ["this '{' is never closed"],
            fix: ["close the trial block with }"])
        // The '}' missing is the inner block's: its '}' is indented like the outer block's.
        assertSyntaxError(
            "model m\ntrial {\n  if x > 0 {\n    y = 1\n}\n", at: 3, 12,
            problem: ["never closed", "the '}' on line 5 closes it, but is indented like an outer block's"],
            fix: ["add the missing } where this block ends, before line 5"])
        assertSyntaxError(
            "model m\ntrial {\n  for k in option {\n    if k > 1 { y = 1\n  }\n  z = 2\n}\n", at: 4, 14,
            problem: ["never closed", "line 5"], fix: ["before line 5"])
        // One-line blocks and consistent indentation: the outer block is the one reported.
        assertSyntaxError(
            "model m\ntrial {\n  if x > 0 { y = 1 }\n  z = 2\n", at: 2, 7, problem: ["this '{' is never closed"],
            fix: ["close the trial block with }"])
        assertSyntaxError(
            "model m\ntrial {\n  for k in option x = 1\n}\n", at: 3, 19,
            problem: ["expected '{' to open the for block", "found x"], fix: ["{"])
        assertSyntaxError(
            "model m\ntrial { x = 1 y = 2 }\n", at: 2, 15, problem: ["unexpected y after a statement"],
            fix: ["one statement per line", ";"])
    }

    func testMalformedStatements() {
        assertSyntaxError(
            "model m\ntrial {\n  x\n}\n", at: 3, 4,
            problem: ["expected =, +=, -=, *=, /= or ~ after 'x'", "found end of line"],
            fix: ["assignment", "observation"])
        assertSyntaxError("model m\ntrial {\n  Q[] = 1\n}\n", at: 3, 4, problem: ["empty index []"], fix: ["Q[choice]"])
        assertSyntaxError(
            "model m\ntrial {\n  choice ~ 3\n}\n", at: 3, 12, problem: ["expected a distribution", "found 3"],
            fix: ["softmax"])
        assertSyntaxError(
            "model m\ntrial {\n  choice ~ softmax\n}\n", at: 3, 19,
            problem: ["expected '('", "after the distribution's name"], fix: ["'('"])
        assertSyntaxError(
            "model m\ntrial {\n  else { x = 1 }\n}\n", at: 3, 3,
            problem: ["'else' without an 'if' block just before it"],
            fix: ["if x > 0 { … } else { … }"])
        assertSyntaxError(
            "model m\ntrial {\n  for in option { }\n}\n", at: 3, 7, problem: ["'in' is a keyword", "loop variable"],
            fix: ["another name"])
        // An expression broken after an operator: the fix says where lines may break.
        assertSyntaxError(
            "model m\ntrial {\n  pe = outcome -\n    Q[choice]\n}\n", at: 3, 17,
            problem: ["expected a value, found end of line"], fix: ["inside ( ) or [ ]", "parentheses"])
    }

    func testMalformedExpressions() {
        assertSyntaxError(
            "model m\nreward if x\n", at: 2, 8, problem: ["'if' cannot start an expression"],
            fix: ["select(condition, a, b)"])
        assertSyntaxError(
            "model m\nreward (a + b\n", at: 3, 1,
            problem: ["expected ')' to close the parenthesis", "the '(' at line 2, column 8 is not closed"],
            fix: ["')'"])
        assertSyntaxError(
            "model m\nreward x[1\n", at: 3, 1,
            problem: ["expected ',' or ']' after an index", "the '[' at line 2, column 9 is not closed"], fix: ["']'"])
        assertSyntaxError(
            "model m\nreward a + * b\n", at: 2, 12, problem: ["expected a value, found *"], fix: ["a number, a name"])
        assertSyntaxError("model m\nreward []\n", at: 2, 9, problem: ["an empty vector"], fix: ["[a, b]"])
        assertSyntaxError(
            "model m\nreward [x for 1 in option]\n", at: 2, 15, problem: ["the comprehension's variable", "found 1"],
            fix: ["for k in option"])
        assertSyntaxError(
            "model m\nreward [a, b\n", at: 3, 1,
            problem: ["expected ',' or ']'", "the '[' at line 2, column 8 is not closed"], fix: ["']'"])
        assertSyntaxError(
            "model m\nreward [a b]\n", at: 2, 11,
            problem: ["expected ',' or ']' after an element of the vector", "found b"], fix: ["','"])
        assertSyntaxError(
            "model m\nreward f(a b)\n", at: 2, 12, problem: ["expected ',' or ')' after an argument", "found b"],
            fix: ["','", "')'"])
        XCTAssertThrowsError(try parse("model m\nreward f(a b)\n")) {
            XCTAssertFalse("\($0)".contains("not closed"), "the '(' is on the same line: \($0)")
        }
    }

    /// Line ends inside parentheses continue the expression, so a missing ')' is noticed on a
    /// later line; the message names the '(' that is not closed.
    func testUnclosedParenthesisNamesWhereItOpened() {
        assertSyntaxError(
            """
            model m
            trial {
              choice ~ softmax(tau * Q
              Q[choice] += A
            }
            """, at: 4, 3,
            problem: ["expected ',' or ')' after an argument, found Q", "the '(' at line 3, column 19 is not closed"],
            fix: ["')'"])
    }
}

/// An expression with every operation parenthesized: `(op a b)`, `(op a)`, `f(a, b)`,
/// `Q[i, j]`, `[a, b]`, `[body for k in d]`.
private func render(_ e: ExpressionSyntax) -> String {
    switch e.node {
    case let .number(x): return "\(x)"
    case let .integer(n): return "\(n)"
    case let .name(name): return name
    case .none: return "none"
    case let .element(name, indices): return "\(name)[\(indices.map(render).joined(separator: ", "))]"
    case let .call(function, arguments): return "\(function)(\(arguments.map(render).joined(separator: ", ")))"
    case let .unary(op, operand): return "(\(op) \(render(operand)))"
    case let .binary(op, left, right): return "(\(op) \(render(left)) \(render(right)))"
    case let .vector(items): return "[\(items.map(render).joined(separator: ", "))]"
    case let .comprehension(body, variable, dimension, _): return "[\(render(body)) for \(variable) in \(dimension)]"
    }
}

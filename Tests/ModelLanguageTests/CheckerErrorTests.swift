import XCTest
import Foundation
@testable import ModelLanguage

/// The checker's errors, one test per kind of mistake a user can make in a model file: each
/// asserts the exact line and column, that the problem names the offending thing, and that
/// the fix says what to write. Also: every built-in model file checks cleanly, and the
/// warnings (unused data column, unused argument, state never read).
final class CheckerErrorTests: XCTestCase {
    // MARK: Helpers

    /// A complete model but for its trial block: `standard(…)` puts the trial's statements
    /// from line 9 on.
    private static let header = """
        model m "a test model"
        options 2
        data choice: option
        data outcome: real
        parameter A in (0, 1)
        parameter tau in (0, 5)
        state Q[option] = 0
        """

    /// The observation and update of a working delta-rule model.
    private static let observe = "  choice ~ softmax(tau * Q)"
    private static let update = "  Q[choice] += A * (outcome - Q[choice])"

    /// The header and a trial block of `lines`: line 8 is `trial {`, the first statement line 9.
    private func standard(_ lines: String...) -> String {
        CheckerErrorTests.header + "\ntrial {\n" + lines.joined(separator: "\n") + "\n}\n"
    }

    private func check(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> CheckedModel? {
        do {
            return try ModelFile.check(text: text, file: "test.rlm")
        } catch {
            XCTFail("expected the model to check, got \(error)", file: file, line: line)
            return nil
        }
    }

    /// The error `text` fails with: at `line`:`column`, its problem containing each of `problem`,
    /// its fix each of `fix`, laid out as `file:line:col: error: problem\n  fix: fix`.
    @discardableResult
    private func assertModelError(
        _ text: String, at line: Int, _ column: Int, problem: [String], fix: [String],
        notInProblem: [String] = [],
        file: StaticString = #filePath, line testLine: UInt = #line
    ) -> ModelFileError? {
        do {
            _ = try ModelFile.check(text: text, file: "test.rlm")
            XCTFail("expected an error at \(line):\(column)", file: file, line: testLine)
            return nil
        } catch let error as ModelFileError {
            XCTAssertEqual(
                error.location, SourceLocation(line: line, column: column), "\(error)", file: file, line: testLine)
            XCTAssertEqual(error.kind, .invalidModel, file: file, line: testLine)
            XCTAssertEqual(error.file, "test.rlm", file: file, line: testLine)
            for part in problem {
                XCTAssert(
                    error.problem.contains(part), "problem lacks \"\(part)\": \(error.problem)", file: file,
                    line: testLine)
            }
            for part in notInProblem {
                XCTAssertFalse(
                    error.problem.contains(part), "problem has \"\(part)\": \(error.problem)", file: file,
                    line: testLine)
            }
            XCTAssertGreaterThan(error.fix.count, 8, "no useful fix: \(error)", file: file, line: testLine)
            for part in fix {
                XCTAssert(error.fix.contains(part), "fix lacks \"\(part)\": \(error.fix)", file: file, line: testLine)
            }
            XCTAssertEqual(
                error.description, "test.rlm:\(line):\(column): error: \(error.problem)\n  fix: \(error.fix)",
                file: file, line: testLine)
            return error
        } catch {
            XCTFail("not a ModelFileError: \(error)", file: file, line: testLine)
            return nil
        }
    }

    func testTheStandardModelChecks() throws {
        let model = try XCTUnwrap(check(standard(CheckerErrorTests.observe, CheckerErrorTests.update)))
        XCTAssertEqual(model.warnings, [])
        XCTAssertEqual(model.optionCount, 2)
        XCTAssertEqual(model.observedColumns, [0])
    }

    // MARK: Names

    func testUnknownNameSuggestsTheDeclaredName() {
        assertModelError(
            standard("  choice ~ softmax(tua * Q)", CheckerErrorTests.update), at: 9, 20,
            problem: ["unknown name 'tua'", "did you mean 'tau'?"], fix: ["declare it", "correct the spelling"])
        // A local variable is a candidate too.
        assertModelError(
            standard(CheckerErrorTests.observe, "  delta = outcome - Q[choice]", "  Q[choice] += A * detla"), at: 11,
            20,
            problem: ["unknown name 'detla'", "did you mean 'delta'?"], fix: ["declare it"])
        // Nothing close: no suggestion.
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += A * (xyzzy - Q[choice])"), at: 10, 21,
            problem: ["unknown name 'xyzzy'"], fix: ["declare it"], notInProblem: ["did you mean"])
    }

    func testUnknownFunctionSuggestsTheClosest() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += A * (exq(outcome) - Q[choice])"), at: 10, 21,
            problem: ["unknown function 'exq'", "did you mean 'exp'?"],
            fix: ["the functions are:", "exp", "log1p", "Phi_approx", "softmax"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += inv_logti(A) * (outcome - Q[choice])"), at: 10, 16,
            problem: ["unknown function 'inv_logti'", "did you mean 'inv_logit'?"], fix: ["inv_logit"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += phi_approx(A) * (outcome - Q[choice])"), at: 10, 16,
            problem: ["did you mean 'Phi_approx'?"], fix: ["Phi_approx"])
    }

    func testDistributionCalledAsAFunction() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  p = bernoulli(A)", CheckerErrorTests.update), at: 10, 7,
            problem: ["bernoulli is a distribution, not a function"], fix: ["column ~ bernoulli(…)"])
    }

    func testFunctionWithTheWrongNumberOfArguments() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += A * exp(outcome, 2)"), at: 10, 20,
            problem: ["exp takes 1 argument, found 2"], fix: ["exp(x)"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += select(outcome > 0, A)"), at: 10, 16,
            problem: ["select takes 3 arguments, found 2"], fix: ["select(x, y, z)"])
        assertModelError(
            standard("  choice ~ softmax(tau * Q, Q, Q)", CheckerErrorTests.update), at: 9, 12,
            problem: ["softmax takes 1 or 2 argument(s), found 3"], fix: ["choice ~ softmax(u)"])
    }

    func testUnknownDistribution() {
        assertModelError(
            standard("  choice ~ softmx(tau * Q)", CheckerErrorTests.update), at: 9, 12,
            problem: ["unknown distribution 'softmx'", "did you mean 'softmax'?"],
            fix: ["softmax, categorical, bernoulli_logit, bernoulli"])
        assertModelError(
            standard("  choice ~ poisson(tau * Q)", CheckerErrorTests.update), at: 9, 12,
            problem: ["unknown distribution 'poisson'"], fix: ["softmax"], notInProblem: ["did you mean"])
    }

    func testDistributionDoesNotFitTheColumnKind() {
        assertModelError(
            standard("  outcome ~ softmax(tau * Q)", CheckerErrorTests.update), at: 9, 3,
            problem: ["softmax observes a choice among options", "'outcome' is real"], fix: ["data outcome: option"])
        assertModelError(
            standard("  choice ~ bernoulli_logit(tau)", CheckerErrorTests.update), at: 9, 3,
            problem: ["bernoulli_logit observes a 0/1 outcome", "'choice' is option"], fix: ["data choice: binary"])
        assertModelError(
            standard("  choice ~ softmax(tau)", CheckerErrorTests.update), at: 9, 20,
            problem: ["the utilities must be a vector over choice's options", "found a single number"],
            fix: ["softmax(u)"])
    }

    func testOptionUsedAsAValue() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += A * option"), at: 10, 20,
            problem: ["'option' is a dimension, not a value"], fix: ["for k in option"])
    }

    // MARK: Indices

    private static let cueModel = """
        model m "a test model"
        options 2
        data choice: option
        data cue: index 1..3
        data outcome: real
        parameter A in (0, 1)
        parameter tau in (0, 5)
        state Q[option] = 0
        state W[cue] = 0
        trial {
          choice ~ softmax(tau * Q + W[cue])
        """

    func testIndexingAnOptionTableWithACategoryColumn() {
        assertModelError(
            CheckerErrorTests.cueModel + "\n  Q[cue] += A * (outcome - Q[choice])\n}\n", at: 12, 5,
            problem: ["'Q' is indexed by option, but this is a cue number"],
            fix: ["index Q with option numbers", "choice"])
        assertModelError(
            CheckerErrorTests.cueModel + "\n  W[choice] += A * (outcome - W[cue])\n}\n", at: 12, 5,
            problem: ["'W' is indexed by cue, but this is an option number"],
            fix: ["index W with cue numbers", "the cue column"])
    }

    func testIndexingWithARealColumn() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += A * (outcome - Q[outcome])"), at: 10, 33,
            problem: ["this index is a real number", "'Q' is indexed by option numbers"],
            fix: ["choice", "whole number"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[outcome > 0] += A"), at: 10, 13,
            problem: ["a condition cannot index 'Q'"], fix: ["option numbers"])
    }

    func testIndexThatDependsOnParameters() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  x = Q[select(tau > 1, 1, 2)]", "  Q[choice] += A * (outcome - x)"),
            at: 10, 9,
            problem: ["this index depends on the parameters", "indices must come from the data"], fix: ["select("])
    }

    func testConstantIndexOutsideTheDimension() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[3] += A * (outcome - Q[choice])"), at: 10, 5,
            problem: ["index 3 is outside Q's options 1..2"], fix: ["from 1 to 2"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[0] += A * (outcome - Q[choice])"), at: 10, 5,
            problem: ["index 0 is outside Q's options 1..2"], fix: ["from 1 to 2"])
        // Negative and computed constants, and K when the file fixes it.
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[-1] += A * (outcome - Q[choice])"), at: 10, 5,
            problem: ["index -1 is outside Q's options"], fix: ["from 1"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[K + 1] += A * (outcome - Q[choice])"), at: 10, 7,
            problem: ["index 3 is outside Q's options 1..2"], fix: ["from 1 to 2"])
        XCTAssertNotNil(
            check(standard(CheckerErrorTests.observe, "  Q[K] += A * (outcome - Q[choice])", "  Q[3 - 1] += 0")))
        // With the options from the data only the lower end is known.
        let fromData = standard(CheckerErrorTests.observe, "  Q[0] += A * (outcome - Q[choice])").replacingOccurrences(
            of: "options 2", with: "options from data")
        assertModelError(
            fromData, at: 10, 5, problem: ["index 0 is outside Q's options (numbered from 1)"], fix: ["from 1"])
    }

    func testNoneCannotIndex() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[none] += A * (outcome - Q[choice])"), at: 10, 5,
            problem: ["none is no option and cannot index 'Q'"], fix: ["if previous != none"])
    }

    /// An index state that starts as none may only be compared: arithmetic would read none as
    /// 0 (hBayesDM's `2 * previous - 3` would be −3 on every block's first trial).
    func testArithmeticOnAStateThatMayBeNoneIsAnError() {
        func withPrevious(_ lines: String...) -> String {
            CheckerErrorTests.header + "\nstate previous: option = none\ntrial {\n" + lines.joined(separator: "\n")
                + "\n  previous = choice\n}\n"
        }
        // Line 10 is the first statement.
        assertModelError(
            withPrevious("  stay = 2 * previous - 3", CheckerErrorTests.observe, CheckerErrorTests.update), at: 10, 14,
            problem: [
                "'previous', which is none until its first assignment in a block, cannot be used in arithmetic ('*')"
            ],
            fix: ["(previous == 2) - (previous == 1)"])
        assertModelError(
            withPrevious("  bonus = 0.5 * abs(previous)", CheckerErrorTests.observe, CheckerErrorTests.update),
            at: 10, 21, problem: ["'previous'", "cannot be used in arithmetic ('abs')"], fix: ["with == or !="])
        assertModelError(
            standard("  x = none + 1", CheckerErrorTests.observe, CheckerErrorTests.update), at: 9, 7,
            problem: ["none cannot be used in arithmetic ('+')"], fix: ["with == or !="])
        // None has no order; a copy is read as the state is; none cannot be a vector's element,
        // an index, or the value of a state that starts as a number.
        assertModelError(
            withPrevious("  x = select(previous < 2, 1.0, 0.0)", CheckerErrorTests.observe, CheckerErrorTests.update),
            at: 10, 14, problem: ["'previous'", "cannot be used in an order comparison ('<')"], fix: ["== or !="])
        assertModelError(
            withPrevious("  x = previous", "  y = 0.5 * x", CheckerErrorTests.observe, CheckerErrorTests.update),
            at: 11, 13, problem: ["'x', a copy of a value that may be none, cannot be used in arithmetic ('*')"],
            fix: ["== or !="])
        assertModelError(
            withPrevious("  x = sum([previous, 1])", CheckerErrorTests.observe, CheckerErrorTests.update),
            at: 10, 12, problem: ["'previous'", "cannot be an element of a vector"], fix: ["== or !="])
        assertModelError(
            withPrevious("  x = Q[previous]", CheckerErrorTests.observe, CheckerErrorTests.update),
            at: 10, 9, problem: ["'previous', which is none until its first assignment in a block, cannot index 'Q'"],
            fix: ["read with sum([Q[k] * (k == previous) for k in option])", "both branches are computed"])
        assertModelError(
            (CheckerErrorTests.header + "\nstate previous: option = none\nstate last: option = 1\ntrial {\n"
                + "  last = previous\n\(CheckerErrorTests.observe)\n\(CheckerErrorTests.update)\n  previous = choice\n}\n"),
            at: 11, 10, problem: ["cannot be assigned to 'last', which starts as a number"],
            fix: ["state last: option = none"])
        // Comparisons are how such a state is read; a state with a first value is a number.
        XCTAssertNotNil(
            check(
                withPrevious(
                    "  stay = (previous == 2) - (previous == 1)",
                    "  choice ~ softmax(tau * Q + 0.5 * stay * [(k == previous) for k in option] + (previous != none))",
                    CheckerErrorTests.update)))
        XCTAssertNotNil(
            check(
                withPrevious("  x = 2 * previous", CheckerErrorTests.observe, CheckerErrorTests.update)
                    .replacingOccurrences(of: "option = none", with: "option = 1")))
    }

    /// Passed straight to an observation, or used as a condition, a value that may be none gets
    /// the same answer: bernoulli(previous) would be bernoulli(0) on a block's first trial, and
    /// the fix for `not previous` names the comparison that works.
    func testAValueThatMayBeNoneIsNoObservationArgumentAndNoCondition() {
        func withPrevious(_ lines: String...) -> String {
            CheckerErrorTests.header.replacingOccurrences(
                of: "data outcome: real", with: "data outcome: real\ndata y: binary")
                + "\nstate previous: option = none\ntrial {\n"
                + (lines + [CheckerErrorTests.observe, CheckerErrorTests.update]).joined(separator: "\n")
                + "\n  previous = choice\n}\n"
        }
        // Line 11 is the first statement.
        assertModelError(
            withPrevious("  y ~ bernoulli(previous)"), at: 11, 17,
            problem: [
                "'previous', which is none until its first assignment in a block, cannot be an argument of bernoulli: none is no number"
            ], fix: ["== or !="])
        assertModelError(
            withPrevious("  p = previous", "  y ~ bernoulli_logit(p)"), at: 12, 23,
            problem: ["'p', a copy of a value that may be none, cannot be an argument of bernoulli_logit"],
            fix: ["== or !="])
        assertModelError(
            withPrevious("  z = not previous", "  y ~ bernoulli_logit(select(z, 1.0, 0.0))"), at: 11, 11,
            problem: ["'not' needs conditions"], fix: ["previous != none or previous == 1"])
        assertModelError(
            withPrevious("  y ~ bernoulli_logit(select(previous, 1.0, 0.0))"), at: 11, 30,
            problem: ["select's first argument must be a condition"], fix: ["select(previous != none, "])
        XCTAssertNotNil(check(withPrevious("  y ~ bernoulli_logit(select(previous != none, A, 0.0))")))
    }

    /// Stan's `target +=` and a state declared `= none` without its dimension get fixes that
    /// work when followed.
    func testStanHabitsAndNoneWithoutADimension() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  target += log(0.5)", CheckerErrorTests.update), at: 10, 3,
            problem: ["there is no 'target' to add to"], fix: ["choice ~ softmax(tau * Q)"])
        assertModelError(
            CheckerErrorTests.header + "\nstate previous = none\ntrial {\n\(CheckerErrorTests.observe)\n"
                + "\(CheckerErrorTests.update)\n  previous = choice\n}\n", at: 8, 18,
            problem: ["none is the initial value of option (and index) states only"],
            fix: ["state previous: option = none"])
    }

    func testIndexingASingleNumberOrTooManyIndices() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += A[1] * (outcome - Q[choice])"), at: 10, 16,
            problem: ["'A' is a single number and cannot be indexed"], fix: ["drop the index"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice, 1] += A * (outcome - Q[choice])"), at: 10, 3,
            problem: ["'Q' has 1 dimension but 2 indices"], fix: ["Q[option]"])
    }

    // MARK: Reading before assigning

    func testLocalReadBeforeItIsAssigned() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += A * delta", "  delta = outcome - Q[choice]"), at: 10,
            20,
            problem: ["'delta' is read before it is assigned", "first assigned at line 11"],
            fix: ["assign it before this line", "state"], notInProblem: ["inside a block"])
    }

    func testLocalReadAfterTheIfBlockThatAssignedIt() {
        assertModelError(
            standard(
                CheckerErrorTests.observe,
                "  if outcome > 0 {",
                "    delta = outcome - Q[choice]",
                "  }",
                "  Q[choice] += A * delta"), at: 13, 20,
            problem: ["'delta' is read before it is assigned", "line 11", "inside a block that ends before this line"],
            fix: ["assign it before the if or for block"])
        // Assigned in the else branch only.
        assertModelError(
            standard(
                CheckerErrorTests.observe,
                "  if outcome > 0 { Q[choice] += A } else { delta = outcome }",
                "  Q[choice] += A * delta"), at: 11, 20,
            problem: ["'delta' is read before it is assigned", "line 10", "inside a block"],
            fix: ["before the if or for block"])
    }

    func testLocalReadAfterTheForBlockThatAssignedIt() {
        assertModelError(
            standard(
                CheckerErrorTests.observe,
                "  for k in option {",
                "    w = Q[k]",
                "  }",
                "  Q[choice] += A * (outcome - w)"), at: 13, 31,
            problem: ["'w' is read before it is assigned", "line 11", "inside a block that ends before this line"],
            fix: ["assign it before the if or for block"])
    }

    func testLocalReadInItsOwnFirstAssignment() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  total = total + outcome", CheckerErrorTests.update), at: 10, 11,
            problem: ["'total' is read in its own first assignment, before it has a value"],
            fix: ["total = 0.0", "state"])
        // The usual form: accumulating in a loop without a starting value.
        assertModelError(
            standard(CheckerErrorTests.observe, "  for k in option { total = total + Q[k] }", CheckerErrorTests.update),
            at: 10, 29,
            problem: ["'total' is read in its own first assignment"], fix: ["total = 0.0"])
        // Assigned first, then accumulated: fine.
        XCTAssertNotNil(
            check(
                standard(
                    CheckerErrorTests.observe, "  total = 0.0", "  for k in option { total = total + Q[k] }",
                    "  Q[choice] += A * (outcome - total)")))
    }

    func testAssigningElementsOfAnUndefinedName() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  z[choice] = 1", CheckerErrorTests.update), at: 10, 3,
            problem: ["'z' is not defined, so its elements cannot be assigned"], fix: ["state z[option] = 0"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  z += 1", CheckerErrorTests.update), at: 10, 3,
            problem: ["'z += …' needs 'z' to exist"], fix: ["z = …"])
    }

    // MARK: States

    private func header(replacing old: String, with new: String) -> String {
        CheckerErrorTests.header.replacingOccurrences(of: old, with: new) + "\ntrial {\n" + CheckerErrorTests.observe
            + "\n" + CheckerErrorTests.update + "\n}\n"
    }

    func testStateInitialValueReadingData() {
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = outcome"), at: 7, 19,
            problem: ["state Q's initial value reads 'outcome'", "no value before the first trial"],
            fix: ["a number, an argument or a parameter", "assign it in the trial block"])
    }

    func testStateInitialValueReadingAnotherState() {
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state V = 0\nstate Q[option] = V"), at: 8, 19,
            problem: ["state Q's initial value reads 'V'"], fix: ["a number, an argument or a parameter"])
    }

    func testStateInitialValueThatIsAnExpression() {
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = A * 2"), at: 7, 21,
            problem: ["a state's initial value is a number, an argument, a parameter"],
            fix: ["state Q[option] = 0", "trial block"])
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = tua"), at: 7, 19,
            problem: ["unknown name 'tua'", "did you mean 'tau'?"], fix: ["declare it"])
        // A parameter is a valid initial value.
        XCTAssertNotNil(check(header(replacing: "state Q[option] = 0", with: "state Q[option] = A")))
    }

    func testOptionStateInitialValuesAndAssignments() {
        let previous = "state Q[option] = 0\nstate previous: option = none"
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = 0\nstate previous: option = 0"), at: 8,
            26,
            problem: ["an option state starts at none or an option number"], fix: ["none"])
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = 0\nstate previous: option = A"), at: 8,
            26,
            problem: ["an option state cannot start at a parameter"], fix: ["none"])
        assertModelError(
            CheckerErrorTests.header.replacingOccurrences(of: "state Q[option] = 0", with: previous)
                + "\ntrial {\n" + CheckerErrorTests.observe + "\n  previous = outcome\n" + CheckerErrorTests.update
                + "\n}\n", at: 11, 14,
            problem: ["'previous' holds option numbers; this value is a real number"], fix: ["previous = choice"])
        assertModelError(
            CheckerErrorTests.header.replacingOccurrences(of: "state Q[option] = 0", with: previous)
                + "\ntrial {\n" + CheckerErrorTests.observe + "\n  previous = select(tau > 1, 1, 2)\n"
                + CheckerErrorTests.update + "\n}\n", at: 11, 14,
            problem: ["'previous' would depend on the parameters"], fix: ["data columns only"])
        assertModelError(
            CheckerErrorTests.header.replacingOccurrences(of: "state Q[option] = 0", with: previous)
                + "\ntrial {\n" + CheckerErrorTests.observe + "\n  Q[choice] += previous[1]\n"
                + CheckerErrorTests.update + "\n}\n", at: 11, 16,
            problem: ["'previous' is one option number, not a vector"], fix: ["use previous itself"])
    }

    func testUnknownOrNonIndexDimension() {
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[optoin] = 0"), at: 7, 9,
            problem: ["unknown dimension 'optoin'", "did you mean 'option'?"],
            fix: ["a dimension is option or", "index"])
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[outcome] = 0"), at: 7, 9,
            problem: ["'outcome' is a data column of kind real, not a dimension"], fix: ["data outcome: index"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  for k in optoins { Q[k] -= A }", CheckerErrorTests.update), at: 10,
            12,
            problem: ["unknown dimension 'optoins'", "did you mean 'option'?"], fix: ["option"])
    }

    /// Each state assigned from the next one raises one state's level per pass of the checker:
    /// a chain longer than three states must settle, not trap.
    func testALongChainOfStatesSettles() throws {
        let names = ["a", "b", "c", "d", "e", "f"]
        let declarations = names.map { "state \($0) = 0" }.joined(separator: "\n")
        let text = header(replacing: "state Q[option] = 0", with: "state Q[option] = 0\n" + declarations)
            .replacingOccurrences(
                of: CheckerErrorTests.observe,
                with: "  choice ~ softmax(tau * Q + a)\n"
                    + zip(names, names.dropFirst()).map { "  \($0) = \($1)" }.joined(separator: "\n")
                    + "\n  f = A * outcome")
        let model = try XCTUnwrap(check(text))
        XCTAssertEqual(model.states.map(\.name), ["Q"] + names)
        XCTAssertEqual(model.states.map(\.level), [Level](repeating: .parameter, count: 7))
        XCTAssertEqual(model.warnings, [])
    }

    // MARK: Parameters, data and arguments

    func testParameterNeverUsed() {
        assertModelError(
            header(
                replacing: "parameter tau in (0, 5)",
                with: "parameter tau in (0, 5)\nparameter F in (0, 1) typical 0.2 \"forgetting\""), at: 7, 11,
            problem: ["parameter 'F' is never used"], fix: ["use it in the trial block", "remove it"])
    }

    /// A parameter used only where no observation can see it (a local nothing observed reads,
    /// a state that only feeds itself) changes nothing: rejected like an unused one. Data and
    /// states in the same position get a warning.
    func testParameterThatCannotChangeTheLikelihood() throws {
        assertModelError(
            standard("  u = tau * Q", "  choice ~ softmax(Q)", CheckerErrorTests.update), at: 6, 11,
            problem: ["parameter 'tau' does not change the likelihood", "no observation depends on"],
            fix: ["use it where an observation depends on it", "remove it"])
        // Through a state that only feeds itself, across trials.
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = 0\nstate drift = 0")
                .replacingOccurrences(of: "}\n", with: "  drift += tau * outcome\n  drift *= 0.5\n}\n")
                .replacingOccurrences(of: "softmax(tau * Q)", with: "softmax(Q)"), at: 6, 11,
            problem: ["parameter 'tau' does not change the likelihood"], fix: ["remove it"])
        // Reaching the observation through a state, a condition or an initial value counts.
        for trial in [
            "  if tau > 1 { Q[1] += 0.1 }\n  choice ~ softmax(Q)",
            "  choice ~ softmax(Q)\n  Q[2] = tau"
        ] {
            XCTAssertNotNil(check(standard(trial, CheckerErrorTests.update)), trial)
        }
        XCTAssertNotNil(
            check(
                header(replacing: "state Q[option] = 0", with: "state Q[option] = tau").replacingOccurrences(
                    of: "softmax(tau * Q)", with: "softmax(Q)")))
        // A data column and a state read only off the likelihood's path: warnings.
        let text = standard("  echo = outcome * 2", CheckerErrorTests.observe, "  Q[choice] += A * (1 - Q[choice])")
        let model = try XCTUnwrap(check(text))
        XCTAssertEqual(
            model.warnings.map(\.description),
            [
                "test.rlm:4:6: warning: data column 'outcome' is read only in values no observation depends on, so it does not change the likelihood"
            ])
    }

    func testAssigningToAParameterDataColumnArgumentOrK() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  tau = 2 * tau", CheckerErrorTests.update), at: 10, 3,
            problem: ["'tau' is a parameter and cannot be assigned"], fix: ["tau_t = …"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  outcome = sign(outcome)", CheckerErrorTests.update), at: 10, 3,
            problem: ["'outcome' is a data column and cannot be assigned"], fix: ["outcome_t = …"])
        assertModelError(
            header(replacing: "state Q", with: "argument scale = 2\nstate Q").replacingOccurrences(
                of: "}\n", with: "  scale = 3\n}\n"), at: 12, 3,
            problem: ["'scale' is an argument and cannot be assigned"], fix: ["scale_t"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  K = 3", CheckerErrorTests.update), at: 10, 3,
            problem: ["'K' is the number of options and cannot be assigned"], fix: ["K_t"])
        // A loop's variable: assigning it once silently redirected the loop's updates.
        assertModelError(
            standard(CheckerErrorTests.observe, "  for k in option {", "    k = 1", "    Q[k] += 1", "  }"), at: 11, 5,
            problem: ["'k' is the loop's variable and cannot be assigned"], fix: ["k_next = …"])
    }

    /// Expressions and blocks nested beyond `Parser.maximumDepth` are a located error, not a
    /// crash of the recursive passes (a sum of 2,500 terms, 50,000 parentheses, a long power
    /// tower or prefix chain, deeply nested ifs all exhausted the stack).
    func testNestingBeyondTheLimitIsLocated() {
        let n = 5_000
        for (text, column) in [
            // The whole expression where its tree grew too deep; else the token 200 levels in.
            ("  x = " + Array(repeating: "A", count: n).joined(separator: " + "), 7),
            ("  x = " + String(repeating: "(", count: n) + "A" + String(repeating: ")", count: n), 206),
            ("  x = " + Array(repeating: "A", count: n).joined(separator: " ^ "), 801),
            ("  x = " + String(repeating: "- ", count: n) + "A", 403),
            ("  x = " + String(repeating: "not ", count: n) + "(A > 0)", 799)
        ] {
            assertModelError(
                standard(CheckerErrorTests.observe, text, "  Q[choice] += x * (outcome - Q[choice])"), at: 10,
                column, problem: ["nested more than 200 levels deep"], fix: ["local variables"])
        }
        let ifs =
            (0..<n).map { _ in "  if A > 0 {" }.joined(separator: "\n") + "\n"
            + (0..<n).map { _ in "  }" }.joined(separator: "\n")
        assertModelError(
            standard(CheckerErrorTests.observe, CheckerErrorTests.update, ifs), at: 210, 6,
            problem: ["nested more than 200 levels deep"], fix: ["local variables"])
        // 200 levels are fine: a flat sum of 150 terms checks.
        XCTAssertNotNil(
            check(
                standard(
                    CheckerErrorTests.observe,
                    "  x = " + Array(repeating: "A", count: 150).joined(separator: " + "),
                    "  Q[choice] += x * (outcome - Q[choice])")))
    }

    /// `in (0, inf)`: ranges are finite; the fix names `positive` and `real`.
    func testAnInfiniteBoundSuggestsPositive() {
        assertModelError(
            header(replacing: "parameter tau in (0, 5)", with: "parameter tau in (0, inf)"), at: 6, 11,
            problem: ["a range's bounds are finite; 'inf' is not a bound"], fix: ["parameter tau positive"])
    }

    /// A parameter line's parts each at most once (a second `typical` once replaced the first).
    func testAParameterPartGivenTwice() {
        for (line, column, part) in [
            ("parameter tau in (0, 5) typical 0.3 typical 0.4", 37, "'typical'"),
            ("parameter tau in (0, 5) via logistic via logistic", 38, "'via'"),
            ("parameter tau in (0, 5) sigma ~ normal(0, 1) sigma ~ normal(0, 2)", 46, "'sigma'"),
            ("parameter tau in (0, 5) \"one\" \"two\"", 31, "a meaning")
        ] {
            assertModelError(
                header(replacing: "parameter tau in (0, 5)", with: line), at: 6, column,
                problem: ["\(part) is given twice for 'tau'"], fix: ["keep one"])
        }
    }

    func testDuplicateDeclarations() {
        assertModelError(
            header(replacing: "parameter tau in (0, 5)", with: "parameter tau in (0, 5)\nparameter tau in (0, 10)"),
            at: 7, 11,
            problem: ["'tau' is declared twice", "as a parameter at line 6"], fix: ["its own name"])
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = 0\nstate outcome = 0"), at: 8, 7,
            problem: ["'outcome' is declared twice", "as a data column at line 4"], fix: ["its own name"])
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = 0\nstate K = 0"), at: 8, 7,
            problem: ["'K' is a built-in name"], fix: ["another name"])
    }

    func testTypicalValueOutsideTheRange() {
        assertModelError(
            header(replacing: "parameter tau in (0, 5)", with: "parameter tau in (0, 5) typical 7"), at: 6, 11,
            problem: ["typical value 7", "'tau'", "outside (0"], fix: ["strictly inside the range"])
        assertModelError(
            header(replacing: "parameter tau in (0, 5)", with: "parameter tau in (0, 5) typical 5"), at: 6, 11,
            problem: ["'tau'", "outside"], fix: ["inside the range"])
        assertModelError(
            header(replacing: "parameter tau in (0, 5)", with: "parameter tau positive typical -1"), at: 6, 11,
            problem: ["typical value of positive 'tau' must be above 0"], fix: ["above 0"])
    }

    func testNoParameters() {
        let text = "model m\noptions 2\ndata choice: option\nstate Q[option] = 0\ntrial {\n  choice ~ softmax(Q)\n}\n"
        assertModelError(text, at: 1, 7, problem: ["the model has no parameters"], fix: ["parameter A in (0, 1)"])
    }

    func testDataColumnValueListsOnIndexColumns() {
        assertModelError(
            header(replacing: "data choice: option", with: "data choice: option values {1, 2}"), at: 3, 6,
            problem: ["an option column's values are checked already"], fix: ["remove the values"])
    }

    // MARK: Observations

    func testObservingWhatIsNotADataColumn() {
        assertModelError(
            standard("  Q ~ softmax(tau * Q)", CheckerErrorTests.update), at: 9, 3,
            problem: ["only data columns can be observed", "'Q' is computed by the model"], fix: ["data Q:"])
        assertModelError(
            standard("  tau ~ softmax(Q)", CheckerErrorTests.update), at: 9, 3,
            problem: ["only data columns can be observed", "'tau' is a parameter"], fix: ["observe a data column"])
        assertModelError(
            header(replacing: "state Q", with: "argument scale = 2\nstate Q")
                .replacingOccurrences(of: CheckerErrorTests.observe, with: "  scale ~ softmax(tau * Q)"), at: 10, 3,
            problem: ["'scale' is an argument"], fix: ["observe a data column"])
        assertModelError(
            standard("  choise ~ softmax(tau * Q)", CheckerErrorTests.update), at: 9, 3,
            problem: ["unknown name 'choise'", "did you mean 'choice'?"], fix: ["declare it"])
    }

    func testObservingTheSameColumnTwice() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  choice ~ softmax(A * Q)", CheckerErrorTests.update), at: 10, 3,
            problem: ["'choice' is observed twice", "first at line 9"], fix: ["once per trial"])
    }

    func testObservationInsideAForLoop() {
        assertModelError(
            standard("  for k in option {", "    choice ~ softmax(tau * Q)", "  }", CheckerErrorTests.update), at: 10,
            5,
            problem: ["observation inside a for loop", "'choice' several times per trial"], fix: ["out of the loop"])
    }

    func testReadingTheObservedColumnBeforeItsObservation() {
        // The first read in the line is the target's index (the value is typed first).
        assertModelError(
            standard(CheckerErrorTests.update, CheckerErrorTests.observe), at: 9, 5,
            problem: ["'choice' is read here, before it is observed (line 10)", "predict itself"],
            fix: ["move the observation choice ~ … above the first use of choice"])
        assertModelError(
            standard("  same = choice == 1", "  choice ~ softmax(tau * Q + same)", CheckerErrorTests.update), at: 9, 10,
            problem: ["'choice' is read here, before it is observed (line 10)"], fix: ["move the observation"])
    }

    func testReadingTheObservedColumnInItsOwnObservation() {
        assertModelError(
            standard("  choice ~ softmax([tau * Q[k] + (k == choice) for k in option])", CheckerErrorTests.update),
            at: 9, 40,
            problem: ["'choice' is read in its own observation", "predict itself"], fix: ["predict choice from"])
    }

    /// The options offered may read the response itself (the set it was chosen from, as in
    /// hBayesDM's two-step data); the utilities still may not, in the same observation.
    func testTheOfferedOptionsMayReadTheResponseButTheUtilitiesMayNot() {
        let pairs = "  choice ~ softmax(tau * Q, [(k <= 2) == (choice <= 2) for k in option])"
        let header = CheckerErrorTests.header.replacingOccurrences(of: "options 2", with: "options 4")
        XCTAssertNotNil(check(header + "\ntrial {\n" + pairs + "\n" + CheckerErrorTests.update + "\n}\n"))
        assertModelError(
            header + "\ntrial {\n  choice ~ softmax(tau * Q + (choice == 1), [k <= 2 for k in option])\n"
                + CheckerErrorTests.update + "\n}\n",
            at: 9, 31, problem: ["'choice' is read in its own observation"], fix: ["predict choice from"])
    }

    /// sequential_logit observes a count column; its coefficients are a number or a list; the
    /// run's being cut short comes from the data.
    func testSequentialLogitObservesACountGivenFromTheData() {
        let header = """
            model m "a test model"
            data pumps: count
            data burst: binary
            parameter a real
            parameter b in (0, 1)
            """
        XCTAssertNotNil(check(header + "\ntrial {\n  pumps ~ sequential_logit([a, -b], burst)\n}\n"))
        XCTAssertNotNil(check(header + "\ntrial {\n  pumps ~ sequential_logit(a - b, burst)\n}\n"))
        assertModelError(
            header + "\ntrial {\n  burst ~ sequential_logit([a, -b], pumps)\n}\n", at: 7, 3,
            problem: ["sequential_logit observes a count", "'burst' is binary"], fix: ["data burst: count"])
        assertModelError(
            header + "\ntrial {\n  pumps ~ sequential_logit([a, -b], b > 0.5)\n}\n", at: 7, 39,
            problem: ["cut short must come from the data"], fix: ["binary data column"])
        assertModelError(
            header + "\ntrial {\n  pumps ~ bernoulli_logit(a)\n}\n", at: 7, 3,
            problem: ["observes a 0/1 outcome", "'pumps' is count"], fix: ["binary"])
    }

    /// wiener observes a response (1 upper, 2 lower) with five numbers, the last — the
    /// response time — from the data.
    func testWienerObservesAResponseWithItsTimeFromTheData() {
        let header = """
            model m "a test model"
            options 2
            data choice: option
            data RT: real
            data correct: binary
            parameter a positive
            parameter v real
            """
        XCTAssertNotNil(check(header + "\ntrial {\n  choice ~ wiener(a, 0.2, 0.5, v, RT)\n}\n"))
        assertModelError(
            header + "\ntrial {\n  correct ~ wiener(a, 0.2, 0.5, v, RT)\n}\n", at: 9, 3,
            problem: ["wiener observes a response at one of two boundaries", "'correct' is binary"],
            fix: ["data correct: option"])
        assertModelError(
            header + "\ntrial {\n  choice ~ wiener(a, 0.2, 0.5, v, RT * a)\n}\n", at: 9, 38,
            problem: ["the response time comes from the data"], fix: ["wiener(a, tau, 0.5, delta, RT)"])
        assertModelError(
            header + "\ntrial {\n  choice ~ wiener(a, 0.2, 0.5, v)\n}\n", at: 9, 12,
            problem: ["wiener takes 5 argument(s), found 4"], fix: ["choice ~ wiener(a, tau, beta, delta, RT)"])
    }

    /// A parameter's bounds may name arguments, and its upper bound may be each subject's
    /// smallest value of a real data column (`min(RT)`), which needs a typical value.
    func testBoundsFromArgumentsAndData() {
        let header = """
            model m "a test model"
            options 2
            data choice: option
            data RT: real
            argument lowest = 0.1
            parameter a positive
            """
        let trial = "\ntrial {\n  choice ~ wiener(a, tau, 0.5, 1, RT)\n}\n"
        let model = check(header + "\nparameter tau in (lowest, min(RT)) typical 0.3" + trial)
        XCTAssertEqual(model?.parameters[1].range, .boundedBy(lower: .argument("lowest"), upper: .subjectMinimum("RT")))
        XCTAssertEqual(model?.warnings.count, 0, "the argument is used by the bound")
        assertModelError(
            header + "\nparameter tau in (lowest, min(RT))" + trial, at: 7, 11,
            problem: ["upper bound from the data", "needs a typical value"], fix: ["add typical V"])
        assertModelError(
            header + "\nparameter tau in (lowset, min(RT)) typical 0.3" + trial, at: 7, 11,
            problem: ["lowset", "lowest"], fix: ["declare it"])
        assertModelError(
            header + "\nparameter tau in (lowest, min(choice)) typical 0.3" + trial, at: 7, 11,
            problem: ["min(choice)", "'choice' is option"], fix: ["data choice: real"])
        assertModelError(
            header + "\nparameter tau in (min(RT), 1) typical 0.3" + trial, at: 7, 19,
            problem: ["a lower bound cannot come from the data"], fix: ["a number or an argument"])
        assertModelError(
            header + "\nparameter tau in (lowest, min(RT)) typical 0.05" + trial, at: 7, 11,
            problem: ["typical value 0.05", "outside its range"], fix: ["strictly inside"])
    }

    /// `via logistic` maps an interval; `z ~ normal(0, s)` sets the deviations' scale; a
    /// file may name its default hierarchy.
    func testLogisticLinkZPriorAndDefaultHierarchy() throws {
        let header = """
            model m "a test model"
            hierarchy none
            data y: binary
            """
        let model = check(
            header
                + "\nparameter a in (-2, 3) via logistic typical 1 z ~ normal(0, 10)\ntrial {\n  y ~ bernoulli_logit(a)\n}\n"
        )
        XCTAssertEqual(model?.hierarchy, "none")
        XCTAssertEqual(model?.parameters[0].logisticLink, true)
        XCTAssertEqual(model?.parameters[0].zScale, 10)
        assertModelError(
            header + "\nparameter a real via logistic\ntrial {\n  y ~ bernoulli_logit(a)\n}\n", at: 4, 13,
            problem: ["via logistic maps onto an interval", "'a' is real"], fix: ["in (L, U) via logistic"])
        assertModelError(
            header + "\nparameter a in (0, 1) via probit\ntrial {\n  y ~ bernoulli_logit(a)\n}\n", at: 4, 27,
            problem: ["unknown link 'probit'"], fix: ["via logistic"])
        assertModelError(
            header.replacingOccurrences(of: "hierarchy none", with: "hierarchy nested")
                + "\nparameter a real\ntrial {\n  y ~ bernoulli_logit(a)\n}\n", at: 2, 11,
            problem: ["unknown hierarchy 'nested'"], fix: ["hierarchy partial", "none", "pooled"])
    }

    func testObservationNeedsNoData() {
        let text = CheckerErrorTests.header + "\ntrial {\n  Q[1] = A * tau * outcome\n}\n"
        assertModelError(
            text, at: 8, 1, problem: ["the trial observes nothing", "no likelihood"], fix: ["choice ~ softmax(tau * Q)"]
        )
    }

    // MARK: Shapes

    private static let tableModel = """
        model m "a test model"
        options 2
        data choice: option
        data cue: index 1..3
        data outcome: real
        parameter A in (0, 1)
        parameter tau in (0, 5)
        state Q[option] = 0
        state W[cue, option] = 0
        state C[cue] = 0
        trial {
          choice ~ softmax(tau * Q)
        """

    func testShapeMismatchVectorAndTable() {
        assertModelError(
            CheckerErrorTests.tableModel + "\n  Q = W\n}\n", at: 13, 7,
            problem: ["shape mismatch", "'Q' is a vector over option", "a table over cue and option"],
            fix: ["same shape"])
        assertModelError(
            CheckerErrorTests.tableModel + "\n  x = Q * W\n}\n", at: 13, 9,
            problem: ["'*' combines a vector over option with a table over cue and option"], fix: ["same shape"])
        // A row of the table is a vector over option.
        XCTAssertNotNil(
            check(
                CheckerErrorTests.tableModel
                    + "\n  Q = Q + W[cue] + C[cue]\n  W[cue, choice] += A * (outcome - Q[choice])\n}\n"))
    }

    func testShapeMismatchDifferentDimensions() {
        assertModelError(
            CheckerErrorTests.tableModel + "\n  x = Q + C\n}\n", at: 13, 9,
            problem: ["'+' combines a vector over option with a vector over cue"], fix: ["same shape"])
        assertModelError(
            CheckerErrorTests.tableModel + "\n  Q = C\n}\n", at: 13, 7,
            problem: ["shape mismatch", "'Q' is a vector over option but the value is a vector over cue"],
            fix: ["same shape"])
        assertModelError(
            CheckerErrorTests.tableModel.replacingOccurrences(of: "softmax(tau * Q)", with: "softmax(tau * C)")
                + "\n}\n", at: 12, 24,
            problem: ["the utilities must be a vector over choice's options, found a vector over cue"],
            fix: ["softmax(u)"])
        assertModelError(
            CheckerErrorTests.tableModel + "\n  for k in option { if k == cue { Q[k] -= A } }\n}\n", at: 13, 26,
            problem: ["'==' compares an option number with a cue number"],
            fix: ["if cue holds option numbers, declare it as one: data cue: option", "same kind"])
    }

    func testVectorLiteralLengthDoesNotMatchTheOptions() {
        assertModelError(
            standard("  choice ~ softmax([tau * Q[1], tau * Q[2], 0])", CheckerErrorTests.update), at: 9, 20,
            problem: ["the utilities must be a vector over choice's options", "a vector of 3 elements"],
            fix: ["softmax(u)"])
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = [0, 0, 0]"), at: 7, 19,
            problem: ["3 initial values for Q, which has 2 elements"], fix: ["list 2 values"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q = [0.5, 0.5, 0.5]", CheckerErrorTests.update), at: 10, 7,
            problem: ["shape mismatch", "'Q' is a vector over option but the value is a vector of 3 elements"],
            fix: ["same shape"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  x = Q + [1, 2, 3]", CheckerErrorTests.update), at: 10, 9,
            problem: ["'+' combines a vector over option with a vector of 3 elements"], fix: ["same shape"])
        // The right length is fine.
        XCTAssertNotNil(check(standard("  choice ~ softmax([tau * Q[1], tau * Q[2]])", CheckerErrorTests.update)))
        // Without a fixed number of options a list of initial values has no size to match.
        assertModelError(
            header(replacing: "state Q[option] = 0", with: "state Q[option] = [0, 0]").replacingOccurrences(
                of: "options 2", with: "options from data"),
            at: 7, 19, problem: ["a list of initial values needs a fixed size", "the options come from the data"],
            fix: ["options N"])
    }

    // MARK: Conditions

    func testIfConditionThatIsANumber() {
        assertModelError(
            standard(
                CheckerErrorTests.observe, "  delta = outcome - Q[choice]", "  if delta { Q[choice] += A * delta }"),
            at: 11, 6,
            problem: ["an if condition must be a comparison (true or false), not a number"], fix: ["compare it", ">= 0"]
        )
    }

    func testIfConditionThatIsAVectorOfComparisons() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  if Q > 0 { Q[choice] += A }", CheckerErrorTests.update), at: 10, 8,
            problem: ["an if condition must be one comparison", "one per element of a vector over option"],
            fix: ["Q[choice] > 0", "select"])
    }

    func testSumOfConditions() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  n = sum([k == choice for k in option])", CheckerErrorTests.update),
            at: 10, 11,
            problem: ["sum takes a vector of numbers, found a vector of conditions"], fix: ["select(k == choice, 1, 0)"]
        )
        assertModelError(
            standard(CheckerErrorTests.observe, "  n = sum(A)", CheckerErrorTests.update), at: 10, 11,
            problem: ["sum takes a vector of numbers, found a single number"], fix: ["sum(tau * Q)"])
    }

    func testLogicalOperatorOnANumber() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  if outcome and A > 0 { Q[choice] += A }", CheckerErrorTests.update),
            at: 10, 6,
            problem: ["'and' needs conditions (true or false), but this is a number"], fix: ["x > 0"])
        assertModelError(
            standard(CheckerErrorTests.observe, "  Q[choice] += select(outcome, A, 0)"), at: 10, 23,
            problem: ["select's first argument must be a condition"], fix: ["select(pe >= 0, A_pos, A_neg)"])
    }

    func testLoopVariableHidingAName() {
        assertModelError(
            standard(CheckerErrorTests.observe, "  for A in option { Q[A] -= tau }", CheckerErrorTests.update), at: 10,
            3,
            problem: ["the loop variable 'A' hides another name"], fix: ["another loop variable"])
        assertModelError(
            standard("  choice ~ softmax([tau * Q[A] for A in option])", CheckerErrorTests.update), at: 9, 20,
            problem: ["the comprehension variable 'A' hides another name"], fix: ["another variable"])
    }

    // MARK: The model as a whole

    func testMissingModelLine() {
        let text =
            CheckerErrorTests.header.replacingOccurrences(of: "model m \"a test model\"\n", with: "")
            + "\ntrial {\n" + CheckerErrorTests.observe + "\n" + CheckerErrorTests.update + "\n}\n"
        assertModelError(text, at: 1, 1, problem: ["the file has no model declaration"], fix: ["model NAME"])
    }

    func testMissingTrialBlock() {
        assertModelError(
            CheckerErrorTests.header + "\n", at: 1, 7, problem: ["the model has no trial block"], fix: ["trial {"])
    }

    /// A parameter may be called K (hBayesDM's IGT models): it replaces the number of options,
    /// so the file must fix its options; other declarations of K stay errors.
    func testAParameterCalledK() throws {
        let withK = header(replacing: "parameter tau in (0, 5)", with: "parameter tau in (0, 5)\nparameter K in (0, 5)")
            .replacingOccurrences(of: "softmax(tau * Q)", with: "softmax(tau * K * Q)")
        let model = try XCTUnwrap(check(withK))
        XCTAssertEqual(model.parameters.map(\.name), ["A", "tau", "K"])
        assertModelError(
            withK.replacingOccurrences(of: "options 2", with: "options from data"), at: 7, 11,
            problem: ["a parameter called 'K' hides the number of options K"], fix: ["options 4", "another name"])
        assertModelError(
            header(replacing: "parameter tau in (0, 5)", with: "parameter tau in (0, 5)\nargument K = 3"), at: 7, 10,
            problem: ["'K' is a built-in name"], fix: ["another name"])
    }

    func testUnknownTask() {
        assertModelError(
            header(replacing: "options 2", with: "options 2\ntask bandt"), at: 3, 6,
            problem: ["unknown task 'bandt'", "did you mean 'bandit'?"], fix: ["task bandit", "task reversal_learning"])
        assertModelError(
            header(replacing: "options 2", with: "options 2\ntask reversal"), at: 3, 6,
            problem: ["unknown task 'reversal'"], fix: ["task reversal_learning"])
    }

    func testRewardIsComputedFromDataAlone() throws {
        let withReward = { (reward: String) in
            self.header(replacing: "parameter A", with: "reward \(reward)\nparameter A")
        }
        assertModelError(
            withReward("Q[1]"), at: 5, 8, problem: ["the reward is computed from the data alone", "'Q' is a state"],
            fix: ["data columns and arguments"])
        assertModelError(
            withReward("tau * outcome"), at: 5, 8, problem: ["'tau' is a parameter"],
            fix: ["data columns and arguments"])
        assertModelError(
            withReward("outcome > 0"), at: 5, 16, problem: ["the reward must be one number per trial"],
            fix: ["reward outcome"])
        // A comprehension's variable is in scope in the reward.
        let model = try XCTUnwrap(check(withReward("sum([outcome * (k == choice) for k in option])")))
        XCTAssertNotNil(model.reward)
        XCTAssertNotNil(try Lowering.lower(model, optionCount: 2, levels: [:]).reward)
    }

    // MARK: Warnings

    func testWarningsForUnusedDataArgumentAndStatesNeverRead() throws {
        let text = """
            model m "a test model"
            options 2
            data choice: option
            data outcome: real
            data rt: real "reaction time"
            argument payscale = 100
            parameter A in (0, 1)
            parameter tau in (0, 5)
            state Q[option] = 0
            state last = 0
            state count = 0
            trial {
              choice ~ softmax(tau * Q)
              Q[choice] += A * (outcome - Q[choice])
              last = outcome
              count += 1
            }
            """
        let model = try XCTUnwrap(check(text))
        XCTAssertEqual(
            model.warnings.map(\.description),
            [
                "test.rlm:5:6: warning: data column 'rt' is declared but never used (the data file must still have it)",
                "test.rlm:6:10: warning: argument 'payscale' is never used",
                "test.rlm:10:7: warning: state 'last' is never read, so it does not change the likelihood",
                "test.rlm:11:7: warning: state 'count' is never read, so it does not change the likelihood"
            ])
        XCTAssertEqual(model.warnings.first?.location, SourceLocation(line: 5, column: 6))
        // Used in the reward counts as used.
        let used = try XCTUnwrap(
            check(text.replacingOccurrences(of: "parameter A", with: "reward rt / payscale\nparameter A")))
        XCTAssertEqual(used.warnings.count, 2)
    }

    // MARK: The built-in models

    private static let modelsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models")

    func testEveryBuiltInModelFileChecksWithoutErrorsOrWarnings() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: CheckerErrorTests.modelsDirectory.path)
            .filter { $0.hasSuffix(".rlm") }.sorted()
        for name in [
            "bandit2arm_delta.rlm", "banditNarm_delta.rlm", "delta_dual.rlm", "delta_forget.rlm", "delta_stick.rlm",
            "prl_fictitious.rlm", "prl_rp.rlm", "bandit4arm_4par.rlm", "bandit4arm_lapse.rlm",
            "bandit4arm_lapse_decay.rlm",
            "bandit4arm_singleA_lapse.rlm", "bandit4arm_2par_lapse.rlm"
        ] {
            XCTAssert(names.contains(name), name)
        }
        for name in names {
            let path = CheckerErrorTests.modelsDirectory.appendingPathComponent(name).path
            do {
                let model = try ModelFile.load(path: path)
                XCTAssertEqual(model.warnings, [], name)
                XCTAssertEqual(model.name + ".rlm", name)
                XCTAssertEqual(model.file, path)
                XCTAssertFalse(model.summary.isEmpty, name)
                XCTAssertFalse(model.reference.isEmpty, name)
                XCTAssertNotNil(model.reward, name)
                // One observation per trial, two in the two-step task's models.
                XCTAssertEqual(model.observedColumns.count, name.hasPrefix("ts_") ? 2 : 1, name)
                XCTAssert(model.parameters.allSatisfy { !$0.meaning.isEmpty }, name)
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }

    func testWhatTheModelFilesDeclare() throws {
        func load(_ name: String) throws -> CheckedModel {
            try ModelFile.load(path: CheckerErrorTests.modelsDirectory.appendingPathComponent(name + ".rlm").path)
        }
        let bandit = try load("bandit2arm_delta")
        XCTAssertEqual(bandit.optionCount, 2)
        XCTAssertEqual(bandit.task, "bandit")
        XCTAssertEqual(bandit.parameters.map(\.name), ["A", "tau"])
        XCTAssertEqual(bandit.parameters.map(\.range), [.interval(0, 1), .interval(0, 5)])
        XCTAssertEqual(bandit.parameters.map(\.typical), [0.3, 2.5])
        XCTAssertEqual(bandit.states.map(\.level), [.parameter])
        XCTAssertEqual(bandit.data.map(\.expectation), [nil, .values([1, -1])])
        XCTAssertNil(try load("banditNarm_delta").optionCount)
        let stick = try load("delta_stick")
        XCTAssertEqual(stick.states.map(\.name), ["Q", "previous"])
        XCTAssertEqual(stick.states.map(\.isIndex), [false, true])
        XCTAssertEqual(stick.states.map(\.level), [.parameter, .data])
        let fictitious = try load("prl_fictitious")
        XCTAssertEqual(fictitious.task, "reversal_learning")
        XCTAssertEqual(fictitious.parameters[1].sigmaPrior.family, "cauchy")
        XCTAssertEqual(fictitious.parameters[1].sigmaPrior.scale, 1)
        XCTAssertEqual(fictitious.parameters[0].sigmaPrior.family, "normal")
    }

    /// Broken files are rejected with a located error, never a trap: each built-in model with one
    /// to three random edits (a character deleted, a fragment inserted, lines swapped, deleted or
    /// duplicated, neighbours swapped), from a fixed seed.
    func testMutatedModelFilesNeverTrapTheChecker() throws {
        var state: UInt64 = 12_345
        func random(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        let fragments = [
            "(", ")", "[", "]", "{", "}", "\n", "#", "\"", "=", "~", "-", "0", "1", ".", ",", ";", " ", "none", "K",
            "[k for k in option]", " 2..3", "^", "*", "<", "==", "0.5", "1e9", "option", "choice", "Q", "A", "tau",
            "if k == choice { Q[k] = 1 }", "for k in option {", "not ", " and ", "select(", "sum(", "softmax(",
            "Q[3]", "Q[0]", "\nstate s: option = none\n", "\ndata cue: index\n", "\nstate W[cue] = 0\n", "W[cue]",
            "[1, 2, 3]", " across blocks", "x = 1\n", "x[1]", "\nargument z = 2\n", "z", "\nstate a = b\nstate b = 0\n"
        ]
        let names = try FileManager.default.contentsOfDirectory(atPath: CheckerErrorTests.modelsDirectory.path).filter {
            $0.hasSuffix(".rlm")
        }.sorted()
        var outcomes = (checked: 0, rejected: 0)
        for name in names {
            let original = try String(
                contentsOf: CheckerErrorTests.modelsDirectory.appendingPathComponent(name), encoding: .utf8)
            for _ in 0..<400 {
                var text = original.unicodeScalars.map(String.init)
                for _ in 0...random(3) {
                    switch random(4) {
                    case 0: if !text.isEmpty { text.remove(at: random(text.count)) }
                    case 1: text.insert(fragments[random(fragments.count)], at: random(text.count + 1))
                    case 2:
                        var lines = text.joined().components(separatedBy: "\n")
                        lines.swapAt(random(lines.count), random(lines.count))
                        if random(2) == 0 {
                            lines.remove(at: random(lines.count))
                        } else {
                            lines.insert(lines[random(lines.count)], at: random(lines.count))
                        }
                        text = lines.joined(separator: "\n").unicodeScalars.map(String.init)
                    default:
                        if text.count > 1 { let i = random(text.count - 1); text.swapAt(i, i + 1) }
                    }
                }
                let mutated = text.joined()
                do {
                    _ = try ModelFile.check(text: mutated, file: name)
                    outcomes.checked += 1
                } catch let error as ModelFileError {
                    outcomes.rejected += 1
                    XCTAssertFalse(error.problem.isEmpty)
                    XCTAssertGreaterThan(error.fix.count, 8, "\(error)")
                    let location = try XCTUnwrap(error.location)
                    XCTAssert(
                        location.line >= 1 && location.line <= mutated.components(separatedBy: "\n").count + 1
                            && location.column >= 1,
                        "\(error) in\n\(mutated)")
                }
            }
        }
        XCTAssertGreaterThan(outcomes.checked, 100)
        XCTAssertGreaterThan(outcomes.rejected, 1_000)
    }

    func testUnreadableAndNonUTF8Files() throws {
        let missing = CheckerErrorTests.modelsDirectory.appendingPathComponent("no_such_model.rlm").path
        XCTAssertThrowsError(try ModelFile.load(path: missing)) {
            let error = $0 as? ModelFileError
            XCTAssertEqual(error?.kind, .unreadable)
            XCTAssertNil(error?.location)
            XCTAssertEqual(error?.description.hasPrefix("\(missing): error: cannot read the model file"), true)
            XCTAssertEqual(error?.fix.contains("rlfit models NAME"), true)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rlfit-\(UUID().uuidString).rlm")
        try Data([0x6D, 0x6F, 0x64, 0x65, 0x6C, 0x20, 0xFF, 0xFE, 0x0A]).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        XCTAssertThrowsError(try ModelFile.load(path: path.path)) {
            let error = $0 as? ModelFileError
            XCTAssertEqual(error?.kind, .invalidModel)
            XCTAssertEqual(error?.problem, "the model file is not UTF-8 text")
            XCTAssertEqual(error?.fix, "save it as UTF-8 text")
        }
    }
}

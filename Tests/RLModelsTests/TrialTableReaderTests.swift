import XCTest
@testable import RLModels

final class TrialTableReaderTests: XCTestCase {
    let bandit = banditRequirements(optionCount: 2, columns: ["outcome"])

    func parse(_ text: String, _ req: DataRequirements? = nil) throws -> TrialBatch {
        try TrialTableReader.parse(text: text, fileName: "study.tsv", requirements: req ?? bandit)
    }

    /// Parses `text`, expecting a rejection at (line, column) whose message mentions `words`.
    func assertRejects(
        _ text: String, line: Int?, column: Int?, mentions words: [String], _ req: DataRequirements? = nil,
        file: StaticString = #filePath, sourceLine: UInt = #line
    ) {
        XCTAssertThrowsError(try parse(text, req), file: file, line: sourceLine) { error in
            guard let e = error as? DataError else {
                return XCTFail("not a DataError: \(error)", file: file, line: sourceLine)
            }
            XCTAssertEqual(e.file, "study.tsv", file: file, line: sourceLine)
            XCTAssertEqual(e.line, line, "line", file: file, line: sourceLine)
            XCTAssertEqual(e.column, column, "column", file: file, line: sourceLine)
            for w in words {
                XCTAssert(e.description.contains(w), "'\(w)' not in: \(e.description)", file: file, line: sourceLine)
            }
            XCTAssert(e.description.contains("fix: "), file: file, line: sourceLine)
        }
    }

    func testTabSeparatedTimeMajorLayout() throws {
        let b = try parse("subjID\tchoice\toutcome\nA\t1\t1\nA\t2\t-1\nB\t2\t1\nA\t1\t1\n")
        XCTAssertEqual(b.laneIDs, ["A", "B"])
        XCTAssertEqual(b.trialCount, 3)
        XCTAssertEqual(b.trialsPerLane, [3, 1])
        // time-major: index t*S + s; B is padded after its one trial.
        XCTAssertEqual(b.choice, [0, 1, 1, -1, 0, -1])
        XCTAssertEqual(b.column("outcome"), [1, 1, -1, 0, 1, 0])
        XCTAssertEqual(b.blockStart, [true, true, false, false, false, false])
        XCTAssertEqual(b.sourceLine, [2, 4, 3, 0, 5, 0])
    }

    func testCRLFByteOrderMarkNoFinalNewlineCommaQuotesCaseAndExtraColumns() throws {
        let text =
            "\u{FEFF}Subj_ID,Trial,CHOICE,Outcome,rt\r\n\"s 1\",1,1,1,0.5\r\n\"s 1\",2,2,-1,0.7\r\ns2,1,2,1,\"1,5\""
        let b = try parse(text)
        XCTAssertEqual(b.laneIDs, ["s 1", "s2"])
        XCTAssertEqual(b.trialsPerLane, [2, 1])
        XCTAssertEqual(b.choice, [0, 1, 1, -1])
        // The same table as TSV with LF gives the same batch (apart from source lines).
        let tsv = try parse(
            "subjID\ttrial\tchoice\toutcome\trt\ns 1\t1\t1\t1\t0.5\ns 1\t2\t2\t-1\t0.7\ns2\t1\t2\t1\t1.5\n")
        XCTAssertEqual(b.choice, tsv.choice)
        XCTAssertEqual(b.columns, tsv.columns)
    }

    func testMissingChoicesAreMaskedInPlace() throws {
        let b = try parse("subjID\tchoice\toutcome\n1\t1\t1\n1\tNA\tNA\n1\t\t\n1\tNaN\t1\n1\t2\t-1\n")
        XCTAssertEqual(b.trialCount, 5)
        XCTAssertEqual(b.choice, [0, -1, -1, -1, 1])
        XCTAssertEqual(b.column("outcome"), [1, 0, 0, 0, -1])
        XCTAssertEqual(b.missedTrialCount, 3)
        XCTAssertEqual(b.validTrialsPerLane, [2])
    }

    func testBlocksStartWhereTheValueChangesAndTrialMayRestart() throws {
        let text =
            "subjID\tblock\ttrial\tchoice\toutcome\n7\t1\t1\t1\t1\n7\t1\t2\t1\t1\n7\t2\t1\t2\t1\n7\t2\t2\t2\t1\n7\tx\t1\t1\t1\n"
        let b = try parse(text)
        XCTAssertEqual(b.blockStart, [true, false, true, false, true])
        XCTAssertEqual(b.blocksPerLane, [3])
    }

    /// A block label that comes back (interleaved conditions) is valid but noted.
    func testRecurringBlockLabelIsNoted() throws {
        let b = try parse("subjID\tblock\tchoice\toutcome\n1\tAB\t1\t1\n1\tCD\t1\t1\n1\tAB\t2\t1\n")
        XCTAssertEqual(b.blockStart, [true, true, true])
        XCTAssertEqual(b.readerNotes.count, 1)
        XCTAssert(
            b.readerNotes[0].contains("block label 'AB' comes back") && b.readerNotes[0].contains("line 4"),
            b.readerNotes[0])
        XCTAssertEqual(try parse("subjID\tblock\tchoice\toutcome\n1\tAB\t1\t1\n1\tCD\t1\t1\n").readerNotes, [])
    }

    func testInterleavedSubjectsKeepFirstAppearanceOrder() throws {
        let b = try parse("subjID\tchoice\toutcome\n5038\t1\t1\n5036\t2\t1\n5038\t2\t-1\n5035\t1\t1\n")
        XCTAssertEqual(b.laneIDs, ["5038", "5036", "5035"])
        XCTAssertEqual(b.trialsPerLane, [2, 1, 1])
    }

    func testInferredOptionCount() throws {
        let b = try parse(
            "subjID\tchoice\toutcome\n1\t4\t1\n1\t2\t0\n", banditRequirements(optionCount: nil, columns: ["outcome"]))
        XCTAssertEqual(b.optionCount, 4)
    }

    func testRejections() {
        let head = "subjID\tchoice\toutcome\n"
        assertRejects(head + "1\t3\t1\n", line: 2, column: 2, mentions: ["choice", "\"3\"", "1..2"])
        assertRejects(head + "1\t0\t1\n", line: 2, column: 2, mentions: ["--first-option 0"])
        // With --first-option 0 already given, the advice is the range, not the option again.
        let zeroBased = banditRequirements(optionCount: 2, firstOption: 0)
        assertRejects(head + "1\t-1\t1\n", line: 2, column: 2, mentions: ["code options as numbers 0..1"], zeroBased)
        XCTAssertThrowsError(try parse(head + "1\t-1\t1\n", zeroBased)) { error in
            XCTAssertFalse("\(error)".contains("pass --first-option 0"), "\(error)")
        }
        assertRejects(head + "1\t1\t1\n1\t1.5\t1\n", line: 3, column: 2, mentions: ["not an integer", "\"1.5\""])
        assertRejects(head + "1\t1\tabc\n", line: 2, column: 3, mentions: ["outcome", "\"abc\"", "not a finite number"])
        assertRejects(head + "1\t1\tinf\n", line: 2, column: 3, mentions: ["not a finite number"])
        assertRejects(head + "1\t1\tNA\n", line: 2, column: 3, mentions: ["missing on a trial with a response"])
        assertRejects(
            "subjID\tchoice\treward\n1\t1\t1\n", line: 1, column: nil,
            mentions: ["'outcome' is missing", "subjID, choice, reward"])
        assertRejects(head + "1\t1\t1\n1\t2\n", line: 3, column: 3, mentions: ["short row", "2 fields", "header has 3"])
        assertRejects(head + "1\t1\t1\t9\n", line: 2, column: 4, mentions: ["long row"])
        assertRejects("", line: 1, column: nil, mentions: ["empty"])
        assertRejects("\n\n", line: 1, column: nil, mentions: ["empty"])
        assertRejects(head, line: 1, column: nil, mentions: ["no trials"])
        assertRejects(
            head + "1\t1\t1\n2\tNA\tNA\n2\t\t\n", line: 3, column: 2,
            mentions: ["subject '2'", "no trial with a response"])
        assertRejects(
            "subjID\ttrial\tchoice\toutcome\n1\t1\t1\t1\n1\t2\t1\t1\n1\t2\t2\t1\n", line: 4, column: 2,
            mentions: ["trial goes backwards", "subject '1'", "line 3", "add a 'block' column"])
        assertRejects(
            "subjID\tchoice\tChoice\toutcome\n1\t1\t1\t1\n", line: 1, column: 3, mentions: ["appears 2 times"])
        assertRejects(head + "\t1\t1\n", line: 2, column: 1, mentions: ["missing subject id"])
        // A header of one column with ';' in it: the file's separator, not a missing column.
        assertRejects(
            "subjID;choice;outcome\n1;1;1\n", line: 1, column: nil,
            mentions: ["the header is one column", "separated by ';'", "tab- or comma-separated"])
    }

    func testErrorMessageNamesFileLineColumnValueAndFix() {
        let e = DataError(
            file: "d.tsv", line: 12, column: 2, columnName: "choice", value: "3", problem: "out of range", fix: "recode"
        )
        XCTAssertEqual(e.description, "d.tsv:12:2: error: column 'choice' value \"3\": out of range\n  fix: recode")
    }

    func testOutcomeCodingWarning() throws {
        let model = ModelCatalog.bandit2armDelta
        let plusMinus = try parse("subjID\tchoice\toutcome\n1\t1\t1\n1\t2\t-1\n")
        XCTAssertNil(ColumnValues(batch: plusMinus, column: "outcome").codingWarning(for: model))
        let zeroOne = try parse("subjID\tchoice\toutcome\n1\t1\t1\n1\t2\t0\n1\tNA\t7\n")
        let values = ColumnValues(batch: zeroOne, column: "outcome")
        XCTAssertEqual(values.description, "0 (1), 1 (1)")
        XCTAssert(values.codingWarning(for: model)?.contains("0/1 coding") == true)
        let points = try parse("subjID\tchoice\toutcome\n1\t1\t25\n1\t2\t-25\n")
        XCTAssert(
            ColumnValues(batch: points, column: "outcome").codingWarning(for: model)?.contains("sign(outcome)") == true)
        // A model documenting signs accepts any magnitude of the right signs.
        XCTAssertNil(ColumnValues(batch: points, column: "outcome").codingWarning(for: ModelCatalog.prlRP))
        XCTAssert(
            ColumnValues(batch: zeroOne, column: "outcome").codingWarning(for: ModelCatalog.prlRP)?.contains(
                "0/1 coding") == true)
    }
}

/// Subjects whose choices never vary are named (their parameters are not identified); a study
/// where none vary is told the model cannot be identified at all.
final class ChoiceVariationTests: XCTestCase {
    let bandit = banditRequirements(optionCount: 2, columns: ["outcome"])

    func testConstantChoosersAreNamed() throws {
        let some = try TrialTableReader.parse(
            text: "subjID\tchoice\toutcome\na\t1\t1\na\t1\t-1\na\tNA\t\nb\t1\t1\nb\t2\t-1\n",
            fileName: "s.tsv", requirements: bandit)
        XCTAssertEqual(
            ChoiceVariation.warnings(batch: some),
            [
                "1 subject chose one option on every answered trial (first: a, option 1 on 2 trials): their parameters are not identified by their own data (they follow the group, or sit at a bound)"
            ])
        let none = try TrialTableReader.parse(
            text: "subjID\tchoice\toutcome\na\t2\t1\na\t2\t-1\nb\t1\t1\nb\t1\t-1\n", fileName: "s.tsv",
            requirements: bandit)
        XCTAssertTrue(ChoiceVariation.warnings(batch: none).first?.hasPrefix("no subject's choices vary") == true)
        let varied = try TrialTableReader.parse(
            text: "subjID\tchoice\toutcome\na\t1\t1\na\t2\t-1\n", fileName: "s.tsv", requirements: bandit)
        XCTAssertEqual(ChoiceVariation.warnings(batch: varied), [])
    }

    /// With the options counted from the data, a highest option chosen once in a thousand
    /// choices (a typo that adds an option) is named with its row; a common one is not.
    func testARareHighestOptionFromTheDataIsNamed() throws {
        var rows = ["subjID\tchoice\toutcome"]
        for s in 1...10 { for t in 1...100 { rows.append("\(s)\t\(1 + (s + t) % 2)\t1") } }
        rows[100 + 7] = "2\t3\t1" // subject 2's trial 7, data line 108
        let inferred = banditRequirements(optionCount: nil)
        let typo = try TrialTableReader.parse(
            text: rows.joined(separator: "\n") + "\n", fileName: "s.tsv", requirements: inferred)
        XCTAssertEqual(typo.optionCount, 3)
        XCTAssertEqual(ChoiceVariation.choiceCounts(typo), [500, 499, 1])
        XCTAssertEqual(
            ChoiceVariation.warnings(batch: typo, optionsFromData: true),
            [
                "option 3 is chosen once in 1000 choices (first: subject 2, data line 108), and with options from data it makes the model's K 3; if the task offered 2 options, correct that row"
            ])
        XCTAssertEqual(ChoiceVariation.warnings(batch: typo, optionsFromData: false), [])
        rows[2 * 100 + 7] = "3\t3\t1"
        let twice = try TrialTableReader.parse(
            text: rows.joined(separator: "\n") + "\n", fileName: "s.tsv", requirements: inferred)
        XCTAssertEqual(ChoiceVariation.warnings(batch: twice, optionsFromData: true), [])
    }
}

import XCTest
import HandWrittenScan
import Foundation
@testable import RLModels

/// `--condition`: each (subject, condition) keeps its own values while the subject's parameters
/// are shared; `--columns` renames the model's columns; `--first-option 0` reads 0-based choices.
final class ConditionTests: XCTestCase {
    let text = """
        subj_idx,cond,trial,response,feedback
        7,AB,1,1,1
        7,CD,1,0,0
        7,AB,2,1,1
        7,EF,1,0,1
        7,CD,2,1,1
        9,AB,1,0,0
        9,AB,2,1,1
        """

    func requirements(condition: String? = "cond") -> DataRequirements {
        banditRequirements(
            optionCount: 2, columns: ["outcome"], condition: condition,
            columnNames: ["subjID": "subj_idx", "choice": "response", "outcome": "feedback"], firstOption: 0)
    }

    func testConditionsBecomeLanesOfTheirSubject() throws {
        let b = try TrialTableReader.parse(text: text, fileName: "pst.csv", requirements: requirements())
        XCTAssertEqual(b.studySubjectIDs, ["7", "9"])
        XCTAssertEqual(b.laneIDs, ["7:AB", "7:CD", "7:EF", "9:AB"])
        XCTAssertEqual(b.laneSubject, [0, 0, 0, 1])
        XCTAssertEqual(b.laneConditions, ["AB", "CD", "EF", "AB"])
        XCTAssertEqual(b.trialsPerLane, [2, 2, 1, 2])
        // time-major over 4 lanes: t = 0 then t = 1; 0-based choices become options 1, 2 (stored 0, 1).
        XCTAssertEqual(b.choice, [1, 0, 0, 0, 1, 1, -1, 1])
        XCTAssertEqual(b.blockStart, [true, true, true, true, false, false, false, false])
        XCTAssertEqual(b.readerNotes, [])
        // Trials are checked within each condition: trial 1 of CD after trial 2 of AB is fine,
        // but going back inside a condition is not.
        let backwards = text + "\n7,AB,1,1,1"
        XCTAssertThrowsError(
            try TrialTableReader.parse(text: backwards, fileName: "pst.csv", requirements: requirements())
        ) { error in
            XCTAssert("\(error)".contains("in condition 'AB'"), "\(error)")
        }
        // Without --condition, the same trial column goes backwards across conditions.
        XCTAssertThrowsError(
            try TrialTableReader.parse(text: text, fileName: "pst.csv", requirements: requirements(condition: nil)))
    }

    /// The reader places rows in a first pass and decodes them in a second: the first bad row in
    /// file order is still the one named, whatever a later row lacks, and a subject whose only
    /// rows lack a condition gets "missing condition", not a complaint about its id.
    func testTwoPassReaderNamesTheFirstBadRowInFileOrder() throws {
        let badChoiceFirst = text + "\n9,AB,3,7,1\n11,,1,1,1\n9,AB,4,1"
        XCTAssertThrowsError(
            try TrialTableReader.parse(text: badChoiceFirst, fileName: "pst.csv", requirements: requirements())
        ) { error in
            XCTAssertEqual((error as? DataError)?.line, 9, "\(error)")
        }
        let conditionMissing = text + "\n11,,1,1,1"
        XCTAssertThrowsError(
            try TrialTableReader.parse(text: conditionMissing, fileName: "pst.csv", requirements: requirements())
        ) { error in
            XCTAssertEqual((error as? DataError)?.line, 9, "\(error)")
            XCTAssert("\(error)".contains("missing condition"), "\(error)")
        }
        let shortFirst = text + "\n9,AB,3\n,AB,4,1,1"
        XCTAssertThrowsError(
            try TrialTableReader.parse(text: shortFirst, fileName: "pst.csv", requirements: requirements())
        ) { error in
            XCTAssertEqual((error as? DataError)?.line, 9, "\(error)")
            XCTAssert("\(error)".contains("short row"), "\(error)")
        }
        // Rows of one lane spread through the file land in order, each at its lane's next trial.
        let spread = """
            subj_idx,cond,trial,response,feedback
            1,B,1,0,1
            2,A,1,1,0
            1,A,1,1,1
            2,A,2,0,0
            1,B,2,1,0
            1,B,3,0,0
            """
        let b = try TrialTableReader.parse(text: spread, fileName: "spread.csv", requirements: requirements())
        XCTAssertEqual(b.laneIDs, ["1:B", "1:A", "2:A"])
        XCTAssertEqual(b.trialsPerLane, [3, 1, 2])
        XCTAssertEqual(b.trialCount, 3)
        XCTAssertEqual(b.sourceLine, [2, 4, 3, 6, 0, 5, 7, 0, 0])
        XCTAssertEqual(b.answered, [true, true, true, true, false, true, true, false, false])
    }

    /// The likelihood of a subject with conditions is the sum over its conditions, each a
    /// separate learner with the same parameters; the gradient is exact.
    func testSubjectLikelihoodSumsItsConditions() throws {
        let model = ModelCatalog.deltaDual
        let b = try TrialTableReader.parse(text: text, fileName: "pst.csv", requirements: requirements())
        let posterior = HierarchicalPosterior(model: model, batch: b)
        XCTAssertEqual(posterior.subjectCount, 2)
        let x = (0..<posterior.dimension).map { 0.1 * Double($0 % 7) - 0.3 }
        _ = x.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
        let theta = posterior.subjectParameters(x) // P·S for the 2 subjects
        let lanes = (0..<3).flatMap { p in b.laneSubject.map { theta[p * 2 + $0] } }
        var perLane = [Double](repeating: 0, count: b.laneCount)
        _ = HandWrittenModels.likelihood(model.name, batch: b, parameterCount: 3).evaluate(
            theta: lanes, subjectLogLikelihood: &perLane, gradient: nil)
        XCTAssertEqual(posterior.subjectLogLikelihood[0], perLane[0] + perLane[1] + perLane[2], accuracy: 1e-12)
        XCTAssertEqual(posterior.subjectLogLikelihood[1], perLane[3], accuracy: 1e-12)

        var g = [Double](repeating: 0, count: posterior.dimension)
        _ = x.withUnsafeBufferPointer { xp in
            g.withUnsafeMutableBufferPointer { posterior.logDensity(xp, gradient: $0) }
        }
        for i in 0..<posterior.dimension {
            var up = x, down = x
            up[i] += 1e-6
            down[i] -= 1e-6
            let numeric =
                (up.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }
                    - down.withUnsafeBufferPointer { posterior.logDensity($0, gradient: nil) }) / 2e-6
            XCTAssertEqual(g[i], numeric, accuracy: 1e-6 * max(1, abs(numeric)), posterior.coordinateNames[i])
        }
    }
}

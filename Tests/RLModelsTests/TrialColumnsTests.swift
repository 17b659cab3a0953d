import Foundation
import XCTest
@testable import RLModels

/// `--trial-table`: columns shared by every subject's t-th trial, joined by position.
final class TrialColumnsTests: XCTestCase {
    let requirements = banditRequirements(optionCount: 4, columns: ["outcome", "color", "form"])

    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trial-table-\(UUID().uuidString).txt")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// hBayesDM's wide answer sheet and the long layout give the same join; each subject's
    /// rows take the table's trials in order (missed trials count), interleaved subjects too.
    func testWideAndLongLayoutsJoinByPositionWithinSubject() throws {
        let wide = try TrialColumns.read(path: try write("\t1\t2\t3\nColor\t2\t1\t4\nForm\t1\t3\t1\n"))
        let long = try TrialColumns.read(path: try write("trial,color,form\n1,2,1\n2,1,3\n3,4,1\n"))
        XCTAssertEqual(wide.names, ["Color", "Form"])
        XCTAssertEqual(wide.values, long.values)
        let data = "subjID\tchoice\toutcome\nA\t1\t1\nB\t2\t0\nA\tNA\t1\nA\t3\t0\nB\t4\t1\n"
        let batch = try TrialTableReader.parse(
            text: data, fileName: "study.tsv", requirements: requirements, trialColumns: wide)
        // Time-major (t·S + s): A's trials 1, 2 (missed: its values are not kept), 3; B's 1, 2.
        XCTAssertEqual(batch.column("color"), [2, 2, 0, 1, 4, 0])
        XCTAssertEqual(batch.column("form"), [1, 1, 0, 3, 1, 0])
        let viaLong = try TrialTableReader.parse(
            text: data, fileName: "study.tsv", requirements: requirements, trialColumns: long)
        XCTAssertEqual(viaLong.column("color"), batch.column("color"))
    }

    func testMistakesNameTheFileAndRow() throws {
        let sheet = try TrialColumns.read(path: try write("\t1\t2\nColor\t2\t1\nForm\t1\t3\n"))
        let tooLong = "subjID\tchoice\toutcome\nA\t1\t1\nA\t2\t0\nA\t3\t1\n"
        XCTAssertThrowsError(
            try TrialTableReader.parse(
                text: tooLong, fileName: "study.tsv", requirements: requirements, trialColumns: sheet)
        ) { error in
            let e = error as! DataError
            XCTAssertEqual(e.line, 4)
            XCTAssert(
                e.description.contains("subject A's trial 3 is beyond the 2 trials of the trial table"), e.description)
        }
        let clash = "subjID\tchoice\toutcome\tcolor\nA\t1\t1\t2\n"
        XCTAssertThrowsError(
            try TrialTableReader.parse(
                text: clash, fileName: "study.tsv", requirements: requirements, trialColumns: sheet)
        ) { error in
            XCTAssert("\(error)".contains("column 'Color' is both in the data and in the trial table"), "\(error)")
        }
        XCTAssertThrowsError(try TrialColumns.read(path: try write("a\tb\n1\t2\n"))) { error in
            XCTAssert("\(error)".contains("neither layout"), "\(error)")
        }
        XCTAssertThrowsError(try TrialColumns.read(path: try write("trial\tcolor\n1\t2\n3\t1\n"))) { error in
            XCTAssertEqual((error as! DataError).line, 3)
        }
        XCTAssertThrowsError(try TrialColumns.read(path: "/nonexistent/sheet.txt")) { error in
            XCTAssertEqual((error as! DataError).kind, .unreadable)
        }
    }
}

import XCTest
@testable import RLFit
import RLModels

final class RunFileTests: XCTestCase {
    /// A model file's `hierarchy` is the fit's unless the run says otherwise (hBayesDM's
    /// single-subject hgf model fits each subject on its own).
    func testModelFileNamesTheDefaultHierarchy() throws {
        var run = RunFile()
        run.data = "study.tsv"
        run.out = "fit"
        run.model = "hgf_ibrb_single"
        XCTAssertEqual(try FitOptions(runFile: run).hierarchy, HierarchyMode.none)
        run.hierarchy = "partial"
        XCTAssertEqual(try FitOptions(runFile: run).hierarchy, .partial)
        run.model = "hgf_ibrb"
        run.hierarchy = nil
        XCTAssertEqual(try FitOptions(runFile: run).hierarchy, .partial)
    }
}

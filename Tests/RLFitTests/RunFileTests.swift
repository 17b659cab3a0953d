import Foundation
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
        run.set("hierarchy", "partial")
        XCTAssertEqual(try FitOptions(runFile: run).hierarchy, .partial)
        run.model = "hgf_ibrb"
        run.set("hierarchy", nil as String?)
        XCTAssertEqual(try FitOptions(runFile: run).hierarchy, .partial)
    }

    /// Every declared option survives the whole round: a value of its kind in a run file,
    /// resolved into `FitOptions`, written back as the resolved run file (`run.json`) and read
    /// again — so an option added to the declaration but not resolved or not recorded fails here.
    func testEveryDeclaredOptionIsResolvedAndRecorded() throws {
        let values: [String: JSONValue] = [
            "data": .string("study.tsv"), "model": .string("bandit2arm_delta"), "arguments": .object([:]),
            "out": .string("fit"),
            "chains": .integer(3), "chain_ids": .array([.integer(1), .integer(3)]), "warmup": .integer(120),
            "draws": .integer(80),
            "seed": .integer(9), "metric": .string("diag"), "covariance": .string("stan"), "adapt_delta": .number(0.9),
            "max_depth": .integer(8), "init": .string("optimize"), "init_optimizations": .integer(5),
            "init_buffer": .integer(20), "window": .integer(30), "term_buffer": .integer(40),
            "save_warmup": .bool(true), "thin": .integer(2), "hierarchy": .string("partial"),
            "covariates": .array([.string("age")]),
            "priors.mu": .number(2), "priors.sigma": .number(0.5), "priors.gamma": .number(1.5),
            "condition": .string("pair"),
            "columns": .object(["choice": .string("response")]), "first_option": .integer(0),
            "trial_table": .string("sheet.txt")
        ]
        XCTAssertEqual(
            Set(values.keys), Set(FitOptionDeclaration.all.map(\.key)), "the test covers every declared option")
        var nested: [String: JSONValue] = [:]
        for (k, v) in values {
            let path = k.split(separator: ".").map(String.init)
            if path.count == 2 {
                var inner: [String: JSONValue] = [:]
                if case let .object(o)? = nested[path[0]] { inner = o }
                inner[path[1]] = v
                nested[path[0]] = .object(inner)
            } else {
                nested[k] = v
            }
        }
        let run = try RunFile(json: nested)
        let options = try FitOptions(runFile: run)
        XCTAssertEqual(options.chainIDs, [1, 3])
        XCTAssertEqual(options.warmup, 120)
        XCTAssertEqual(options.metric, .diag)
        XCTAssertEqual(options.priors.sigmaScale, 0.5)
        XCTAssertEqual(options.firstOption, 0)
        XCTAssertEqual(options.initialization, .optimize)
        XCTAssertEqual(options.initOptimizations, 5)
        let resolved = options.runFile
        // The resolved file holds every option but "chains" (chain_ids says which ran) and
        // "arguments" when the model's defaults are used.
        XCTAssertEqual(
            Set(resolved.values.keys).union(["chains", "arguments"]), Set(FitOptionDeclaration.all.map(\.key)))
        // Every value as given, but the data path made absolute (so the file works from any
        // working directory).
        for (k, v) in resolved.values where k != "data" { XCTAssertEqual(run.values[k], v, k) }
        XCTAssertEqual(
            resolved.data, FileManager.default.currentDirectoryPath + "/" + (run.data ?? ""), "the data path")
        let reread = try JSONDecoder().decode(RunFile.self, from: resolved.json)
        XCTAssertEqual(reread, resolved)
    }

    /// A default metric turns diagonal above `largestDenseDimension` (fits and grid plans alike);
    /// a metric the user named is kept.
    func testLargeModelsGetADiagonalMetricUnlessOneWasNamed() throws {
        var run = RunFile()
        run.data = "study.tsv"
        run.out = "fit"
        run.model = "bandit2arm_delta"
        var o = try FitOptions(runFile: run)
        XCTAssertNil(o.chooseMetric(dimension: FitOptions.largestDenseDimension))
        XCTAssertEqual(o.metric, .dense)
        XCTAssertEqual(
            o.chooseMetric(dimension: FitOptions.largestDenseDimension + 1),
            " (chosen for 1001 parameters; --metric dense forces a dense one)")
        XCTAssertEqual(o.metric, .diag)
        run.set("metric", "dense")
        var named = try FitOptions(runFile: run)
        XCTAssertNil(named.chooseMetric(dimension: 5000))
        XCTAssertEqual(named.metric, .dense)
    }

    /// Values of the wrong kind and unknown keys are refused, naming the key.
    func testValuesOfTheWrongKindAreRefused() throws {
        for (json, message) in [
            (#"{"warmup": 1.5}"#, "key 'warmup': expected a whole number, found a number"),
            (#"{"save_warmup": 1}"#, "key 'save_warmup': expected true or false"),
            (#"{"seed": -3}"#, "key 'seed': expected a whole number ≥ 0"),
            (#"{"covariates": "age"}"#, "key 'covariates': expected a list of strings"),
            (#"{"priors": {"nu": 1}}"#, "unknown key priors.nu"),
            (#"{"warmpu": 1}"#, "unknown key warmpu")
        ] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString).json")
                .path
            try json.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try RunFile.read(path: path), json) { error in
                XCTAssertTrue("\(error)".contains(message), "\(json): \(error)")
                XCTAssertTrue("\(error)".hasPrefix(path + ":1:"), "\(json): \(error)")
            }
        }
    }
}

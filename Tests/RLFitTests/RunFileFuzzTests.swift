import Foundation
import Randomness
import XCTest
@testable import RLFit

/// Seeded mutation fuzzing of the run-file reader and the options' resolution: 12,000 mutants
/// of a valid run file (bytes replaced, inserted, deleted, the text cut short) are each either
/// refused (`RunFileError` with a place and a fix, or `FitOptionsError`) or resolved into
/// options within their ranges — never a crash, never a value out of range accepted.
final class RunFileFuzzTests: XCTestCase {
    static let interesting: [[UInt8]] = [
        Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array(",".utf8), Array(":".utf8),
        Array("\"".utf8),
        Array("-".utf8), Array(".".utf8), Array("0".utf8), Array("1".utf8), Array("9".utf8), Array("e".utf8),
        Array("true".utf8),
        Array("null".utf8), Array("1e400".utf8), Array("2.5".utf8), Array("\\u0000".utf8), [0xEF, 0xBB, 0xBF], [0x00],
        [0xFF],
        Array(" ".utf8), Array("\n".utf8), Array("\"chains\": 3".utf8), Array("\"priors\": {}".utf8)
    ]

    func testMutatedRunFilesAreRefusedOrInRange() throws {
        let valid = """
            {"data": "study.tsv", "model": "bandit2arm_delta", "out": "fit", "chains": 4, "warmup": 200, "draws": 100,
             "seed": 7, "metric": "dense", "adapt_delta": 0.9, "max_depth": 8, "thin": 1, "save_warmup": false,
             "hierarchy": "partial", "covariates": [], "priors": {"mu": 1, "sigma": 0.2, "gamma": 1},
             "columns": {"choice": "response"}, "first_option": 1, "arguments": {}}
            """
        XCTAssertNoThrow(try FitOptions(runFile: RunFile.read(data: Data(valid.utf8), path: "run.json")))
        var rng = Philox(seed: 2026, stream: 15)
        var refused = 0, resolved = 0
        for _ in 0..<12_000 {
            var b = Array(valid.utf8)
            for _ in 0..<(1 + Int(rng.nextUniform() * 3)) {
                let at = b.isEmpty ? 0 : Int(rng.nextUniform() * Double(b.count))
                let pick = Self.interesting[Int(rng.nextUniform() * Double(Self.interesting.count))]
                switch Int(rng.nextUniform() * 4) {
                case 0 where !b.isEmpty:
                    b.replaceSubrange(at..<min(b.count, at + 1 + Int(rng.nextUniform() * 3)), with: pick)
                case 1: b.insert(contentsOf: pick, at: min(at, b.count))
                case 2 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + 1 + Int(rng.nextUniform() * 5)))
                default: b = Array(b.prefix(at))
                }
            }
            do {
                let run = try RunFile.read(data: Data(b), path: "run.json")
                let o = try FitOptions(runFile: run)
                XCTAssertTrue(
                    o.warmup >= 0 && o.draws >= 1 && o.thin >= 1 && (1...20).contains(o.maxDepth),
                    "\(String(decoding: b, as: UTF8.self))")
                XCTAssertTrue(
                    o.adaptDelta > 0 && o.adaptDelta < 1 && !o.chainIDs.isEmpty && o.chainIDs.allSatisfy { $0 >= 1 })
                XCTAssertTrue(o.priors.muScale >= 1e-8 && o.priors.muScale <= 1e8)
                resolved += 1
            } catch let e as RunFileError {
                XCTAssertTrue(e.description.hasPrefix("run.json") && e.description.contains("fix: "), "\(e)")
                refused += 1
            } catch is FitOptionsError {
                refused += 1
            } catch  where "\(type(of: error))" == "ModelFileError" {
                refused += 1 // a mutated model name that reads as a path to no file
            }
        }
        print("run-file fuzz: 12000 mutants, \(refused) refused, \(resolved) resolved")
        XCTAssertGreaterThan(refused, 1000)
        XCTAssertGreaterThan(resolved, 100)
    }
}

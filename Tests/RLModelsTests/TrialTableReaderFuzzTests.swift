import Foundation
import Randomness
import XCTest
@testable import RLModels

/// Seeded mutation fuzzing of the data reader: 12,000 mutants of valid trial tables (bytes
/// replaced, inserted, deleted, lines duplicated or dropped, files cut short), each either
/// rejected with a `DataError` (file, a problem, a fix) or read into a batch that is valid —
/// never a crash, never a hang, never an invalid batch accepted.
final class TrialTableReaderFuzzTests: XCTestCase {
    /// Bytes a damaged or hostile file holds: delimiters, line ends, quotes, signs, digits,
    /// letters numbers are made of, NUL, invalid and multi-byte UTF-8.
    static let interesting: [[UInt8]] = [
        [0x09], [0x2C], [0x0A], [0x0D], [0x0D, 0x0A], [0x22], [0x2D], [0x2B], [0x2E], [0x30], [0x31], [0x32], [0x33],
        [0x39],
        [0x65], [0x78], [0x20], [0x00], [0xFF], [0xFE], [0xE2, 0x80, 0xA8], [0xEF, 0xBB, 0xBF], Array("NA".utf8),
        Array("nan".utf8),
        Array("inf".utf8), Array("1e309".utf8), Array("0x1".utf8), Array("-0".utf8), Array("1.5".utf8),
        Array("999999999".utf8)
    ]

    static func mutate(_ bytes: [UInt8], _ rng: inout Philox) -> [UInt8] {
        var b = bytes
        for _ in 0..<(1 + Int(rng.nextUniform() * 3)) {
            let at = b.isEmpty ? 0 : Int(rng.nextUniform() * Double(b.count))
            let pick = interesting[Int(rng.nextUniform() * Double(interesting.count))]
            switch Int(rng.nextUniform() * 6) {
            case 0 where !b.isEmpty: b.replaceSubrange(at..<min(b.count, at + 1), with: pick)
            case 1: b.insert(contentsOf: pick, at: min(at, b.count))
            case 2 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + 1 + Int(rng.nextUniform() * 4)))
            case 3:
                // Duplicate or drop a line.
                let lines = b.split(separator: 0x0A, omittingEmptySubsequences: false)
                guard lines.count > 1 else { break }
                let k = Int(rng.nextUniform() * Double(lines.count))
                var out = Array(lines)
                if rng.nextUniform() < 0.5 { out.insert(lines[k], at: k) } else { out.remove(at: k) }
                b = Array(out.joined(separator: [0x0A]))
            case 4: b = Array(b.prefix(at))
            default: if !b.isEmpty { b[at] = UInt8(truncatingIfNeeded: Int(rng.nextUniform() * 256)) }
            }
        }
        return b
    }

    /// A batch the reader may return: subjects and trials, choices in range on answered
    /// trials, every value finite.
    static func checkValid(_ batch: TrialBatch, _ req: DataRequirements, _ text: String) {
        XCTAssertGreaterThan(batch.laneCount, 0, text)
        XCTAssertGreaterThan(batch.trialCount, 0, text)
        for column in req.columns {
            let values = batch.column(column.name)
            XCTAssertTrue(
                values.allSatisfy(\.isFinite), "non-finite \(column.name) accepted:\n\(text.debugDescription)")
            if column.kind == .option {
                for (i, v) in values.enumerated() where batch.answered[i] {
                    XCTAssertTrue(
                        v >= 1 && v <= Double(batch.optionCount) && v == v.rounded(),
                        "choice \(v) accepted:\n\(text.debugDescription)")
                }
            }
        }
    }

    func testMutatedTablesAreRejectedOrValid() throws {
        let requirements = [
            banditRequirements(optionCount: 2, columns: ["outcome"]),
            banditRequirements(optionCount: nil, columns: ["gain", "loss"], covariates: ["age"])
        ]
        let seeds = [
            "subjID\tchoice\toutcome\ttrial\tblock\n1\t1\t1\t1\t1\n1\t2\t-1\t2\t1\n1\tNA\t\t3\t1\n2\t2\t1\t1\t1\n2\t1\t-1\t2\t2\n",
            "subjID,choice,gain,loss,age\n\"s 1\",1,0.5,0,23\ns2,3,1,-1,31\ns2,2,0,-0.5,31\ns3,,NA,,40\ns3,1,1e-2,0,40\n"
        ]
        var rng = Philox(seed: 2026, stream: 14)
        var rejected = 0, accepted = 0
        let started = Date()
        for n in 0..<12_000 {
            let k = n % 2
            let bytes = Self.mutate(Array(seeds[k].utf8), &rng)
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let batch = try TrialTableReader.parse(text: text, fileName: "fuzz.tsv", requirements: requirements[k])
                Self.checkValid(batch, requirements[k], text)
                accepted += 1
            } catch let e as DataError {
                XCTAssertFalse(e.problem.isEmpty || e.fix.isEmpty, "\(e)")
                XCTAssertTrue(e.description.hasPrefix("fuzz.tsv"), "\(e)")
                XCTAssertLessThan(e.description.count, 2000, "an error echoes too much:\n\(e.description.prefix(300))")
                rejected += 1
            }
        }
        print(
            "reader fuzz: 12000 mutants, \(rejected) rejected, \(accepted) read, \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        )
        XCTAssertGreaterThan(rejected, 1000)
        XCTAssertGreaterThan(accepted, 1000)
    }
}

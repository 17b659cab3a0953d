import XCTest
@testable import RLFit
import RLModels

/// A fit the machine cannot hold is refused before it starts, naming what takes the space.
final class FitResourcesTests: XCTestCase {
    func options(_ change: (inout FitOptions) -> Void) -> FitOptions {
        var o = FitOptions(
            model: ModelCatalog.model(named: "bandit2arm_delta")!, dataPath: "study.tsv", outputDirectory: "out",
            threads: 2)
        change(&o)
        return o
    }

    func testTheDefaultsFitAndHugeRunsAreRefusedWithTheirReason() throws {
        // 100 subjects, partial hierarchy: d = 204, 7 + 4 + 4·100 + 2 + 100 columns.
        let typical = FitResources.estimate(
            options: options { _ in }, dimension: 204, outputColumns: 506, machineBytes: 2_000_000)
        XCTAssertNoThrow(try typical.check(directory: "/tmp", physicalMemory: 24e9, freeDisk: 1e10))
        XCTAssertEqual(typical.diskBytes, 4 * 1000 * 513 * 12, accuracy: 1)

        // --warmup 1000000000: the shrinkage window alone (~5e8 draws × d) is refused, by name.
        let longWarmup = FitResources.estimate(
            options: options { $0.warmup = 1_000_000_000 }, dimension: 15, outputColumns: 30,
            machineBytes: 100_000)
        XCTAssertThrowsError(try longWarmup.check(directory: "/tmp", physicalMemory: 24e9, freeDisk: 1e12)) { error in
            let refusal = error as! FitResources.Refusal
            XCTAssertEqual(refusal.kind, .memory)
            XCTAssert(refusal.message.contains("shrinkage estimator's window"), refusal.message)
        }
        // --draws 4294967297: the files and their reading back.
        let manyDraws = FitResources.estimate(
            options: options { $0.draws = 4_294_967_297 }, dimension: 15, outputColumns: 30,
            machineBytes: 100_000)
        XCTAssertThrowsError(try manyDraws.check(directory: "/tmp", physicalMemory: 24e9, freeDisk: 1e12)) { error in
            XCTAssert((error as! FitResources.Refusal).message.contains("chain files read back"), "\(error)")
        }
        // --chains 100000.
        let manyChains = FitResources.estimate(
            options: options { $0.chainIDs = Array(1...100_000) }, dimension: 15, outputColumns: 30,
            machineBytes: 100_000)
        XCTAssertThrowsError(try manyChains.check(directory: "/tmp", physicalMemory: 24e9, freeDisk: 1e15))
        // A disk with too little room: the directory and the sizes in the message.
        XCTAssertThrowsError(try typical.check(directory: "/tmp/out", physicalMemory: 24e9, freeDisk: 1e6)) { error in
            let refusal = error as! FitResources.Refusal
            XCTAssertEqual(refusal.kind, .disk)
            XCTAssert(
                refusal.message.hasPrefix("/tmp/out: error: the chain files will take about 24.6 MB; 1.0 MB is free"),
                refusal.message)
        }
    }
}

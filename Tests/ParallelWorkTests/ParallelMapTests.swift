import Foundation
import ParallelWork
import XCTest

final class ParallelMapTests: XCTestCase {
    /// Every item exactly once, results in order, the same for any thread count; items of
    /// uneven cost (a thread that finishes early takes the next item).
    func testOrderAndCoverageWhateverTheThreadCount() {
        let items = Array(0..<37)
        let calls = Counter()
        for threads in [0, 1, 2, 3, 8, 100] {
            calls.reset()
            let out = ParallelMap.map(items, threads: threads) { i -> String in
                calls.add(i)
                if i % 5 == 0 { Thread.sleep(forTimeInterval: 0.002) }
                return "item \(i)"
            }
            XCTAssertEqual(out, items.map { "item \($0)" }, "threads \(threads)")
            XCTAssertEqual(calls.seen.sorted(), items, "threads \(threads)")
        }
        XCTAssertEqual(ParallelMap.map([Int](), threads: 4) { $0 }, [])
    }

    /// The work runs on threads with the asked-for stack (deep recursion would crash on a small one).
    func testThreadsHaveTheStackAsked() {
        let sizes = ParallelMap.map([1, 2], threads: 2, stackSize: 8 << 20) { _ in Thread.current.stackSize }
        XCTAssertEqual(sizes, [8 << 20, 8 << 20])
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var seen: [Int] = []
    func add(_ i: Int) { lock.lock(); seen.append(i); lock.unlock() }
    func reset() { lock.lock(); seen = []; lock.unlock() }
}

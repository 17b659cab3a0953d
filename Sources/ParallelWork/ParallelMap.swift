import Foundation

/// The one parallel map of the package: `transform` over a few large, independent items
/// (chains, optimizations, blocks of quantities to summarize) on up to `threads` threads of its
/// own, results in the items' order.
///
/// Each thread takes the next item nobody has taken (a thread whose item finishes early takes
/// more), so the work balances whatever the items cost; result i is `transform(items[i])`
/// whatever the thread count or timing, so anything that depends only on the item (a chain's
/// draws) is reproducible. `threads` ≤ 1 (or one item) runs on threads all the same (one),
/// so stack size and naming do not depend on it.
///
/// Threads get `stackSize` bytes of stack (default 16 MiB: NUTS's recursive trees and the
/// model's kernels run on chain threads; Dispatch's workers may have less). The caller waits
/// until every item is done.
public enum ParallelMap {
    public static func map<T: Sendable, U>(
        _ items: [T], threads: Int, stackSize: Int = 16 << 20,
        name: String = "rlfit-worker",
        _ transform: @escaping @Sendable (T) -> U
    ) -> [U] {
        if items.isEmpty { return [] }
        let work = WorkList<U>(count: items.count)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(threads, items.count)) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while let i = work.next() { work.store(transform(items[i]), at: i) }
            }
            thread.stackSize = stackSize
            thread.name = name
            thread.start()
        }
        group.wait()
        return work.results()
    }
}

/// The shared list: hands out item indices and collects results (under a lock).
private final class WorkList<U>: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var slots: [U?]

    init(count: Int) { slots = [U?](repeating: nil, count: count) }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < slots.count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func store(_ value: U, at index: Int) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func results() -> [U] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

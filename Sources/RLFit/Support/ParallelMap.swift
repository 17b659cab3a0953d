import Foundation

/// Order-preserving parallel map over a few large items (chains), on up to `threads` threads.
enum ParallelMap {
    private final class Slots<U>: @unchecked Sendable {
        var values: [U?]
        let lock = NSLock()
        init(count: Int) { values = [U?](repeating: nil, count: count) }
        func set(_ i: Int, _ value: U) { lock.lock(); values[i] = value; lock.unlock() }
    }

    static func map<T: Sendable, U>(_ items: [T], threads: Int, _ transform: @escaping @Sendable (T) -> U) -> [U] {
        let slots = Slots<U>(count: items.count)
        let workers = max(1, min(threads, items.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < items.count {
                slots.set(i, transform(items[i]))
                i += workers
            }
        }
        return slots.values.map { $0! }
    }
}

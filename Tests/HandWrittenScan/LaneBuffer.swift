import ModelLanguage
import RLModels
/// A zero-initialized, 32-byte aligned buffer of `Lanes` (4 doubles), owned by the scan's
/// workspace: allocated once per model instance, reused by every evaluation, freed with it.
/// Subjects are padded to a multiple of 4 so that every subject loop is whole vectors.
final class LaneBuffer {
    let count: Int
    let pointer: UnsafeMutablePointer<Lanes>

    init(count: Int) {
        self.count = count
        pointer = UnsafeMutablePointer<Lanes>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: Lanes(repeating: 0), count: max(count, 1))
    }

    deinit {
        pointer.deallocate()
    }

    /// Lane-padded copy of `count` scalars into `vectors` vectors at `destination` (padding 0).
    static func fill(
        _ destination: UnsafeMutablePointer<Lanes>, vectors: Int, from values: UnsafePointer<Double>, count n: Int
    ) {
        let scalars = UnsafeMutableRawPointer(destination).assumingMemoryBound(to: Double.self)
        for i in 0..<n { scalars[i] = values[i] }
        for i in n..<(vectors * 4) { scalars[i] = 0 }
    }

    /// The first `count` scalars of the vectors at `source`, copied out.
    static func copy(_ source: UnsafeMutablePointer<Lanes>, to values: UnsafeMutablePointer<Double>, count n: Int) {
        let scalars = UnsafeMutableRawPointer(source).assumingMemoryBound(to: Double.self)
        for i in 0..<n { values[i] = scalars[i] }
    }
}

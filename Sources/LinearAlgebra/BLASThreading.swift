import CLAPACK

/// OpenBLAS threading, set in this one place: single-threaded, before the first BLAS or LAPACK
/// call (every wrapper in this module calls `ensureSingleThread()` first). RLFit runs chains
/// on its own threads, so an OpenBLAS thread pool under each chain thread would oversubscribe
/// the cores and make timings erratic; the matrices here (d ≤ a few thousand) gain little from
/// threads anyway.
public enum BLASThreading {
    /// Evaluated once per process (Swift's lazy global initialization is thread-safe). A Bool
    /// that is read, not a Void that is discarded: the optimizer may drop an unused access, and
    /// with it the initialization (seen: a resumed chain's dense-metric updates ran on two
    /// OpenBLAS threads and drifted in the last bits).
    @usableFromInline static let singleThreaded: Bool = {
        openblas_set_num_threads(1)
        return openblas_get_num_threads() == 1
    }()

    /// Makes sure OpenBLAS is single-threaded; a load and a compare after the first call.
    @inlinable @inline(__always)
    public static func ensureSingleThread() {
        precondition(singleThreaded, "OpenBLAS did not accept a single thread")
    }

    /// OpenBLAS's current thread count (1 after any call through this module).
    public static var threadCount: Int {
        Int(openblas_get_num_threads())
    }
}

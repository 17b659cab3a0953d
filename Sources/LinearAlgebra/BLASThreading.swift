import CLAPACK

/// OpenBLAS threading control. RLFit runs chains on its own threads, so BLAS must stay
/// single-threaded: an OpenBLAS thread pool under each chain thread would oversubscribe the
/// cores and make timings erratic. Call once at start-up (the CLI does; the sampler does too).
public enum BLASThreading {
    public static func useSingleThread() {
        openblas_set_num_threads(1)
    }

    public static var threadCount: Int {
        Int(openblas_get_num_threads())
    }
}

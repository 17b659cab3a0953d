import Foundation
import RLModels
import Sampling
#if canImport(Glibc)
    import Glibc
#endif

/// What a fit will need, estimated before anything is written, so that a fit the machine cannot
/// hold is refused with the reason instead of aborting hours later ("failed to allocate 60 GB").
///
/// - Disk: every kept row of every chain in Stan CSV, at `significantDigits + 6` bytes per value
///   (sign, point, exponent, comma), against the space free where the fit writes.
/// - Memory: the chain files read back for the summaries (8 bytes per value, all chains, plus one
///   file's text per thread), and per chain running at once: two copies of the lane machine
///   (the density's and the one computing each row's quantities), the dense metric's Σ, its
///   Cholesky factor and the Welford estimator (3 d² doubles), and the shrinkage estimator's
///   window of draws (the longest warmup window × d doubles). Against the machine's memory.
public struct FitResources {
    public struct Refusal: Error, CustomStringConvertible {
        public enum Kind: Sendable { case memory, disk }
        public let kind: Kind
        public let message: String
        public var description: String { message }
    }

    var diskBytes: Double
    var memoryBytes: Double
    /// What the memory goes to, largest first (for the message).
    var memoryParts: [(what: String, bytes: Double)]

    static func estimate(options o: FitOptions, dimension d: Int, outputColumns: Int, machineBytes: Int) -> FitResources
    {
        let chains = Double(o.chainIDs.count)
        let rows = Double((o.draws + o.thin - 1) / o.thin + (o.saveWarmup ? (o.warmup + o.thin - 1) / o.thin : 0))
        let columns = Double(ChainRecord.samplerColumnCount + outputColumns)
        let fileBytes = rows * columns * Double(o.significantDigits + 6)
        let concurrent = Double(max(1, min(o.threads, o.chainIDs.count)))
        let dd = Double(d) * Double(d) * 8
        let config = o.samplerConfiguration
        let window =
            o.metric == .dense && o.covariance != .stan
            ? Double(config.warmupSchedule.longestWindow) * Double(d) * 8 : 0
        var parts: [(String, Double)] = [
            (
                "the chain files read back for the summaries (\(Int(chains)) chains × \(Int(rows)) rows × \(Int(columns)) columns)",
                chains * rows * columns * 8 + concurrent * fileBytes
            ),
            ("the model's lane machines (two per running chain)", concurrent * 2 * Double(machineBytes))
        ]
        if o.metric == .dense {
            parts.append(("the dense metric (3 matrices of \(d) × \(d) per running chain)", concurrent * 3 * dd))
        }
        if window > 0 {
            parts.append(
                (
                    "the shrinkage estimator's window (\(config.warmupSchedule.longestWindow) warmup draws × \(d) parameters per running chain)",
                    concurrent * window
                ))
        }
        parts.sort { $0.1 > $1.1 }
        return FitResources(diskBytes: chains * fileBytes, memoryBytes: parts.map(\.1).reduce(0, +), memoryParts: parts)
    }

    /// Refuses what the machine cannot hold: memory beyond 90% of the machine's, files beyond
    /// the space free in `directory` (or its nearest existing parent).
    func check(
        directory: String, physicalMemory: Double = Double(ProcessInfo.processInfo.physicalMemory),
        freeDisk: Double? = nil
    ) throws {
        if memoryBytes > 0.9 * physicalMemory {
            throw Refusal(
                kind: .memory,
                message: """
                    error: this fit needs about \(Self.format(memoryBytes)) of memory; this machine has \(Self.format(physicalMemory)).
                      most of it: \(memoryParts[0].what), \(Self.format(memoryParts[0].bytes))
                      fix: fewer draws or chains (--draws, --chains, --thin), fewer warmup iterations (--warmup), or --metric diag
                    """)
        }
        let free = freeDisk ?? Self.freeSpace(near: directory)
        if let free, diskBytes > free {
            throw Refusal(
                kind: .disk,
                message: """
                    \(directory): error: the chain files will take about \(Self.format(diskBytes)); \(Self.format(free)) is free there.
                      fix: make room, write elsewhere (--out), or keep fewer draws (--draws, --thin)
                    """)
        }
    }

    /// Bytes available to this user on the file system of `path` or its nearest existing parent.
    static func freeSpace(near path: String) -> Double? {
        var url = URL(fileURLWithPath: path).standardizedFileURL // absolute: the walk up ends at /
        while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" { url.deleteLastPathComponent() }
        let p = url.path
        var s = statvfs()
        guard statvfs(p, &s) == 0 else { return nil }
        return Double(s.f_bavail) * Double(s.f_frsize)
    }

    static func format(_ bytes: Double) -> String {
        if bytes >= 1e9 { return String(format: "%.1f GB", bytes / 1e9) }
        if bytes >= 1e6 { return String(format: "%.1f MB", bytes / 1e6) }
        return String(format: "%.0f kB", bytes / 1e3)
    }
}

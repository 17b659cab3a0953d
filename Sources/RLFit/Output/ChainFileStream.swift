import Foundation
import RLModels
import Sampling
#if canImport(Glibc)
    import Glibc
#endif

/// A chain's Stan CSV file written while the chain runs: the header when it starts, each kept
/// row with the model's quantities (one forward pass of the posterior per row), the adaptation
/// block when warmup ends, the timing block when the chain finishes (or the incomplete mark
/// when it is cancelled). The file is `chain-<c>.csv.incomplete` until the whole fit is done.
///
/// Rows are buffered and written every `checkpointSeconds` together with a checkpoint
/// (`ChainCheckpointFile`), so a kill loses at most that many seconds of the chain; a resumed
/// chain reopens its file cut back to the checkpoint's byte count and goes on appending.
final class ChainFileStream: ChainObserver {
    let path: String
    let directory: String
    let chainID: Int
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var written: UInt64
    private let posterior: HierarchicalPosterior
    private var outputs: [Double]
    private var row: [Double]
    private let formatter: DecimalFormatter
    private let dense: Bool
    private let dataSHA256: String
    private let checkpointSeconds: Double
    private var lastCheckpoint = ContinuousClock.now

    /// Opens the chain's file: a new one with its header, or (`resumeAt`) the existing one cut
    /// back to that many bytes.
    init(
        directory: String, chainID: Int, seed: UInt64, configuration: StanCSVConfiguration, denseMetric: Bool,
        posterior: HierarchicalPosterior, significantDigits: Int, dataSHA256: String, checkpointSeconds: Double,
        resumeAt: UInt64?
    ) throws {
        self.directory = directory
        self.chainID = chainID
        path = (directory as NSString).appendingPathComponent("chain-\(chainID).csv.incomplete")
        self.posterior = posterior
        outputs = [Double](repeating: 0, count: posterior.outputNames.count)
        row = [Double](repeating: 0, count: ChainRecord.samplerColumnCount + outputs.count)
        formatter = DecimalFormatter(significantDigits: significantDigits)
        dense = denseMetric
        self.dataSHA256 = dataSHA256
        self.checkpointSeconds = checkpointSeconds
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (resumeAt == nil ? O_TRUNC : 0)
        descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
        if let offset = resumeAt {
            var status = stat()
            guard fstat(descriptor, &status) == 0, UInt64(status.st_size) >= offset else {
                throw AtomicFile.WriteError(
                    path: path,
                    reason:
                        "the file is shorter than its checkpoint says (\(offset) bytes); it cannot be resumed: refit with --overwrite"
                )
            }
            guard ftruncate(descriptor, off_t(offset)) == 0, lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset)
            else {
                throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
            }
            written = offset
        } else {
            written = 0
            buffer +=
                StanCSVWriter.header(
                    configuration: configuration, chainID: chainID, seed: seed, denseMetric: denseMetric,
                    columnNames: posterior.outputNames, significantDigits: significantDigits
                ).utf8
            try flush()
        }
    }

    deinit { close(descriptor) }

    func chainKept(position: UnsafeBufferPointer<Double>, statistics: SamplerStatistics, isWarmup: Bool) throws {
        outputs.withUnsafeMutableBufferPointer { _ = posterior.outputs(at: position, into: $0) }
        let stats = statistics.columnValues
        for k in 0..<ChainRecord.samplerColumnCount { row[k] = stats[k] }
        for k in 0..<outputs.count { row[ChainRecord.samplerColumnCount + k] = outputs[k] }
        row.withUnsafeBufferPointer { StanCSVWriter.appendRow($0, formatter: formatter, to: &buffer) }
    }

    func chainFinishedWarmup(stepSize: Double, inverseMetric: InverseMetric) throws {
        let values: [Double]
        switch inverseMetric {
        case let .diagonal(v): values = v
        case let .dense(m): values = m.transposed.storage // row-major
        }
        buffer +=
            StanCSVWriter.adaptation(stepSize: stepSize, inverseMetric: values, dense: dense, formatter: formatter).utf8
    }

    func chainWantsCheckpoint() -> Bool {
        lastCheckpoint.duration(to: .now) >= .seconds(checkpointSeconds)
    }

    func chainCheckpoint(_ state: ChainState) throws {
        try flush()
        try writeCheckpoint(state)
    }

    /// A finished chain: the timing block, then a checkpoint that covers the whole file. A
    /// cancelled one: a checkpoint first (so a resume cuts off what follows), then the timing
    /// block and the incomplete mark.
    func chainEnded(_ state: ChainState) throws {
        if state.isComplete {
            buffer +=
                StanCSVWriter.timing(warmupSeconds: state.warmupSeconds, samplingSeconds: state.samplingSeconds).utf8
            try flush()
            try writeCheckpoint(state)
        } else {
            try flush()
            try writeCheckpoint(state)
            buffer +=
                (StanCSVWriter.timing(warmupSeconds: state.warmupSeconds, samplingSeconds: state.samplingSeconds)
                + StanCSVWriter.incompleteMark).utf8
            try flush()
        }
    }

    private func writeCheckpoint(_ state: ChainState) throws {
        let file = ChainCheckpointFile(fileBytes: written, dataSHA256: dataSHA256, state: state)
        try AtomicFile.write(Data(file.bytes), to: ChainCheckpointFile.path(directory: directory, chain: chainID))
        lastCheckpoint = .now
    }

    /// Writes the buffer to the file (all of it, or an error naming the file: a full disk).
    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, buffer.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        written += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }
}

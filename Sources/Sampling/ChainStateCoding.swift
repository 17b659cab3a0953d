import Randomness

/// `ChainState` as bytes, bit for bit: a magic word and format version, then every field in a
/// fixed order — integers and the bit patterns of doubles as little-endian 64-bit words,
/// arrays and strings prefixed by their length. Decoding checks the magic, the version, every
/// length against what is left, and that nothing is left over, and throws
/// `ChainStateCoding.Malformed` otherwise (a truncated or foreign file is never half-read).
public enum ChainStateCoding {
    public struct Malformed: Error, CustomStringConvertible {
        public let reason: String
        public init(reason: String) { self.reason = reason }
        public var description: String { "not a chain checkpoint (\(reason))" }
    }

    static let magic: UInt64 = 0x5443_4B43_5446_4C52 // "RLFTCKCT"
    static let version: UInt64 = 1

    public static func encode(_ s: ChainState) -> [UInt8] {
        var w = Writer()
        w.word(magic)
        w.word(version)
        w.int(s.chainID); w.int(s.dimension); w.int(s.iteration)
        w.word(s.random.blockIndex); w.int(s.random.buffered == nil ? 0 : 1); w.word(s.random.buffered ?? 0)
        w.double(s.stepSize)
        w.doubles(s.position); w.doubles(s.gradient); w.double(s.logDensity); w.double(s.kinetic)
        w.int(s.denseMetric ? 1 : 0)
        w.doubles(s.inverseDiagonal); w.doubles(s.covariance); w.doubles(s.cholesky)
        w.doubles(s.dualAveraging)
        w.int(s.welfordCount); w.doubles(s.welfordMean); w.doubles(s.welfordM2)
        w.doubles(s.windowDraws); w.int(s.windowCount)
        for n in [
            s.warmupDivergences, s.divergences, s.maxDepthHits, s.samplingGradientEvaluations, s.gradientEvaluations,
            s.keptWarmupRows, s.keptRows
        ] { w.int(n) }
        w.double(s.warmupSeconds); w.double(s.samplingSeconds)
        w.int(s.warnings.count)
        for text in s.warnings { w.string(text) }
        w.int(s.isComplete ? 1 : 0)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> ChainState {
        var r = Reader(bytes: bytes)
        guard try r.word() == magic else { throw Malformed(reason: "wrong magic word") }
        let v = try r.word()
        guard v == version else { throw Malformed(reason: "format version \(v), this rlfit reads \(version)") }
        let chainID = try r.int(), dimension = try r.int(), iteration = try r.int()
        let block = try r.word(), hasBuffered = try r.int(), buffered = try r.word()
        let state = ChainState(
            chainID: chainID, dimension: dimension, iteration: iteration,
            random: Philox.Position(blockIndex: block, buffered: hasBuffered == 1 ? buffered : nil),
            stepSize: try r.double(), position: try r.doubles(), gradient: try r.doubles(), logDensity: try r.double(),
            kinetic: try r.double(), denseMetric: try r.int() == 1, inverseDiagonal: try r.doubles(),
            covariance: try r.doubles(),
            cholesky: try r.doubles(), dualAveraging: try r.doubles(), welfordCount: try r.int(),
            welfordMean: try r.doubles(),
            welfordM2: try r.doubles(), windowDraws: try r.doubles(), windowCount: try r.int(),
            warmupDivergences: try r.int(),
            divergences: try r.int(), maxDepthHits: try r.int(), samplingGradientEvaluations: try r.int(),
            gradientEvaluations: try r.int(), keptWarmupRows: try r.int(), keptRows: try r.int(),
            warmupSeconds: try r.double(),
            samplingSeconds: try r.double(), warnings: try (0..<r.count()).map { _ in try r.string() },
            isComplete: try r.int() == 1)
        guard r.isAtEnd else { throw Malformed(reason: "\(r.remaining) bytes after the end") }
        guard state.position.count == dimension, state.gradient.count == dimension, state.dualAveraging.count == 4
        else {
            throw Malformed(reason: "vector lengths do not match the dimension \(dimension)")
        }
        return state
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func word(_ x: UInt64) { withUnsafeBytes(of: x.littleEndian) { bytes += $0 } }
        mutating func int(_ x: Int) { word(UInt64(bitPattern: Int64(x))) }
        mutating func double(_ x: Double) { word(x.bitPattern) }
        mutating func doubles(_ xs: [Double]) { int(xs.count); for x in xs { double(x) } }
        mutating func string(_ s: String) { let u = Array(s.utf8); int(u.count); bytes += u }
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var remaining: Int { bytes.count - offset }
        var isAtEnd: Bool { offset == bytes.count }

        mutating func word() throws -> UInt64 {
            guard remaining >= 8 else { throw Malformed(reason: "truncated at byte \(offset)") }
            var x: UInt64 = 0
            for k in 0..<8 { x |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
            offset += 8
            return x
        }
        mutating func int() throws -> Int { Int(Int64(bitPattern: try word())) }
        mutating func double() throws -> Double { Double(bitPattern: try word()) }
        /// A length that must fit in what is left (8 bytes per element at most).
        mutating func count() throws -> Int {
            let n = try int()
            guard n >= 0, n <= remaining else {
                throw Malformed(reason: "impossible length \(n) at byte \(offset - 8)")
            }
            return n
        }
        mutating func doubles() throws -> [Double] {
            let n = try count()
            guard n * 8 <= remaining else { throw Malformed(reason: "truncated array at byte \(offset)") }
            return try (0..<n).map { _ in try double() }
        }
        mutating func string() throws -> String {
            let n = try count()
            defer { offset += n }
            return String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
        }
    }
}

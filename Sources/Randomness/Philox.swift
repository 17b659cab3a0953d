/// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror & Shaw (2011),
/// "Parallel random numbers: as easy as 1, 2, 3" (SC'11).
///
/// A counter-based generator is a keyed bijection of a 128-bit counter: block `i` of the stream
/// is `philox(key, counter = i)`, so any draw is a pure function of `(seed, stream, index)`.
/// RLFit keys it by the user's seed and numbers the streams (one per chain, one per simulated
/// subject, ...): chain `c` of seed `s` draws exactly the same numbers whether it runs alone, with
/// other chains, on any number of threads, or as its own cluster job.
///
/// Layout: key = the 64-bit seed; counter = (block index: 64 bits, stream: 64 bits).
/// Each block gives 128 random bits, returned as two `UInt64`s.
/// Known-answer vectors from Random123 (`kat_vectors`) are checked in the tests.
public struct Philox: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    public let stream: UInt64
    /// Index of the next 128-bit block.
    public private(set) var blockIndex: UInt64 = 0
    private var buffered: UInt64 = 0
    private var hasBuffered = false

    public init(seed: UInt64, stream: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
    }

    /// Where the generator is in its stream: the next block and the half-block still unread.
    /// A generator rebuilt from it (`init(seed:stream:position:)`) continues with exactly the
    /// numbers the original would have drawn (checkpoints and `--resume`).
    public struct Position: Sendable, Equatable {
        public var blockIndex: UInt64
        public var buffered: UInt64?
        public init(blockIndex: UInt64, buffered: UInt64?) {
            self.blockIndex = blockIndex
            self.buffered = buffered
        }
    }

    public var position: Position { Position(blockIndex: blockIndex, buffered: hasBuffered ? buffered : nil) }

    public init(seed: UInt64, stream: UInt64, position: Position) {
        self.init(seed: seed, stream: stream)
        blockIndex = position.blockIndex
        if let b = position.buffered {
            buffered = b
            hasBuffered = true
        }
    }

    /// The raw 10-round Philox4x32 bijection: `counter` (4 words) under `key` (2 words).
    @inlinable
    public static func block(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32))
        -> (UInt32, UInt32, UInt32, UInt32)
    {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= 0x9E37_79B9
                k.1 &+= 0xBB67_AE85
            }
            let p0 = UInt64(0xD251_1F53) &* UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            c = (hi1 ^ c.1 ^ k.0, lo1, hi0 ^ c.3 ^ k.1, lo0)
        }
        return c
    }

    public mutating func next() -> UInt64 {
        if hasBuffered {
            hasBuffered = false
            return buffered
        }
        let out = Philox.block(
            counter: (
                UInt32(truncatingIfNeeded: blockIndex), UInt32(truncatingIfNeeded: blockIndex >> 32),
                UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)
            ),
            key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        )
        blockIndex &+= 1
        buffered = UInt64(out.2) | (UInt64(out.3) << 32)
        hasBuffered = true
        return UInt64(out.0) | (UInt64(out.1) << 32)
    }
}

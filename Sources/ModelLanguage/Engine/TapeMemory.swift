/// Memory for a lane machine's tape (the values its forward pass keeps per trial for the
/// backward pass), shareable by machines that never run at the same time — the lane blocks of
/// one likelihood, which run one after another — so that one block's tape is all the tape a
/// gradient needs, and it stays in cache from the forward pass to the backward pass.
public final class TapeMemory {
    /// Capacity, in lane vectors.
    public let vectors: Int
    let memory: UnsafeMutablePointer<Lanes>

    public init(vectors: Int) {
        self.vectors = vectors
        memory = .allocate(capacity: max(vectors, 1))
        memory.initialize(repeating: .zero, count: max(vectors, 1))
    }

    /// Bytes held.
    public var bytes: Int { max(vectors, 1) * MemoryLayout<Lanes>.stride }

    deinit {
        memory.deinitialize(count: max(vectors, 1))
        memory.deallocate()
    }
}

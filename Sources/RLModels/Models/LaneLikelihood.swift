import ModelLanguage

/// A model's likelihood on lane machines: log-likelihood and the exact gradient by the
/// machines' backward passes, with the study's lanes split into blocks of at most
/// `defaultLanesPerBlock`, one machine each, run one after another on one shared tape.
///
/// Why blocks: a machine's tape (the values kept per trial for the backward pass) grows with its
/// lanes: 64 MB for 10,000 subjects × 200 trials of bandit2arm_delta, 270 MB for
/// bandit4arm_lapse. One machine over every lane writes it through main memory in the forward
/// pass and reads it back from there in the backward pass, besides reading the data twice; a
/// block's tape (0.8 MB, 3.5 MB) stays in cache from its forward pass to its backward pass, and
/// its data are read the second time from cache. The lanes never interact, so every lane's
/// arithmetic is the same as in one machine over all lanes, and the total is summed over the
/// lanes in the same order: the log density and its gradient are bit-for-bit those of one
/// machine, whatever the block size (tested).
public final class LaneLikelihood: SubjectLikelihood {
    /// Lanes per machine by default: 128 (32 lane vectors), enough lanes to spread each
    /// instruction's dispatch (`rlfit bench gradient`, one machine: bandit4arm_lapse costs
    /// 37 ns per subject-trial at 6 lane vectors, 30 ns at 25).
    public static let defaultLanesPerBlock = 128

    let machines: [LaneMachine]
    let blocks: [Range<Int>]
    /// The tape every block's machine runs on.
    public let tape: TapeMemory
    let parameterCount: Int
    let lanes: Int
    /// One block's parameters and gradient (P planes of its lanes, parameter-major).
    private var blockTheta: [Double]
    private var blockGradient: [Double]

    init(machines: [LaneMachine], blocks: [Range<Int>], tape: TapeMemory, parameterCount: Int) {
        precondition(machines.count == blocks.count && !blocks.isEmpty)
        self.machines = machines
        self.tape = tape
        self.blocks = blocks
        self.parameterCount = parameterCount
        lanes = blocks.last!.upperBound
        let largest = blocks.map(\.count).max()!
        blockTheta = [Double](repeating: 0, count: machines.count > 1 ? parameterCount * largest : 0)
        blockGradient = blockTheta
    }

    /// Bytes held: every block's machine (data planes, rows, operand tables) and the one tape.
    public var memoryBytes: Int { machines.map(\.memoryBytes).reduce(0, +) + tape.bytes }

    /// `lanes` split into the fewest blocks of at most `atMost` lanes (rounded down to whole
    /// lane vectors of 4, at least one), whose sizes in lane vectors differ by at most one; only
    /// the last block may end inside a vector.
    public static func blocks(lanes: Int, atMost: Int) -> [Range<Int>] {
        let vectors = (lanes + 3) / 4, perBlock = max(1, atMost / 4)
        let count = (vectors + perBlock - 1) / perBlock
        return (0..<count).map { b in (4 * (b * vectors / count))..<min(lanes, 4 * ((b + 1) * vectors / count)) }
    }

    public func evaluate(
        theta: UnsafePointer<Double>, subjectLogLikelihood: UnsafeMutablePointer<Double>,
        gradient: UnsafeMutablePointer<Double>?
    ) -> Double {
        if machines.count == 1 {
            return machines[0].evaluate(theta: theta, logLikelihood: subjectLogLikelihood, gradient: gradient)
        }
        let P = parameterCount
        blockTheta.withUnsafeMutableBufferPointer { x in
            blockGradient.withUnsafeMutableBufferPointer { g in
                for (machine, block) in zip(machines, blocks) {
                    let n = block.count
                    for p in 0..<P {
                        for i in 0..<n { x[p * n + i] = theta[p * lanes + block.lowerBound + i] }
                    }
                    _ = machine.evaluate(
                        theta: x.baseAddress!, logLikelihood: subjectLogLikelihood + block.lowerBound,
                        gradient: gradient == nil ? nil : g.baseAddress!)
                    guard let gradient else { continue }
                    for p in 0..<P {
                        for i in 0..<n { gradient[p * lanes + block.lowerBound + i] = g[p * n + i] }
                    }
                }
            }
        }
        var total = 0.0
        for l in 0..<lanes { total += subjectLogLikelihood[l] }
        return total
    }
}

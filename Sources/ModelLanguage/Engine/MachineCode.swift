/// Where a value lives in the lane machine's memory. Every slot is one row of `width` lane
/// vectors (all subjects); a plane slot is T rows (one per trial) and a tape slot one row per
/// trial, so the row a trial uses is `slot·slotSize + t·stride` past the region's base.
struct Address: Sendable, Hashable {
    enum Region: Int, Sendable, CaseIterable {
        /// Per-trial inputs: the answered and block-start masks, data columns, and values the
        /// data pre-pass computed (T rows per slot).
        case plane
        /// Values the backward pass (or a replay) reads, one row per trial.
        case tape
        /// Values used only within the trial, reused when dead.
        case scratch
        case parameter
        case constant
        /// State carried from one trial to the next.
        case carry
        /// Adjoints λ of the trial's values (reused when dead).
        case adjoint
        /// λ of the carried state.
        case carryAdjoint
        /// ∂ log-likelihood / ∂ parameter, per lane.
        case gradient
        /// A row of zeros (the λ of a value that received no gradient).
        case zero
        /// Each lane's log-likelihood.
        case logLikelihood
    }

    let region: Region
    let slot: Int32
    /// 1 for the next trial's row of a tape slot (where a trial writes the state the next
    /// trial starts from), else 0.
    let shift: Int32

    init(_ region: Region, _ slot: Int, shift: Int = 0) {
        self.region = region
        self.slot = Int32(slot)
        self.shift = Int32(shift)
    }

    /// The same slot one trial later.
    var next: Address { Address(region, Int(slot), shift: Int(shift) + 1) }

    static let zero = Address(.zero, 0)
}

/// One step of compiled code. `addresses[first ..< first + count]` are its operands, in the
/// layout its `kind` documents; `size` is the vector length n where there is one; `modes`
/// points into the adjoint-mode pool for backward steps.
struct MachineInstruction: Sendable {
    /// carryIn: the start rows are the carried state (gradient programs).
    static let inPlaceFlag: UInt64 = 1 << 63
    /// scatterAdjoint of a committing scatter: the outputs' λ rows are the elements' λcarry,
    /// which are also the λ of their starts (an input that is its element's start has the
    /// element's λcarry row as its λ row).
    static let carriedFlag: UInt64 = 1 << 62
    /// Elements per carryIn and carryInAdjoint instruction: bit k of the flags marks element k
    /// kept across blocks, below the two flags above; a state with more elements (a 61-option
    /// vector, a 31 × 2 table) takes several instructions.
    static let elementsPerCarry = 60
    enum Kind: UInt8, Sendable {
        // Forward. Layouts:
        /// [y, a, b, c]
        case elementwise
        /// [y, index, e₁…eₙ]
        case gather
        /// [index, value, e₁…eₙ, y₁…yₙ, (answered, start₁…startₙ)]: with flag 1 it writes the
        /// carried state: the scattered values on answered lanes, the trial's start values on
        /// the others.
        case scatter
        /// [index, value, b₀, b₁, b₂, y₁…yₙ, answered, start₁…startₙ]: a committing scatter over
        /// an elementwise map of the starts (`ScatterMapKernels`); `flags`: the argument
        /// positions that are the element's start; `loops`: the map's primitive.
        case scatterMap
        /// [u₁…uₙ, y₁…yₙ]
        case softmax
        /// [observed, answered, predicate, u₁, u₂, factor, (log p)]
        case observeSoftmax2
        /// [observed, answered, predicate, u₁…uₙ, (offered₁…offeredₙ), factor₁…factorₙ, (log p)]
        case observeSoftmax
        /// [observed, answered, predicate, β, x₁, x₂, factor, (log p)]: softmax(β·x), two options.
        case observeScaledSoftmax2
        /// [observed, answered, predicate, β, x₁…xₙ, factor₁…factorₙ, (log p)]
        case observeScaledSoftmax
        /// [observed, answered, predicate, p₁…pₙ, factor, (log p)]
        case observeCategorical
        /// [observed, answered, predicate, ξ, u₁…uₙ, factor₁…factorₙ, factorξ, (log p)]: the lapse
        /// mixture P(y = k) = (1 − ξ)·softmax(u)_k + ξ/n.
        case observeLapseSoftmax
        /// [observed, answered, predicate, x, factor, (log p)]
        case observeBernoulliLogit
        /// [observed, answered, predicate, p, factor, (log p)]
        case observeBernoulli
        /// [observed, answered, predicate, x₀…x_{d−1}, stopped, factor₀…factor_{d−1}, (log p)]:
        /// a run of decisions to go on with log-odds q(m) = Σ x_k·mᵏ (size = d).
        case observeSequentialLogit
        /// [observed, answered, predicate, a, τ, β, δ, y, factor_a, factor_τ, factor_β, factor_δ, (log p)]:
        /// a response and its time under the Wiener diffusion.
        case observeWiener
        /// [blockStart, (start, carry, initial)ₑ…]: start = blockStart ? initial : carry
        /// (size = the number of elements; `flags` marks elements kept across blocks). With
        /// `inPlaceFlag` the start rows are the carried state (written by the previous trial's
        /// commit) and the step only runs on trials where some lane starts a block.
        case carryIn
        /// [answered, (carry, final, start)ₑ…]: carry = answered ? final : start.
        case commit

        // Backward. Layouts:
        /// [λy, a, b, c, y, λa, λb, λc]
        case elementwiseAdjoint
        /// [λy, index, λe₁…λeₙ]
        case gatherAdjoint
        /// [index, λvalue, λy₁…λyₙ, λe₁…λeₙ, (answered)]
        case scatterAdjoint
        /// [index, λvalue, λy₁…λyₙ, b₀, b₁, b₂, λb₀, λb₁, λb₂, answered, start₁…startₙ]; modes
        /// [value, b₀, b₁, b₂]
        case scatterMapAdjoint
        /// [y₁…yₙ, λy₁…λyₙ, λu₁…λuₙ]
        case softmaxAdjoint
        /// [factor, λu₁, λu₂]
        case observeSoftmax2Adjoint
        /// [factor₁…factorₙ, λu₁…λuₙ] (also sequential_logit's coefficients and wiener's a, τ, β, δ)
        case observeSoftmaxAdjoint
        /// [factor, β, x₁, x₂, λβ, λx₁, λx₂]
        case observeScaledSoftmax2Adjoint
        /// [factor₁…factorₙ, β, x₁…xₙ, λβ, λx₁…λxₙ]
        case observeScaledSoftmaxAdjoint
        /// [observed, factor, λp₁…λpₙ]
        case observeCategoricalAdjoint
        /// [factor₁…factorₙ, factorξ, λu₁…λuₙ, λξ]
        case observeLapseSoftmaxAdjoint
        /// [factor, λx] (bernoulli_logit and bernoulli)
        case observeScalarAdjoint
        /// [answered, (λcarry, λfinal)ₑ…]: with v = λcarry (the λ of the next trial's start),
        /// λfinal ⊕= answered ? v : 0 and λcarry ← answered ? 0 : v (λcarry is also the λ of this
        /// trial's start, which then accumulates the trial's own contributions).
        case seed
        /// [blockStart, (λcarry, gradient or zero)ₑ…]: at a block start the state was reset, so
        /// its λ goes to a parameter initial value (if any) and none flows to the previous
        /// trial. Runs only on trials where some lane starts a block.
        case carryInAdjoint
    }

    var kind: Kind
    var first: Int32
    var count: Int32
    var size: Int32 = 0
    var modes: Int32 = 0
    /// carryIn: bit e set when element e keeps its value across blocks; observations: 1 when
    /// they write log p; observeSoftmax: 2 when options can be unavailable (offered).
    var flags: UInt64 = 0
    /// Elementwise steps: the primitive's loops, and (backward) its arguments' adjoint modes.
    var loops: (any ElementwiseLoops.Type)? = nil
    var elementwiseModes = AdjointModes([])
    /// Where the instruction came from in the model file (for data errors on indices).
    var location: SourceLocation? = nil
    /// The trial-program instruction it was compiled from.
    var sourceNode: Int? = nil
}

/// A compiled program: its instructions (and for gradients, their adjoints in backward order)
/// over a shared address pool.
struct MachineProgram: Sendable {
    var forward: [MachineInstruction] = []
    var backward: [MachineInstruction] = []
    var addresses: [Address] = []
    var modes: [AdjointMode] = []
}

/// A gather or scatter whose index comes from the data: checked once, when the data are
/// loaded, against its range 1…n on every answered trial.
struct IndexCheck: Sendable {
    let plane: Int
    let range: Int
    let location: SourceLocation
}

/// Everything the lane machine needs to run a model on a data shape: the data pre-pass, the
/// per-trial program, and the memory layout (rows per region).
public struct MachineCode: Sendable {
    public enum Purpose: Sendable {
        /// Log-likelihood and gradient: data-only values hoisted into a pre-pass, a backward pass.
        case gradient
        /// Forward only, every probe kept per trial (trajectories, trial log-likelihoods).
        case replay
        /// Forward only, observations drawn instead of read (simulation).
        case simulation
    }

    let purpose: Purpose
    /// Forward only, over data; writes planes the main program reads.
    var prepass = MachineProgram()
    var main = MachineProgram()
    /// Rows per region (planes: planes count).
    var regionSizes = [Int](repeating: 0, count: Address.Region.allCases.count)
    /// Constant values, by constant slot.
    var constants: [Double] = []
    /// The plane slot of each data column the program reads (answered is plane 0, block start 1).
    public internal(set) var dataPlanes: [Int: Int] = [:]
    /// The carry slot and initial value (constant or parameter) of each state element, for
    /// the first trial; `initialParameter` gets the gradient of a parameter initial value.
    var carryInitial: [(address: Address, constant: Double?, parameter: Int?)] = []
    /// State elements kept across blocks whose initial value is a parameter: the carry-adjoint
    /// slot whose λ, left after the first trial, is that parameter's gradient.
    var initialGradients: [(adjointSlot: Int, parameter: Int)] = []
    var indexChecks: [IndexCheck] = []
    /// Replay and simulation: the tape slot of each named value (state elements as "Q[1]",
    /// probes, "log_lik").
    var probeSlots: [(name: String, address: Address)] = []
    /// The names of the probes (`LaneMachine.probe(_:trial:lane:)` takes their index).
    public var probeNames: [String] { probeSlots.map(\.name) }
    /// Simulation: per observation instruction (by forward index), the data plane it writes,
    /// the addresses of its outcome probabilities, and its predicate (lanes where it is 0 do
    /// not observe there).
    /// Simulation: per observation instruction, what its draw reads (the outcome
    /// probabilities; sequential_logit's coefficients).
    var samplers:
        [Int: (
            column: Int, plane: Int, probabilities: [Address], distribution: ObservationDistribution, predicate: Address
        )] = [:]
    public var parameterCount: Int { regionSizes[Address.Region.parameter.rawValue] }

    public static let answeredPlane = 0, blockStartPlane = 1
}

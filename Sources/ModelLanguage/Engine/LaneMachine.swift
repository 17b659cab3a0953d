/// Runs compiled model code (`MachineCode`) over a batch of lanes (subjects, or draws in a
/// replay) and trials: every instruction is one loop over the lanes, four at a time, so a trial
/// of a hundred subjects is a few dozen whole-vector loops, with no allocation and no
/// per-subject work. Memory is allocated once, per region (`Address.Region`).
///
/// Use: set the masks and data columns (`setPlane`), run the data pre-pass once
/// (`prepare()`, which also checks every data index), then `evaluate` as often as needed.
/// Not thread-safe: one machine per chain.
public final class LaneMachine {
    public let code: MachineCode
    /// Lanes in use, and lane vectors per row (lanes padded to a multiple of 4).
    public let lanes: Int
    public let width: Int
    public let trials: Int
    /// Memory of the tape (values kept per trial for the backward pass) and of everything the
    /// machine holds (tape, data planes, scratch, adjoints), in bytes; allocated once.
    public private(set) var tapeBytes = 0
    public private(set) var memoryBytes = 0

    private let base: UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>
    private let slotSize: UnsafeMutablePointer<Int>
    private let stride: UnsafeMutablePointer<Int>
    private var allocations: [(UnsafeMutablePointer<Lanes>, Int)] = []
    /// The tape's memory when it is shared with other machines (kept alive by this reference).
    private let sharedTape: TapeMemory?
    /// Rows kernels use within one instruction (maxima, sums, λ of the carried state).
    private let workspace: UnsafeMutablePointer<Lanes>
    /// Whether some lane starts a block at each trial (state resets run only then).
    private var blockStartTrials: [Bool]
    private let prepass: CompiledProgram
    private let main: CompiledProgram

    /// A program's instructions and operand pools in raw memory (no array checks in the loops).
    private struct CompiledProgram {
        let forward: UnsafeMutableBufferPointer<MachineInstruction>
        let backward: UnsafeMutableBufferPointer<MachineInstruction>
        let modes: UnsafeMutablePointer<AdjointMode>
        /// Every operand's row at the trial `trial` holds, as addresses, and the distance each
        /// moves from one trial to the next: a data plane's row by one lane-vector row, a tape
        /// row by the tape's rows per trial, every other region's not at all (0). A step to the
        /// next or previous trial is one vector add over the operands (`rows(at:)`), where a
        /// table of every trial's rows took 2 KB per trial for bandit4arm_lapse (0.4 MB per
        /// machine at 200 trials, competing with the tape for the core's cache). Padded to
        /// whole vectors of four; `current` is the row pointers the kernels read, stepped through
        /// untyped vector loads and stores.
        let current: UnsafeMutableRawPointer
        let step: UnsafeMutablePointer<SIMD4<Int>>
        let origin: UnsafeMutablePointer<SIMD4<Int>>
        let trial: UnsafeMutablePointer<Int>
        let count: Int
        /// Vectors of four in `current`, `step` and `origin`.
        let vectors: Int
        /// Bytes the three hold.
        var bytes: Int { 3 * vectors * MemoryLayout<SIMD4<Int>>.stride }

        init(
            _ p: MachineProgram, base: UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>,
            slotSize: UnsafeMutablePointer<Int>,
            stride: UnsafeMutablePointer<Int>
        ) {
            count = p.addresses.count
            vectors = max(1, (count + 3) / 4)
            current = .allocate(byteCount: vectors * MemoryLayout<SIMD4<Int>>.stride, alignment: 32)
            current.bindMemory(to: UnsafeMutablePointer<Lanes>.self, capacity: vectors * 4)
            step = .allocate(capacity: vectors)
            step.initialize(repeating: .zero, count: vectors)
            origin = .allocate(capacity: vectors)
            origin.initialize(repeating: .zero, count: vectors)
            trial = .allocate(capacity: 1)
            trial.initialize(to: 0)
            for (k, a) in p.addresses.enumerated() {
                let r = a.region.rawValue
                let row = base[r] + Int(a.slot) * slotSize[r] + Int(a.shift) * stride[r]
                origin[k / 4][k % 4] = Int(bitPattern: row)
                step[k / 4][k % 4] = stride[r] * MemoryLayout<Lanes>.stride
            }
            for v in 0..<vectors { current.storeBytes(of: origin[v], toByteOffset: 32 * v, as: SIMD4<Int>.self) }
            forward = .allocate(capacity: max(p.forward.count, 1))
            _ = forward.initialize(from: p.forward)
            backward = .allocate(capacity: max(p.backward.count, 1))
            _ = backward.initialize(from: p.backward)
            modes = .allocate(capacity: max(p.modes.count, 1))
            modes.initialize(from: p.modes, count: p.modes.count)
            forwardCount = p.forward.count
            backwardCount = p.backward.count
        }

        let forwardCount: Int
        let backwardCount: Int

        func free() {
            forward.baseAddress!.deinitialize(count: forwardCount)
            forward.deallocate()
            backward.baseAddress!.deinitialize(count: backwardCount)
            backward.deallocate()
            modes.deallocate()
            current.deallocate()
            step.deallocate()
            origin.deallocate()
            trial.deallocate()
        }

        /// Adds (or subtracts) `step` to every row pointer: a function of its own, so that its loop
        /// keeps its pointers in registers (inside the passes' loops they were reloaded from the
        /// stack at every vector).
        @inline(never)
        static func move(
            _ rows: UnsafeMutableRawPointer, by step: UnsafeMutablePointer<SIMD4<Int>>, vectors: Int, forward: Bool
        ) {
            if forward {
                for v in 0..<vectors {
                    let moved = rows.load(fromByteOffset: 32 * v, as: SIMD4<Int>.self) &+ step[v]
                    rows.storeBytes(of: moved, toByteOffset: 32 * v, as: SIMD4<Int>.self)
                }
            } else {
                for v in 0..<vectors {
                    let moved = rows.load(fromByteOffset: 32 * v, as: SIMD4<Int>.self) &- step[v]
                    rows.storeBytes(of: moved, toByteOffset: 32 * v, as: SIMD4<Int>.self)
                }
            }
        }

        /// The operand rows at trial t: `count` row pointers, moved there from the trial they
        /// held: one step forward or back as the passes go, any other trial (a forward pass after a
        /// forward pass, say) from `origin`, the rows at trial 0.
        @inline(__always) func rows(at t: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<Lanes>> {
            let held = trial.pointee
            if t != held {
                if t == held + 1 || t == held - 1 {
                    Self.move(current, by: step, vectors: vectors, forward: t == held + 1)
                } else {
                    let trials = SIMD4<Int>(repeating: t)
                    for v in 0..<vectors {
                        current.storeBytes(
                            of: origin[v] &+ trials &* step[v], toByteOffset: 32 * v, as: SIMD4<Int>.self)
                    }
                }
                trial.pointee = t
            }
            return current.assumingMemoryBound(to: UnsafeMutablePointer<Lanes>.self)
        }
    }

    /// `sharedTape`: memory for the tape (at least `tapeVectors(...)` lane vectors) shared with
    /// machines that never run at the same time as this one; by default the machine has its own.
    /// A machine writes every tape row in its forward pass before its backward pass reads it,
    /// so what another machine left there does not matter.
    public init(code: MachineCode, lanes: Int, trials: Int, sharedTape: TapeMemory? = nil) {
        precondition(lanes >= 1 && trials >= 1)
        self.code = code
        self.sharedTape = sharedTape
        self.lanes = lanes
        self.trials = trials
        width = (lanes + 3) / 4
        let regions = Address.Region.allCases.count
        base = .allocate(capacity: regions)
        slotSize = .allocate(capacity: regions)
        stride = .allocate(capacity: regions)
        let tapeRows = code.regionSizes[Address.Region.tape.rawValue]
        for region in Address.Region.allCases {
            let r = region.rawValue
            let count = code.regionSizes[r]
            let vectors: Int
            switch region {
            case .plane:
                slotSize[r] = trials * width; stride[r] = width; vectors = count * trials * width
            case .tape:
                // One row more than trials: the last trial commits the state after it.
                slotSize[r] = width; stride[r] = tapeRows * width; vectors = count * (trials + 1) * width
            default:
                slotSize[r] = width; stride[r] = 0; vectors = count * width
            }
            if region == .tape {
                tapeBytes = vectors * MemoryLayout<Lanes>.stride
                if let sharedTape {
                    precondition(sharedTape.vectors >= vectors, "a shared tape smaller than the machine's")
                    base[r] = sharedTape.memory
                    continue
                }
            }
            let memory = UnsafeMutablePointer<Lanes>.allocate(capacity: max(vectors, 1))
            memory.initialize(repeating: .zero, count: max(vectors, 1))
            allocations.append((memory, max(vectors, 1)))
            memoryBytes += max(vectors, 1) * MemoryLayout<Lanes>.stride
            base[r] = memory
        }
        let constants = base[Address.Region.constant.rawValue]
        for (s, x) in code.constants.enumerated() {
            for j in 0..<width { constants[s * width + j] = Lanes(repeating: x) }
        }
        let workspaceRows = max(4, code.carryInitial.count)
        workspace = .allocate(capacity: workspaceRows * width)
        workspace.initialize(repeating: .zero, count: workspaceRows * width)
        memoryBytes += workspaceRows * width * MemoryLayout<Lanes>.stride
        blockStartTrials = [Bool](repeating: true, count: trials)
        prepass = CompiledProgram(code.prepass, base: base, slotSize: slotSize, stride: stride)
        main = CompiledProgram(code.main, base: base, slotSize: slotSize, stride: stride)
        memoryBytes += prepass.bytes + main.bytes
    }

    /// Lane vectors of tape a machine running `code` over `lanes` lanes and `trials` trials needs.
    public static func tapeVectors(code: MachineCode, lanes: Int, trials: Int) -> Int {
        code.regionSizes[Address.Region.tape.rawValue] * (trials + 1) * ((lanes + 3) / 4)
    }

    deinit {
        for (memory, count) in allocations { memory.deinitialize(count: count); memory.deallocate() }
        base.deallocate()
        slotSize.deallocate()
        stride.deallocate()
        workspace.deallocate()
        prepass.free()
        main.free()
    }

    // MARK: Data

    /// Fills plane `plane` from `values` (T·lanes, time-major: index t·lanes + lane); padding
    /// lanes get 0. The first trial always starts a block (every lane, padding included).
    public func setPlane(_ plane: Int, values: [Double]) {
        precondition(values.count == trials * lanes)
        let isBlockStart = plane == MachineCode.blockStartPlane
        if isBlockStart {
            blockStartTrials = (0..<trials).map { t in t == 0 || (0..<lanes).contains { values[t * lanes + $0] != 0 } }
        }
        let p = UnsafeMutableRawPointer(base[Address.Region.plane.rawValue] + plane * trials * width)
            .assumingMemoryBound(to: Double.self)
        for t in 0..<trials {
            for j in 0..<(width * 4) {
                p[t * width * 4 + j] = isBlockStart && t == 0 ? 1 : (j < lanes ? values[t * lanes + j] : 0)
            }
        }
    }

    /// One value of plane `plane` (simulation writes outcomes as the task produces them).
    public func setPlaneValue(_ plane: Int, trial t: Int, lane: Int, _ value: Double) {
        let p = UnsafeMutableRawPointer(base[Address.Region.plane.rawValue] + plane * trials * width)
            .assumingMemoryBound(to: Double.self)
        p[t * width * 4 + lane] = value
    }

    public func planeValue(_ plane: Int, trial t: Int, lane: Int) -> Double {
        let p = UnsafeMutableRawPointer(base[Address.Region.plane.rawValue] + plane * trials * width)
            .assumingMemoryBound(to: Double.self)
        return p[t * width * 4 + lane]
    }

    /// A data index outside its range on an answered trial.
    public struct IndexViolation: Sendable {
        public let lane: Int
        public let trial: Int
        public let value: Double
        public let range: Int
        public let location: SourceLocation
    }

    /// Runs the data pre-pass (values computed from data alone, once) and checks every data
    /// index on answered trials; returns the first violation, if any.
    public func prepare() -> IndexViolation? {
        for (address, constant, _) in code.carryInitial {
            let row = self.row(address)
            for j in 0..<width { row[j] = Lanes(repeating: constant ?? 0) }
        }
        runForward(prepass, hook: nil)
        for check in code.indexChecks {
            for t in 0..<trials {
                for l in 0..<lanes where planeValue(MachineCode.answeredPlane, trial: t, lane: l) != 0 {
                    let v = planeValue(check.plane, trial: t, lane: l)
                    if !(v >= 1 && v <= Double(check.range) && v == v.rounded()) {
                        return IndexViolation(lane: l, trial: t, value: v, range: check.range, location: check.location)
                    }
                }
            }
        }
        return nil
    }

    // MARK: Evaluation

    /// Sets the parameters (P planes of `lanes` values, parameter-major) and the carried state's
    /// initial values. Padding lanes copy lane 0 (so they compute finite values; they are masked).
    private func load(theta: UnsafePointer<Double>) {
        let P = code.parameterCount
        let params = UnsafeMutableRawPointer(base[Address.Region.parameter.rawValue]).assumingMemoryBound(
            to: Double.self)
        for p in 0..<P {
            for j in 0..<(width * 4) { params[p * width * 4 + j] = theta[p * lanes + (j < lanes ? j : 0)] }
        }
        // The state before the first trial (carry rows, or the tape's first start rows).
        let parameters = base[Address.Region.parameter.rawValue]
        for (address, constant, parameter) in code.carryInitial {
            let row = self.row(address)
            for j in 0..<width {
                row[j] = parameter.map { parameters[$0 * width + j] } ?? Lanes(repeating: constant ?? 0)
            }
        }
        let ll = base[Address.Region.logLikelihood.rawValue]
        for j in 0..<width { ll[j] = .zero }
    }

    /// The log-likelihood of every lane (written to `logLikelihood`, `lanes` values) at the
    /// parameters `theta` (P·lanes, parameter-major), and when `gradient` is given, ∂/∂θ in the
    /// same layout. Returns the total.
    public func evaluate(
        theta: UnsafePointer<Double>, logLikelihood out: UnsafeMutablePointer<Double>,
        gradient: UnsafeMutablePointer<Double>?
    ) -> Double {
        load(theta: theta)
        runForward(main, hook: nil)
        if let gradient {
            let P = code.parameterCount
            let g = base[Address.Region.gradient.rawValue], lc = base[Address.Region.carryAdjoint.rawValue]
            for i in 0..<(P * width) { g[i] = .zero }
            for i in 0..<(code.regionSizes[Address.Region.carryAdjoint.rawValue] * width) { lc[i] = .zero }
            var t = trials - 1
            while t >= 0 {
                runBackward(t)
                t -= 1
            }
            // A parameter initial value of a state kept across blocks gets the λ left at the start.
            for (adjointSlot, p) in code.initialGradients {
                for j in 0..<width { g[p * width + j] += lc[adjointSlot * width + j] }
            }
            let gs = UnsafeMutableRawPointer(g).assumingMemoryBound(to: Double.self)
            for p in 0..<P { for l in 0..<lanes { gradient[p * lanes + l] = gs[p * width * 4 + l] } }
        }
        let ll = UnsafeMutableRawPointer(base[Address.Region.logLikelihood.rawValue]).assumingMemoryBound(
            to: Double.self)
        var total = 0.0
        for l in 0..<lanes { out[l] = ll[l]; total += ll[l] }
        return total
    }

    /// A forward run that keeps every probe per trial (replay programs): the values are then read
    /// with `probe(_:trial:lane:)`.
    public func replay(theta: UnsafePointer<Double>) {
        load(theta: theta)
        runForward(main, hook: nil)
    }

    /// The first row of an address (trial 0).
    private func row(_ a: Address) -> UnsafeMutablePointer<Lanes> {
        let r = a.region.rawValue
        return base[r] + Int(a.slot) * slotSize[r] + Int(a.shift) * stride[r]
    }

    /// The value of a probe (`code.probeSlots`) at trial t for a lane, after `replay`.
    public func probe(_ index: Int, trial t: Int, lane: Int) -> Double {
        value(at: code.probeSlots[index].address, trial: t, lane: lane)
    }

    /// The value of tape or plane row `address` at trial t for a lane (replays).
    func value(at address: Address, trial t: Int, lane: Int) -> Double {
        let r = address.region.rawValue
        let row = base[r] + Int(address.slot) * slotSize[r] + (t + Int(address.shift)) * stride[r]
        return UnsafeMutableRawPointer(row).assumingMemoryBound(to: Double.self)[lane]
    }

    /// An observation drawn during a simulation: which column, lane and trial, and the outcome
    /// probabilities (P(y = k) for a choice, P(y = 1) for a binary column).
    public struct Draw {
        public let column: Int
        public let lane: Int
        public let trial: Int
        public let probabilities: [Double]
        /// The observation's distribution; for sequential_logit `probabilities` holds the
        /// coefficients x₀…x_{d−1} of the log-odds q(m) instead, for wiener a, τ, β, δ.
        public let distribution: ObservationDistribution
        /// Whether the draw is 0 or 1 (bernoulli_logit, bernoulli).
        public var binary: Bool { distribution == .bernoulliLogit || distribution == .bernoulli }
    }

    /// A forward run that draws every observation instead of reading it: `trialStart` runs
    /// before each trial (to set the answered mask, say); at each observation, for every lane,
    /// `draw` returns the value (1…K, or 0/1) and may write the columns the task produces in
    /// response (`setPlaneValue`) before the model reads them.
    public func simulate(theta: UnsafePointer<Double>, trialStart: (Int) -> Void, draw: (Draw) -> Double) {
        load(theta: theta)
        withoutActuallyEscaping(draw) { draw in
            withoutActuallyEscaping(trialStart) { trialStart in
                runForward(
                    main,
                    hook: { [self] index, t in
                        guard index >= 0 else { trialStart(t); return }
                        guard let sampler = code.samplers[index] else { return }
                        for l in 0..<lanes where value(at: sampler.predicate, trial: t, lane: l) != 0 {
                            let probabilities = sampler.probabilities.map { value(at: $0, trial: t, lane: l) }
                            let v = draw(
                                Draw(
                                    column: sampler.column, lane: l, trial: t, probabilities: probabilities,
                                    distribution: sampler.distribution))
                            setPlaneValue(sampler.plane, trial: t, lane: l, v)
                        }
                    })
            }
        }
    }

    // MARK: The loops

    private func runForward(_ program: CompiledProgram, hook: ((Int, Int) -> Void)? = nil) {
        let w = width
        let ll = base[Address.Region.logLikelihood.rawValue]
        for t in 0..<trials {
            let trialRows = program.rows(at: t)
            hook?(-1, t)
            for index in 0..<program.forwardCount {
                let instruction = program.forward[index]
                let rows = trialRows + Int(instruction.first)
                let n = Int(instruction.size)
                switch instruction.kind {
                case .elementwise:
                    instruction.loops!.forwardLoop(rows[0], rows[1], rows[2], rows[3], w)
                case .gather: StructuralKernels.gather(rows, n: n, w: w)
                case .scatter: StructuralKernels.scatter(rows, n: n, w: w, masked: instruction.flags & 1 != 0)
                case .scatterMap: instruction.loops!.scatterMapForward(rows, n: n, w: w, starts: Int(instruction.flags))
                case .softmax: StructuralKernels.softmax(rows, n: n, w: w)
                case .observeSoftmax2:
                    hook?(index, t)
                    ObservationKernels.softmax2(
                        rows, w: w, logLikelihood: ll, writesLogProbability: instruction.flags & 1 != 0)
                case .observeSoftmax:
                    hook?(index, t)
                    ObservationKernels.softmax(
                        rows, n: n, w: w, offered: instruction.flags & 2 != 0, logLikelihood: ll,
                        writesLogProbability: instruction.flags & 1 != 0)
                case .observeScaledSoftmax2:
                    ObservationKernels.scaledSoftmax2(
                        rows, w: w, logLikelihood: ll, writesLogProbability: instruction.flags & 1 != 0)
                case .observeScaledSoftmax:
                    ObservationKernels.scaledSoftmax(
                        rows, n: n, w: w, logLikelihood: ll, writesLogProbability: instruction.flags & 1 != 0)
                case .observeLapseSoftmax:
                    ObservationKernels.lapseSoftmax(
                        rows, n: n, w: w, workspace: workspace, logLikelihood: ll,
                        writesLogProbability: instruction.flags & 1 != 0)
                case .observeCategorical:
                    hook?(index, t)
                    ObservationKernels.categorical(
                        rows, n: n, w: w, logLikelihood: ll, writesLogProbability: instruction.flags & 1 != 0)
                case .observeBernoulliLogit:
                    hook?(index, t)
                    ObservationKernels.bernoulliLogit(
                        rows, w: w, logLikelihood: ll, writesLogProbability: instruction.flags & 1 != 0)
                case .observeBernoulli:
                    hook?(index, t)
                    ObservationKernels.bernoulli(
                        rows, w: w, logLikelihood: ll, writesLogProbability: instruction.flags & 1 != 0)
                case .observeWiener:
                    hook?(index, t)
                    ObservationKernels.wiener(
                        rows, w: w, logLikelihood: ll, writesLogProbability: instruction.flags & 1 != 0)
                case .observeSequentialLogit:
                    hook?(index, t)
                    ObservationKernels.sequentialLogit(
                        rows, d: n, w: w, logLikelihood: ll, writesLogProbability: instruction.flags & 1 != 0)
                case .carryIn:
                    if instruction.flags & MachineInstruction.inPlaceFlag != 0 && !blockStartTrials[t] { continue }
                    let blockStart = rows[0]
                    for e in 0..<n {
                        let start = rows[1 + 3 * e], carry = rows[2 + 3 * e], initial = rows[3 + 3 * e]
                        if instruction.flags & (1 << UInt64(e)) != 0 {
                            for j in 0..<w { start[j] = carry[j] }
                        } else {
                            for j in 0..<w {
                                start[j] = carry[j].replacing(with: initial[j], where: blockStart[j] .!= 0)
                            }
                        }
                    }
                case .commit:
                    let answered = rows[0]
                    for e in 0..<n {
                        let carry = rows[1 + 3 * e], final = rows[2 + 3 * e], start = rows[3 + 3 * e]
                        for j in 0..<w { carry[j] = start[j].replacing(with: final[j], where: answered[j] .!= 0) }
                    }
                default:
                    preconditionFailure("a backward instruction in a forward program")
                }
            }
        }
    }

    private func runBackward(_ t: Int) {
        let w = width
        let program = main
        let zero = base[Address.Region.zero.rawValue]
        let trialRows = program.rows(at: t)
        for index in 0..<program.backwardCount {
            let instruction = program.backward[index]
            let rows = trialRows + Int(instruction.first)
            let n = Int(instruction.size)
            let modes = program.modes + Int(instruction.modes)
            switch instruction.kind {
            case .elementwiseAdjoint:
                instruction.loops!.backwardLoop(
                    instruction.elementwiseModes, rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6],
                    rows[7], w)
            case .gatherAdjoint: StructuralKernels.gatherAdjoint(rows, n: n, w: w, modes: modes)
            case .scatterAdjoint:
                StructuralKernels.scatterAdjoint(rows, n: n, w: w, modes: modes, flags: instruction.flags)
            case .scatterMapAdjoint:
                instruction.loops!.scatterMapBackward(rows, n: n, w: w, starts: Int(instruction.flags), modes: modes)
            case .softmaxAdjoint: StructuralKernels.softmaxAdjoint(rows, n: n, w: w, modes: modes)
            case .observeSoftmax2Adjoint: ObservationKernels.softmax2Adjoint(rows, w: w, modes: modes)
            case .observeSoftmaxAdjoint: ObservationKernels.softmaxAdjoint(rows, n: n, w: w, modes: modes)
            case .observeScaledSoftmax2Adjoint: ObservationKernels.scaledSoftmax2Adjoint(rows, w: w, modes: modes)
            case .observeScaledSoftmaxAdjoint: ObservationKernels.scaledSoftmaxAdjoint(rows, n: n, w: w, modes: modes)
            case .observeLapseSoftmaxAdjoint: ObservationKernels.lapseSoftmaxAdjoint(rows, n: n, w: w, modes: modes)
            case .observeCategoricalAdjoint: ObservationKernels.categoricalAdjoint(rows, n: n, w: w, modes: modes)
            case .observeScalarAdjoint: ObservationKernels.scalarAdjoint(rows, w: w, modes: modes)
            case .seed:
                // v = λcarry for every element first (a final may be another element's start),
                // then λcarry restarts from 0 on answered lanes, then λfinal ⊕= v there.
                let answered = rows[0]
                for e in 0..<n {
                    let carry = rows[1 + 2 * e], saved = workspace + e * w
                    for j in 0..<w {
                        saved[j] = carry[j]
                        carry[j] = carry[j].replacing(with: 0, where: answered[j] .!= 0)
                    }
                }
                for e in 0..<n where modes[e] != .skip {
                    let target = rows[2 + 2 * e], saved = workspace + e * w
                    for j in 0..<w {
                        StructuralKernels.write(
                            modes[e], target, j, Lanes(repeating: 0).replacing(with: saved[j], where: answered[j] .!= 0)
                        )
                    }
                }
            case .carryInAdjoint:
                guard blockStartTrials[t] else { continue }
                let blockStart = rows[0]
                for e in 0..<n where instruction.flags & (1 << UInt64(e)) == 0 {
                    let carry = rows[1 + 2 * e], gradient = rows[2 + 2 * e]
                    if gradient != zero {
                        for j in 0..<w {
                            gradient[j] += Lanes(repeating: 0).replacing(with: carry[j], where: blockStart[j] .!= 0)
                        }
                    }
                    for j in 0..<w { carry[j] = carry[j].replacing(with: 0, where: blockStart[j] .!= 0) }
                }
            default:
                preconditionFailure("a forward instruction in a backward program")
            }
        }
    }
}

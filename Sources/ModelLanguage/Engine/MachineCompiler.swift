/// Compiles a `TrialProgram` into `MachineCode` for one purpose.
///
/// **Gradient.** (1) Fuse a·b + c into fma and c − a·b into fnma where the product is used
/// once. (2) Keep only what reaches an observation, through the state carried between trials
/// (fixed point). (3) Split by level: what depends on data alone runs once, in the pre-pass,
/// writing planes the main program reads; the rest runs on every evaluation. (4) Activity:
/// a value gets an adjoint λ when the gradient can reach it. (5) Tape what the backward
/// steps read; keep everything else in scratch rows reused when dead; the same for λ rows in
/// backward order. (6) Adjoint modes: the first contribution to a λ in the backward sweep
/// assigns, later ones accumulate, so nothing is zeroed per trial.
///
/// **Replay and simulation.** One forward program, no split; every probe and state element is
/// taped (kept per trial), and observations write log p per trial.
enum MachineCompiler {
    typealias Value = TrialProgram.Value

    static func compile(_ program: TrialProgram, purpose: MachineCode.Purpose) -> MachineCode {
        var compiler = MachineCompilation(program: program, purpose: purpose)
        return compiler.run()
    }
}

/// A working copy of an instruction (fusion rewrites them).
struct Node {
    var operation: TrialProgram.Instruction.Operation
    var operands: [TrialProgram.Value]
    var outputs: [Int]
    var location: SourceLocation
    /// A softmax observation whose utilities are β·xₖ: operands [predicate, β, x₁…xₙ].
    var scaled = false
    /// A categorical observation of the lapse mixture (1 − ξ)·softmax(u) + ξ/n: operands
    /// [predicate, ξ, u₁…uₙ].
    var lapse = false
    /// A scatter that writes the carried state itself (its inputs are the trial's start values,
    /// its outputs the state's final values): answered lanes only.
    var commits = false
    /// For a committing scatter: the start register of each output's state element.
    var commitStarts: [Int] = []
    /// A committing scatter whose element inputs were each f(the element's start, values
    /// common to every element): f and its arguments, nil where the start goes
    /// (`ScatterMapKernels`); the elementwise nodes that computed the inputs are not run.
    var map: (function: ElementwiseFunction, arguments: [TrialProgram.Value?])?
    var isObservation: Bool { if case .observe = operation { return true }; return false }
}

struct MachineCompilation {
    typealias Value = TrialProgram.Value
    let program: TrialProgram
    let purpose: MachineCode.Purpose
    var code: MachineCode
    var nodes: [Node]
    /// The node defining each instruction-output register.
    var definingNode: [Int: Int] = [:]
    var constantSlots: [Double: Int] = [:]
    /// Gradient programs: the λ row of each main state element's start (its λcarry row).
    var carriedLambda: [Int: Address] = [:]

    init(program: TrialProgram, purpose: MachineCode.Purpose) {
        self.program = program
        self.purpose = purpose
        code = MachineCode(purpose: purpose)
        nodes = program.instructions.map {
            Node(operation: $0.operation, operands: $0.operands, outputs: $0.outputs, location: $0.location)
        }
        for (i, n) in nodes.enumerated() { for r in n.outputs { definingNode[r] = i } }
    }

    // MARK: Driver

    mutating func run() -> MachineCode {
        code.regionSizes[Address.Region.parameter.rawValue] = program.parameterRegisters.count
        code.regionSizes[Address.Region.zero.rawValue] = 1
        code.regionSizes[Address.Region.logLikelihood.rawValue] = 1
        code.regionSizes[Address.Region.gradient.rawValue] = program.parameterRegisters.count
        code.regionSizes[Address.Region.plane.rawValue] = 2 // answered, block start
        fuse(usefulNodes())
        let useful = usefulNodes()
        switch purpose {
        case .gradient: compileGradient(useful)
        case .replay, .simulation: compileForward(useful)
        }
        return code
    }

    // MARK: Fusion

    /// a·b + c → fma(a, b, c) and c − a·b → fnma(a, b, c) when the product has one use.
    mutating func fuse(_ useful: [Bool]) {
        var uses: [Int: Int] = [:]
        for (i, n) in nodes.enumerated() where useful[i] {
            for case let .register(r) in n.operands { uses[r, default: 0] += 1 }
        }
        for s in program.states { if case let .register(r) = s.final { uses[r, default: 0] += 1 } }
        if purpose != .gradient {
            for p in program.probes { if case let .register(r) = p.value { uses[r, default: 0] += 1 } }
            for list in program.outcomeProbabilities.values {
                for case let .register(r) in list { uses[r, default: 0] += 1 }
            }
            if case let .register(r)? = program.reward { uses[r, default: 0] += 1 }
        }
        for i in nodes.indices {
            guard useful[i], case let .elementwise(f) = nodes[i].operation, f.name == "add" || f.name == "sub",
                program.registers[nodes[i].outputs[0]].level == .parameter
            else { continue }
            let candidates = f.name == "add" ? [1, 0] : [1]
            for side in candidates {
                guard case let .register(m) = nodes[i].operands[side], uses[m] == 1, let d = definingNode[m],
                    case let .elementwise(g) = nodes[d].operation, g.name == "mul"
                else { continue }
                let other = nodes[i].operands[1 - side]
                let fused = ElementwiseFunction.named(f.name == "add" ? "fma" : "fnma")
                nodes[i].operation = .elementwise(fused)
                nodes[i].operands = [nodes[d].operands[0], nodes[d].operands[1], other]
                nodes[d].outputs = [] // dead
                nodes[d].operands = []
                uses[m] = 0
                break
            }
        }
        // c + a·(b − c) → lerp(a, b, c) when the difference has one use.
        for i in nodes.indices {
            guard useful[i], case let .elementwise(f) = nodes[i].operation, f.name == "fma",
                case let .register(s) = nodes[i].operands[1], uses[s] == 1, let d = definingNode[s],
                case let .elementwise(g) = nodes[d].operation, g.name == "sub",
                nodes[d].operands[1] == nodes[i].operands[2]
            else { continue }
            nodes[i].operation = .elementwise(ElementwiseFunction.named("lerp"))
            nodes[i].operands = [nodes[i].operands[0], nodes[d].operands[0], nodes[i].operands[2]]
            nodes[d].outputs = []
            nodes[d].operands = []
            uses[s] = 0
        }
        // categorical((1 − ξ)·softmax(u) + ξ/n): one observation reading ξ and u.
        for i in nodes.indices {
            guard useful[i], purpose == .gradient, case .observe(.categorical, _, _) = nodes[i].operation else {
                continue
            }
            if let (xi, u, dead) = lapseMixture(Array(nodes[i].operands.dropFirst()), uses: uses) {
                nodes[i].operands = [nodes[i].operands[0], xi] + u
                nodes[i].lapse = true
                for d in dead { nodes[d].outputs = []; nodes[d].operands = [] }
            }
        }
        // softmax(β·x) observed: one instruction reading β and x.
        for i in nodes.indices {
            guard useful[i], purpose == .gradient, case .observe(.softmax, _, false) = nodes[i].operation else {
                continue
            }
            let u = Array(nodes[i].operands.dropFirst())
            var beta: Value?
            var x: [Value] = []
            var products: [Int] = []
            for v in u {
                guard case let .register(r) = v, uses[r] == 1, let d = definingNode[r],
                    case let .elementwise(g) = nodes[d].operation,
                    g.name == "mul", beta == nil || nodes[d].operands[0] == beta
                else { x = []; break }
                beta = nodes[d].operands[0]
                x.append(nodes[d].operands[1])
                products.append(d)
            }
            guard x.count == u.count, let beta, program.level(beta) == .parameter else { continue }
            nodes[i].operands = [nodes[i].operands[0], beta] + x
            nodes[i].scaled = true
            for d in products { nodes[d].outputs = []; nodes[d].operands = [] }
        }
    }

    /// Recognizes p_k = (1 − ξ)·softmax(u)_k + ξ/n (as fma nodes after fusion, the product in
    /// either order): returns ξ, u and the nodes it replaces.
    func lapseMixture(_ p: [Value], uses: [Int: Int]) -> (Value, [Value], [Int])? {
        let n = p.count
        var weight: Value?, offset: Value?, softmaxNode: Int?
        var dead: [Int] = []
        for (k, v) in p.enumerated() {
            guard case let .register(r) = v, uses[r] == 1, let d = definingNode[r],
                case let .elementwise(f) = nodes[d].operation,
                f.name == "fma"
            else { return nil }
            let ops = nodes[d].operands
            // One factor is softmax output k, the other the weight 1 − ξ.
            var s: Value?, w: Value?
            for (x, y) in [(ops[0], ops[1]), (ops[1], ops[0])] {
                if case let .register(rs) = x, let sd = definingNode[rs], case .softmax = nodes[sd].operation,
                    nodes[sd].outputs.count == n, nodes[sd].outputs[k] == rs, uses[rs] == 1,
                    softmaxNode == nil || softmaxNode == sd
                {
                    s = x; w = y; softmaxNode = sd
                    break
                }
            }
            guard s != nil, let w, weight == nil || weight == w, offset == nil || offset == ops[2] else { return nil }
            weight = w
            offset = ops[2]
            dead.append(d)
        }
        // weight = 1 − ξ and offset = ξ/n for the same ξ.
        guard let weight, let offset, let sd = softmaxNode,
            case let .register(wr) = weight, let wd = definingNode[wr], case let .elementwise(wf) = nodes[wd].operation,
            wf.name == "sub",
            nodes[wd].operands[0] == .constant(1),
            case let .register(orr) = offset, let od = definingNode[orr],
            case let .elementwise(of) = nodes[od].operation
        else { return nil }
        let xi = nodes[wd].operands[1]
        let isShare =
            (of.name == "div" && nodes[od].operands == [xi, .constant(Double(n))])
            || (of.name == "mul"
                && (nodes[od].operands == [xi, .constant(1 / Double(n))]
                    || nodes[od].operands == [.constant(1 / Double(n)), xi]))
        guard isShare, program.level(xi) == .parameter else { return nil }
        return (xi, nodes[sd].operands, dead + [sd])
    }

    // MARK: What is needed

    /// Nodes that reach an observation (and, for replays, a probe), through the carried state.
    func usefulNodes() -> [Bool] {
        var useful = [Bool](repeating: false, count: nodes.count)
        var neededRegisters = Set<Int>()
        var work: [Int] = []
        func need(_ v: Value) {
            if case let .register(r) = v, neededRegisters.insert(r).inserted { work.append(r) }
        }
        for (i, n) in nodes.enumerated() where n.isObservation {
            useful[i] = true
            n.operands.forEach(need)
        }
        if purpose != .gradient {
            for p in program.probes { need(p.value) }
            for s in program.states { need(.register(s.start)) }
            if let r = program.reward { need(r) }
        }
        var startOf: [Int: Int] = [:]
        for (e, s) in program.states.enumerated() { startOf[s.start] = e }
        while let r = work.popLast() {
            if let d = definingNode[r], !nodes[d].outputs.isEmpty {
                if !useful[d] { useful[d] = true; nodes[d].operands.forEach(need) }
            } else if let e = startOf[r] {
                need(program.states[e].final)
                need(program.states[e].initial)
            }
        }
        return useful
    }

    func neededStates(_ useful: [Bool]) -> [Int] {
        var read = Set<Int>()
        for (i, n) in nodes.enumerated() where useful[i] { for case let .register(r) in n.operands { read.insert(r) } }
        var needed = Set<Int>()
        var changed = true
        while changed {
            changed = false
            for (e, s) in program.states.enumerated() where !needed.contains(e) {
                if read.contains(s.start) || (purpose != .gradient) {
                    needed.insert(e)
                    changed = true
                    if case let .register(r) = s.final { read.insert(r) }
                }
            }
            for (e, s) in program.states.enumerated() where needed.contains(e) {
                if case let .register(r) = s.final, program.states.contains(where: { $0.start == r }) {
                    for (f, t) in program.states.enumerated() where t.start == r && !needed.contains(f) {
                        needed.insert(f); changed = true
                    }
                }
            }
        }
        return needed.sorted()
    }

    // MARK: Storage helpers

    mutating func constant(_ x: Double) -> Address {
        if let s = constantSlots[x] { return Address(.constant, s) }
        let s = code.constants.count
        code.constants.append(x)
        constantSlots[x] = s
        code.regionSizes[Address.Region.constant.rawValue] = code.constants.count
        return Address(.constant, s)
    }

    mutating func newRow(_ region: Address.Region) -> Address {
        let s = code.regionSizes[region.rawValue]
        code.regionSizes[region.rawValue] += 1
        return Address(region, s)
    }

    mutating func dataPlane(_ column: Int) -> Address {
        if let p = code.dataPlanes[column] { return Address(.plane, p) }
        let a = newRow(.plane)
        code.dataPlanes[column] = Int(a.slot)
        return a
    }

    // MARK: Forward assembly

    /// Assigns storage to the trial-local registers of `order` (instruction outputs and the
    /// state starts of `elements`): `fixed` ones keep the address given, the rest get scratch
    /// rows reused after their last use.
    mutating func allocateScratch(
        order: [Int], elements: [Int], fixed: [Int: Address], into storage: inout [Int: Address]
    ) {
        var lastUse: [Int: Int] = [:]
        let end = order.count
        for (position, i) in order.enumerated() {
            for case let .register(r) in nodes[i].operands { lastUse[r] = position }
        }
        for e in elements {
            lastUse[program.states[e].start] = end
            if case let .register(r) = program.states[e].final { lastUse[r] = end }
        }
        var free: [Address] = []
        func take(_ r: Int) {
            if storage[r] != nil { return }
            if let f = fixed[r] { storage[r] = f; return }
            storage[r] = free.popLast() ?? newRow(.scratch)
        }
        for e in elements { take(program.states[e].start) }
        for (position, i) in order.enumerated() {
            for r in nodes[i].outputs { take(r) }
            for case let .register(r) in Set(nodes[i].operands) where lastUse[r] == position {
                if let a = storage[r], a.region == .scratch, fixed[r] == nil, definingNode[r] != nil || isStart(r) {
                    free.append(a)
                }
            }
            // Outputs never read are dead at once.
            for r in nodes[i].outputs where lastUse[r] == nil {
                if let a = storage[r], a.region == .scratch { free.append(a) }
            }
        }
    }

    func isStart(_ r: Int) -> Bool { if case .stateStart = program.registers[r].source { return true }; return false }

    mutating func address(_ v: Value, _ storage: [Int: Address]) -> Address {
        switch v {
        case let .constant(x): return constant(x)
        case let .register(r):
            if let a = storage[r] { return a }
            switch program.registers[r].source {
            case let .parameter(p): return Address(.parameter, p)
            case let .data(column): return dataPlane(column)
            default: preconditionFailure("register %\(r) has no storage")
            }
        }
    }

    /// Appends the forward instructions of `order` to `target`. Observations get taped factor
    /// rows (gradient) or a log p row (replay, simulation).
    mutating func assemble(
        order: [Int], storage: [Int: Address], into target: inout MachineProgram,
        factors: inout [Int: [Address]], logProbability: [Int: Address] = [:]
    ) {
        for i in order {
            let n = nodes[i]
            var instruction: MachineInstruction
            let first = Int32(target.addresses.count)
            func push(_ a: Address) { target.addresses.append(a) }
            switch n.operation {
            case let .elementwise(f):
                let args = n.operands.map { address($0, storage) }
                push(storage[n.outputs[0]]!)
                for k in 0..<3 { push(k < args.count ? args[k] : args[0]) }
                instruction = MachineInstruction(kind: .elementwise, first: first, count: 4)
                instruction.loops = f.loops
            case .gather:
                push(storage[n.outputs[0]]!)
                n.operands.forEach { push(address($0, storage)) }
                instruction = MachineInstruction(
                    kind: .gather, first: first, count: Int32(n.operands.count + 1), size: Int32(n.operands.count - 1))
            case .scatter where n.map != nil:
                let map = n.map!
                push(address(n.operands[0], storage))
                push(address(n.operands[1], storage))
                for j in 0..<3 {
                    push(j < map.arguments.count ? map.arguments[j].map { address($0, storage) } ?? .zero : .zero)
                }
                n.outputs.forEach { push(storage[$0]!) }
                push(Address(.plane, MachineCode.answeredPlane))
                n.commitStarts.forEach { push(storage[$0]!) }
                instruction = MachineInstruction(
                    kind: .scatterMap, first: first, count: Int32(target.addresses.count) - first,
                    size: Int32(n.outputs.count))
                instruction.flags = UInt64(Self.startPositions(map.arguments))
                instruction.loops = map.function.loops
            case .scatter:
                n.operands.forEach { push(address($0, storage)) }
                n.outputs.forEach { push(storage[$0]!) }
                if n.commits {
                    push(Address(.plane, MachineCode.answeredPlane))
                    n.commitStarts.forEach { push(storage[$0]!) }
                }
                instruction = MachineInstruction(
                    kind: .scatter, first: first, count: Int32(target.addresses.count) - first,
                    size: Int32(n.outputs.count))
                instruction.flags = n.commits ? 1 : 0
            case .softmax:
                n.operands.forEach { push(address($0, storage)) }
                n.outputs.forEach { push(storage[$0]!) }
                instruction = MachineInstruction(
                    kind: .softmax, first: first, count: Int32(2 * n.outputs.count), size: Int32(n.outputs.count))
            case let .observe(distribution, column, offered):
                push(dataPlane(column))
                push(Address(.plane, MachineCode.answeredPlane))
                n.operands.forEach { push(address($0, storage)) }
                let arguments = n.operands.count - 1
                let kind: MachineInstruction.Kind
                var size = arguments
                var factorCount = 1
                switch distribution {
                case .softmax where n.scaled:
                    size = arguments - 1
                    if size == 2 {
                        kind = .observeScaledSoftmax2
                    } else {
                        kind = .observeScaledSoftmax; factorCount = size
                    }
                case .softmax:
                    size = offered ? arguments / 2 : arguments
                    if size == 2 && !offered {
                        kind = .observeSoftmax2
                    } else {
                        kind = .observeSoftmax; factorCount = size
                    }
                case .categorical where n.lapse:
                    size = arguments - 1
                    kind = .observeLapseSoftmax
                    factorCount = size + 1
                case .categorical: kind = .observeCategorical
                case .bernoulliLogit: kind = .observeBernoulliLogit
                case .bernoulli: kind = .observeBernoulli
                case .sequentialLogit:
                    size = arguments - 1
                    kind = .observeSequentialLogit
                    factorCount = size
                case .wiener:
                    size = 1
                    kind = .observeWiener
                    factorCount = 4
                }
                let rows = factors[i] ?? (0..<factorCount).map { _ in newRow(.scratch) }
                rows.forEach(push)
                var flags: UInt64 = offered ? 2 : 0
                if let lp = logProbability[i] { push(lp); flags |= 1 }
                instruction = MachineInstruction(
                    kind: kind, first: first, count: Int32(target.addresses.count) - first, size: Int32(size))
                instruction.flags = flags
                factors[i] = rows
            }
            instruction.location = n.location
            instruction.sourceNode = i
            target.forward.append(instruction)
        }
    }

    /// carryIn at the top of the program, for `elements` with carry rows `carry`.
    mutating func carryIn(
        _ elements: [Int], carry: [Int: Address], storage: [Int: Address], inPlace: Bool = false,
        into target: inout MachineProgram
    ) {
        // One instruction per `MachineInstruction.elementsPerCarry` elements (a flag bit each).
        for chunk in stride(from: 0, to: elements.count, by: MachineInstruction.elementsPerCarry).reversed() {
            let part = elements[chunk..<min(elements.count, chunk + MachineInstruction.elementsPerCarry)]
            let first = Int32(target.addresses.count)
            target.addresses.append(Address(.plane, MachineCode.blockStartPlane))
            var flags: UInt64 = 0
            for (k, e) in part.enumerated() {
                let s = program.states[e]
                target.addresses.append(storage[s.start]!)
                target.addresses.append(inPlace ? storage[s.start]! : carry[e]!)
                target.addresses.append(address(s.initial, storage))
                if s.acrossBlocks { flags |= 1 << UInt64(k) }
            }
            if inPlace { flags |= MachineInstruction.inPlaceFlag }
            var instruction = MachineInstruction(
                kind: .carryIn, first: first, count: Int32(target.addresses.count) - first, size: Int32(part.count))
            instruction.flags = flags
            target.forward.insert(instruction, at: 0)
        }
    }

    /// carry = answered ? final : start for each element. With the state carried in the tape
    /// (`everyElement`), an element the trial does not change is copied too (the next trial
    /// starts from its own row).
    mutating func commit(
        _ elements: [Int], carry: [Int: Address], storage: [Int: Address], everyElement: Bool = false,
        into target: inout MachineProgram
    ) {
        let changed = elements.filter { e in
            let final = program.states[e].final
            if case let .register(r) = final, let d = definingNode[r], nodes[d].commits { return false }
            return everyElement || final != .register(program.states[e].start)
        }
        guard !changed.isEmpty else { return }
        let first = Int32(target.addresses.count)
        target.addresses.append(Address(.plane, MachineCode.answeredPlane))
        for e in changed {
            let s = program.states[e]
            target.addresses.append(carry[e]!)
            target.addresses.append(address(s.final, storage))
            target.addresses.append(storage[s.start]!)
        }
        target.forward.append(
            MachineInstruction(
                kind: .commit, first: first, count: Int32(target.addresses.count) - first, size: Int32(changed.count)))
    }

    /// Carry rows for `elements` (or, `inTape`, their start rows at the next trial), with their
    /// initial values for the first trial.
    mutating func carryRows(_ elements: [Int], inTape storage: [Int: Address]? = nil) -> [Int: Address] {
        var rows: [Int: Address] = [:]
        for e in elements {
            let s = program.states[e]
            let row = storage.map { $0[s.start]! } ?? newRow(.carry)
            rows[e] = storage == nil ? row : row.next
            var parameter: Int?
            if case let .register(r) = s.initial, case let .parameter(p) = program.registers[r].source { parameter = p }
            code.carryInitial.append((row, s.initial.constant, parameter))
        }
        return rows
    }

    // MARK: Replay and simulation

    mutating func compileForward(_ useful: [Bool]) {
        let order = nodes.indices.filter { useful[$0] }
        let elements = neededStates(useful)
        var storage: [Int: Address] = [:]
        var fixed: [Int: Address] = [:]
        // Kept per trial: state starts, probes, the reward.
        for e in elements {
            let row = newRow(.tape)
            fixed[program.states[e].start] = row
            code.probeSlots.append((program.states[e].label, row))
        }
        for p in program.probes {
            guard case let .register(r) = p.value else { continue }
            if fixed[r] == nil, definingNode[r] != nil || isStart(r) { fixed[r] = newRow(.tape) }
        }
        if case let .register(r)? = program.reward, fixed[r] == nil, definingNode[r] != nil { fixed[r] = newRow(.tape) }
        allocateScratch(order: order, elements: elements, fixed: fixed, into: &storage)
        for p in program.probes { code.probeSlots.append((p.name, address(p.value, storage))) }
        if let r = program.reward { code.probeSlots.append(("reward", address(r, storage))) }
        var logProbability: [Int: Address] = [:]
        for i in order where nodes[i].isObservation {
            let row = newRow(.tape)
            logProbability[i] = row
            if case let .observe(_, column, _) = nodes[i].operation {
                code.probeSlots.append(("log_lik_\(column)", row))
            }
        }
        var factors: [Int: [Address]] = [:]
        var main = MachineProgram()
        assemble(order: order, storage: storage, into: &main, factors: &factors, logProbability: logProbability)
        let carry = carryRows(elements)
        carryIn(elements, carry: carry, storage: storage, into: &main)
        commit(elements, carry: carry, storage: storage, into: &main)
        if purpose == .simulation {
            // Each observation draws its column from the outcome probabilities the lowering
            // computed just before it.
            for (k, instruction) in main.forward.enumerated() {
                guard let i = instruction.sourceNode, case let .observe(distribution, column, _) = nodes[i].operation
                else { continue }
                let probabilities = program.outcomeProbabilities[i]!.map { address($0, storage) }
                code.samplers[k] = (
                    column, code.dataPlanes[column]!, probabilities, distribution,
                    address(nodes[i].operands[0], storage)
                )
            }
        }
        code.main = main
    }
}

extension TrialProgram {
    /// This program compiled for the lane machine.
    public func compiled(for purpose: MachineCode.Purpose) -> MachineCode {
        MachineCompiler.compile(self, purpose: purpose)
    }
}

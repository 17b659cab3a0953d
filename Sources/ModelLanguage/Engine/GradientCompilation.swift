/// The gradient half of `MachineCompiler`: the split into a data pre-pass and a main program,
/// activity, the tape, and the backward steps with their adjoint rows and modes.
extension MachineCompilation {
    /// An operand of a backward step before adjoint rows are assigned.
    enum AdjointOperand {
        /// A value from the forward pass (tape, plane, parameter, constant).
        case value(Address)
        /// λ of a register, read.
        case read(Int)
        /// λ of a register, written (assign or accumulate, decided in order).
        case write(Int)
        /// A fixed row (λ of carried state, a gradient row, zeros).
        case fixed(Address)
        /// An output λ position with nothing to write (the argument carries no gradient).
        case none
        /// An output λ position the kernel handles itself, at this row (mode skip).
        case handled(Address)
    }

    struct AdjointStep {
        var kind: MachineInstruction.Kind
        var operands: [AdjointOperand]
        var size = 0
        var flags: UInt64 = 0
        var function: ElementwiseFunction? = nil
    }

    mutating func compileGradient(_ useful: [Bool]) {
        let elements = neededStates(useful)
        let registers = program.registers
        let isMain = nodes.map { n in n.isObservation || n.outputs.contains { registers[$0].level == .parameter } }
        var mainOrder = nodes.indices.filter { useful[$0] && isMain[$0] }
        let prepassOrder = nodes.indices.filter { useful[$0] && !isMain[$0] }
        let mainElements = elements.filter { program.states[$0].level == .parameter }
        let prepassElements = elements.filter { program.states[$0].level != .parameter }

        // Data values the main program reads, and every data index, live in planes.
        var planeRegisters = Set<Int>()
        for i in mainOrder { for case let .register(r) in nodes[i].operands { planeRegisters.insert(r) } }
        for e in mainElements {
            if case let .register(r) = program.states[e].final { planeRegisters.insert(r) }
        }
        var indexOf: [(register: Int, range: Int, location: SourceLocation)] = []
        for i in mainOrder + prepassOrder {
            switch nodes[i].operation {
            case .gather, .scatter:
                if case let .register(r) = nodes[i].operands[0] {
                    let range = nodes[i].operation.isGather ? nodes[i].operands.count - 1 : nodes[i].operands.count - 2
                    indexOf.append((r, range, nodes[i].location))
                    planeRegisters.insert(r)
                }
            default: break
            }
        }
        let prepassDefined = Set(
            prepassOrder.flatMap { nodes[$0].outputs } + prepassElements.map { program.states[$0].start })
        var fixed: [Int: Address] = [:]
        for r in planeRegisters where prepassDefined.contains(r) { fixed[r] = newRow(.plane) }
        var storage: [Int: Address] = [:]
        allocateScratch(order: prepassOrder, elements: prepassElements, fixed: fixed, into: &storage)
        for check in indexOf {
            let plane = address(.register(check.register), storage)
            code.indexChecks.append(IndexCheck(plane: Int(plane.slot), range: check.range, location: check.location))
        }
        var noFactors: [Int: [Address]] = [:]
        var prepass = MachineProgram()
        assemble(order: prepassOrder, storage: storage, into: &prepass, factors: &noFactors)
        let prepassCarry = carryRows(prepassElements)
        carryIn(prepassElements, carry: prepassCarry, storage: storage, into: &prepass)
        commit(prepassElements, carry: prepassCarry, storage: storage, into: &prepass)
        code.prepass = prepass

        // The main program: what the gradient reaches, what its adjoints read.
        let active = activeRegisters(mainOrder: mainOrder, mainElements: mainElements)
        let mainLocal = Set(mainOrder.flatMap { nodes[$0].outputs } + mainElements.map { program.states[$0].start })
        var taped = Set<Int>()
        for i in mainOrder where nodes[i].outputs.contains(where: active.contains) || nodes[i].isObservation {
            switch nodes[i].operation {
            case let .elementwise(f):
                for (k, v) in nodes[i].operands.enumerated() where f.readsArguments[k] {
                    if let r = v.register { taped.insert(r) }
                }
                if f.readsOutput { taped.insert(nodes[i].outputs[0]) }
            case .softmax:
                nodes[i].outputs.forEach { taped.insert($0) }
            case .observe where nodes[i].scaled:
                for case let .register(r) in nodes[i].operands.dropFirst() { taped.insert(r) }
            default: break
            }
        }
        var mainFixed: [Int: Address] = [:]
        // The carried state lives in the tape: each element's start row at trial t + 1 is
        // where trial t commits its final value.
        for e in mainElements { mainFixed[program.states[e].start] = newRow(.tape) }
        for r in taped where mainLocal.contains(r) && mainFixed[r] == nil { mainFixed[r] = newRow(.tape) }
        let mainCarry = carryRows(mainElements, inTape: mainFixed)
        // A scatter whose outputs are only the state's final values writes the next trial's
        // start rows itself: the scattered values on answered lanes, the trial's start values on
        // the others. No commit, no seed for those elements. Its adjoint then resets λ of the
        // starts (which are the λcarry rows), so no instruction after it may read a start, and
        // its value and other inputs must not be starts.
        var useCount: [Int: Int] = [:]
        for i in mainOrder { for case let .register(r) in nodes[i].operands { useCount[r, default: 0] += 1 } }
        for e in elements { if case let .register(r) = program.states[e].final { useCount[r, default: 0] += 1 } }
        let startRegisters = Set(mainElements.map { program.states[$0].start })
        for (position, i) in mainOrder.enumerated() {
            guard case .scatter = nodes[i].operation else { continue }
            let later = mainOrder[(position + 1)...]
            guard
                !later.contains(where: {
                    nodes[$0].operands.contains { $0.register.map(startRegisters.contains) ?? false }
                }),
                !(nodes[i].operands[1].register.map(startRegisters.contains) ?? false)
            else { continue }
            var rows: [Int: Address] = [:]
            var starts: [Int] = []
            for (k, out) in nodes[i].outputs.enumerated() {
                guard useCount[out] == 1, !taped.contains(out),
                    let e = mainElements.first(where: { program.states[$0].final == .register(out) })
                else { rows = [:]; break }
                let input = nodes[i].operands[2 + k]
                guard
                    input == .register(program.states[e].start)
                        || !(input.register.map(startRegisters.contains) ?? false)
                else {
                    rows = [:]; break
                }
                rows[out] = mainCarry[e]!
                starts.append(program.states[e].start)
            }
            guard rows.count == nodes[i].outputs.count else { continue }
            nodes[i].commits = true
            nodes[i].commitStarts = starts
            for (r, a) in rows { mainFixed[r] = a }
        }
        let mapped = fuseScatterMaps(order: mainOrder, useCount: useCount, startRegisters: startRegisters)
        mainOrder.removeAll(where: mapped.contains)
        allocateScratch(order: mainOrder, elements: mainElements, fixed: mainFixed, into: &storage)
        var factors: [Int: [Address]] = [:]
        for i in mainOrder {
            guard case let .observe(distribution, _, offered) = nodes[i].operation else { continue }
            let arguments = nodes[i].operands.count - 1
            let size =
                distribution == .softmax ? (nodes[i].scaled ? arguments - 1 : offered ? arguments / 2 : arguments) : 1
            let count =
                nodes[i].lapse
                ? arguments
                : distribution == .softmax && (size > 2 || offered)
                    ? size
                    : distribution == .sequentialLogit ? arguments - 1 : distribution == .wiener ? 4 : 1
            factors[i] = (0..<count).map { _ in newRow(.tape) }
        }
        var main = MachineProgram()
        assemble(order: mainOrder, storage: storage, into: &main, factors: &factors)
        carryIn(mainElements, carry: mainCarry, storage: storage, inPlace: true, into: &main)
        commit(mainElements, carry: mainCarry, storage: storage, everyElement: true, into: &main)

        let steps = adjointSteps(
            mainOrder: mainOrder, mainElements: mainElements, active: active, storage: storage, factors: factors)
        emitBackward(steps, into: &main)
        code.main = main
    }

    /// Committing scatters whose every element input is f(the element's own start, values
    /// common to all elements) with one use — `Q -= F * Q; Q[c] = v` — take f over
    /// (`Node.map`, `ScatterMapKernels`): returns the elementwise nodes no longer run. Only for
    /// an f whose adjoint does not read its output (the fused adjoint recomputes nothing it
    /// would need), and common values that are not state starts (their λ is a plain λ row).
    mutating func fuseScatterMaps(order: [Int], useCount: [Int: Int], startRegisters: Set<Int>) -> Set<Int> {
        var dropped = Set<Int>()
        let inOrder = Set(order)
        for i in order where nodes[i].commits {
            let n = nodes[i].outputs.count
            var function: ElementwiseFunction?
            var arguments: [TrialProgram.Value?] = []
            var sources: [Int] = []
            for k in 0..<n {
                guard case let .register(r) = nodes[i].operands[2 + k], useCount[r] == 1, let d = definingNode[r],
                    inOrder.contains(d),
                    case let .elementwise(f) = nodes[d].operation, !f.readsOutput, function == nil || function == f
                else { break }
                // Argument j is this element's start, or the same non-start value for every element.
                let own = TrialProgram.Value.register(nodes[i].commitStarts[k])
                let these: [TrialProgram.Value?] = nodes[d].operands.map { $0 == own ? nil : $0 }
                guard these.contains(where: { $0 == nil }),
                    !these.contains(where: { $0?.register.map(startRegisters.contains) ?? false }),
                    k == 0 || these == arguments
                else { break }
                function = f
                arguments = these
                sources.append(d)
            }
            guard sources.count == n, let function else { continue }
            nodes[i].map = (function, arguments)
            // The scatter now reads the common values itself (their lifetimes reach it).
            nodes[i].operands = Array(nodes[i].operands.prefix(2)) + arguments.compactMap { $0 }
            dropped.formUnion(sources)
        }
        return dropped
    }

    /// Bit j set where argument j of a map is the element's own start.
    static func startPositions(_ arguments: [TrialProgram.Value?]) -> Int {
        var mask = 0
        for (j, a) in arguments.enumerated() where a == nil { mask |= 1 << j }
        return mask
    }

    /// Registers whose adjoint can be non-zero: reached backward from the observations'
    /// differentiable arguments, through differentiable operands, and from a state element's
    /// start to its final value (the next trial's start).
    func activeRegisters(mainOrder: [Int], mainElements: [Int]) -> Set<Int> {
        var active = Set<Int>()
        var work: [Int] = []
        func mark(_ v: TrialProgram.Value) {
            if case let .register(r) = v, program.registers[r].level == .parameter, active.insert(r).inserted {
                work.append(r)
            }
        }
        for i in mainOrder {
            guard case let .observe(distribution, _, offered) = nodes[i].operation else { continue }
            let arguments = Array(nodes[i].operands.dropFirst())
            let differentiable =
                distribution == .softmax && offered ? Array(arguments.prefix(arguments.count / 2)) : arguments
            differentiable.forEach(mark)
        }
        var finalOf: [Int: [TrialProgram.Value]] = [:]
        for e in mainElements { finalOf[program.states[e].start, default: []].append(program.states[e].final) }
        while let r = work.popLast() {
            if let d = definingNode[r] {
                let n = nodes[d]
                switch n.operation {
                case let .elementwise(f):
                    for (k, v) in n.operands.enumerated() where f.differentiableArguments[k] { mark(v) }
                case .gather: n.operands.dropFirst().forEach(mark)
                case .scatter: n.operands.dropFirst().forEach(mark)
                case .softmax: n.operands.forEach(mark)
                case .observe: break
                }
            }
            finalOf[r]?.forEach(mark)
        }
        return active
    }

    /// The backward steps in execution order: seeds from the carried state (answered lanes
    /// only), the instructions' adjoints in reverse, the carry-in adjoint. Parameters' λ go
    /// straight into the gradient rows.
    mutating func adjointSteps(
        mainOrder: [Int], mainElements: [Int], active: Set<Int>, storage: [Int: Address],
        factors: [Int: [Address]]
    ) -> [AdjointStep] {
        var steps: [AdjointStep] = []
        let activeElements = mainElements.enumerated().filter { active.contains(program.states[$0.element].start) }
        // The λ of every element's start is its λcarry row (it holds the λ of the next trial's
        // start when the trial's backward step begins).
        for (k, e) in mainElements.enumerated() { carriedLambda[program.states[e].start] = Address(.carryAdjoint, k) }
        var committed: [Int: Int] = [:] // final register → carry-adjoint slot, for scatters that commit
        for (k, e) in mainElements.enumerated() {
            if case let .register(r) = program.states[e].final, let d = definingNode[r], nodes[d].commits {
                committed[r] = k
            }
        }
        // λ of the carried state flows into each changed element's final value (answered lanes);
        // there λ of the start restarts from 0.
        var seed = AdjointStep(kind: .seed, operands: [.value(Address(.plane, MachineCode.answeredPlane))])
        for (k, e) in activeElements {
            let final = program.states[e].final
            if final == .register(program.states[e].start) { continue }
            if case let .register(r) = final, committed[r] != nil { continue }
            var target = AdjointOperand.none
            if case let .register(r) = final, active.contains(r) { target = .write(r) }
            seed.operands += [.fixed(Address(.carryAdjoint, k)), target]
        }
        if seed.operands.count > 1 { seed.size = (seed.operands.count - 1) / 2; steps.append(seed) }
        func lambda(_ v: TrialProgram.Value) -> AdjointOperand? {
            if case let .register(r) = v, active.contains(r) { return .write(r) }
            return nil
        }
        for i in mainOrder.reversed() {
            let n = nodes[i]
            switch n.operation {
            case let .elementwise(f):
                guard active.contains(n.outputs[0]) else { continue }
                let args = n.operands.map { address($0, storage) }
                var operands: [AdjointOperand] = [.read(n.outputs[0])]
                for k in 0..<3 { operands.append(.value(k < args.count ? args[k] : args[0])) }
                operands.append(.value(storage[n.outputs[0]]!))
                for k in 0..<3 {
                    if k < n.operands.count, f.differentiableArguments[k], let l = lambda(n.operands[k]) {
                        operands.append(l)
                    } else {
                        operands.append(.none)
                    }
                }
                steps.append(AdjointStep(kind: .elementwiseAdjoint, operands: operands, function: f))
            case .gather:
                guard active.contains(n.outputs[0]) else { continue }
                var operands: [AdjointOperand] = [.read(n.outputs[0]), .value(address(n.operands[0], storage))]
                for v in n.operands.dropFirst() { operands.append(lambda(v) ?? .none) }
                steps.append(AdjointStep(kind: .gatherAdjoint, operands: operands, size: n.operands.count - 1))
            case .scatter where n.map != nil:
                let map = n.map!
                guard n.outputs.contains(where: active.contains) else { continue }
                var operands: [AdjointOperand] = [
                    .value(address(n.operands[0], storage)), lambda(n.operands[1]) ?? .none
                ]
                for r in n.outputs { operands.append(.fixed(Address(.carryAdjoint, committed[r]!))) }
                let arguments = (0..<3).map { j in j < map.arguments.count ? map.arguments[j] : nil }
                for a in arguments { operands.append(.value(a.map { address($0, storage) } ?? .zero)) }
                for (j, a) in arguments.enumerated() {
                    let differentiable = j < map.function.arity && map.function.differentiableArguments[j]
                    operands.append(a.flatMap { differentiable ? lambda($0) : nil } ?? .none)
                }
                operands.append(.value(Address(.plane, MachineCode.answeredPlane)))
                for r in n.commitStarts { operands.append(.value(storage[r]!)) }
                steps.append(
                    AdjointStep(
                        kind: .scatterMapAdjoint, operands: operands, size: n.outputs.count,
                        flags: UInt64(Self.startPositions(map.arguments)), function: map.function))
            case .scatter:
                guard n.outputs.contains(where: active.contains) else { continue }
                var operands: [AdjointOperand] = [
                    .value(address(n.operands[0], storage)), lambda(n.operands[1]) ?? .none
                ]
                for r in n.outputs {
                    if let k = committed[r] {
                        operands.append(.fixed(Address(.carryAdjoint, k)))
                    } else {
                        operands.append(active.contains(r) ? .read(r) : .fixed(.zero))
                    }
                }
                var flags: UInt64 = 0
                for (k, v) in n.operands.dropFirst(2).enumerated() {
                    if n.commits && v == .register(n.commitStarts[k]) {
                        // The input is the start: its λ row is the output's λcarry row itself
                        // (the kernel sees the same row twice).
                        operands.append(.handled(Address(.carryAdjoint, committed[n.outputs[k]]!)))
                    } else {
                        operands.append(lambda(v) ?? .none)
                    }
                }
                if n.commits {
                    operands.append(.value(Address(.plane, MachineCode.answeredPlane)))
                    flags |= MachineInstruction.carriedFlag
                }
                steps.append(
                    AdjointStep(kind: .scatterAdjoint, operands: operands, size: n.outputs.count, flags: flags))
            case .softmax:
                guard n.outputs.contains(where: active.contains) else { continue }
                var operands: [AdjointOperand] = n.outputs.map { .value(storage[$0]!) }
                for r in n.outputs { operands.append(active.contains(r) ? .read(r) : .fixed(.zero)) }
                for v in n.operands { operands.append(lambda(v) ?? .none) }
                steps.append(AdjointStep(kind: .softmaxAdjoint, operands: operands, size: n.outputs.count))
            case let .observe(distribution, column, offered):
                let arguments = Array(n.operands.dropFirst())
                let rows = factors[i]!
                switch distribution {
                case .softmax where n.scaled:
                    let beta = arguments[0], x = Array(arguments.dropFirst())
                    guard arguments.contains(where: { lambda($0) != nil }) else { continue }
                    var operands =
                        rows.map { AdjointOperand.value($0) } + [AdjointOperand.value(address(beta, storage))]
                    operands += x.map { .value(address($0, storage)) }
                    operands += [lambda(beta) ?? .none] + x.map { lambda($0) ?? .none }
                    steps.append(
                        AdjointStep(
                            kind: rows.count == 1 ? .observeScaledSoftmax2Adjoint : .observeScaledSoftmaxAdjoint,
                            operands: operands, size: x.count))
                case .softmax:
                    let u = offered ? Array(arguments.prefix(arguments.count / 2)) : arguments
                    guard u.contains(where: { lambda($0) != nil }) else { continue }
                    let operands = rows.map { AdjointOperand.value($0) } + u.map { lambda($0) ?? .none }
                    steps.append(
                        AdjointStep(
                            kind: rows.count == 1 ? .observeSoftmax2Adjoint : .observeSoftmaxAdjoint,
                            operands: operands, size: u.count))
                case .categorical where n.lapse:
                    guard arguments.contains(where: { lambda($0) != nil }) else { continue }
                    let xi = arguments[0], u = Array(arguments.dropFirst())
                    let operands =
                        rows.map { AdjointOperand.value($0) } + u.map { lambda($0) ?? .none } + [lambda(xi) ?? .none]
                    steps.append(AdjointStep(kind: .observeLapseSoftmaxAdjoint, operands: operands, size: u.count))
                case .categorical:
                    guard arguments.contains(where: { lambda($0) != nil }) else { continue }
                    let operands: [AdjointOperand] =
                        [.value(dataPlane(column)), .value(rows[0])] + arguments.map { lambda($0) ?? .none }
                    steps.append(
                        AdjointStep(kind: .observeCategoricalAdjoint, operands: operands, size: arguments.count))
                case .bernoulliLogit, .bernoulli:
                    guard let l = lambda(arguments[0]) else { continue }
                    steps.append(AdjointStep(kind: .observeScalarAdjoint, operands: [.value(rows[0]), l], size: 1))
                case .sequentialLogit:
                    let x = Array(arguments.dropLast())
                    guard x.contains(where: { lambda($0) != nil }) else { continue }
                    let operands = rows.map { AdjointOperand.value($0) } + x.map { lambda($0) ?? .none }
                    steps.append(AdjointStep(kind: .observeSoftmaxAdjoint, operands: operands, size: x.count))
                case .wiener:
                    // λ of a, τ, β, δ ⊕= their factors; the response time is data.
                    let x = Array(arguments.prefix(4))
                    guard x.contains(where: { lambda($0) != nil }) else { continue }
                    let operands = rows.map { AdjointOperand.value($0) } + x.map { lambda($0) ?? .none }
                    steps.append(AdjointStep(kind: .observeSoftmaxAdjoint, operands: operands, size: 4))
                }
            }
        }
        // At a block start the state was reset: λ goes to a parameter initial value, not back
        // to the previous trial.
        // One step per `MachineInstruction.elementsPerCarry` elements (a flag bit each).
        for chunk in Swift.stride(from: 0, to: activeElements.count, by: MachineInstruction.elementsPerCarry) {
            let elements = activeElements[
                chunk..<min(activeElements.count, chunk + MachineInstruction.elementsPerCarry)]
            var carry = AdjointStep(
                kind: .carryInAdjoint, operands: [.value(Address(.plane, MachineCode.blockStartPlane))])
            for (position, (k, e)) in elements.enumerated() {
                let s = program.states[e]
                var gradient = Address.zero
                if case let .register(r) = s.initial, case let .parameter(p) = program.registers[r].source {
                    gradient = Address(.gradient, p)
                }
                carry.operands += [.fixed(Address(.carryAdjoint, k)), .fixed(gradient)]
                if s.acrossBlocks {
                    carry.flags |= 1 << UInt64(position)
                    if gradient != .zero { code.initialGradients.append((k, Int(gradient.slot))) }
                }
            }
            carry.size = elements.count
            steps.append(carry)
        }
        code.regionSizes[Address.Region.carryAdjoint.rawValue] = max(
            code.regionSizes[Address.Region.carryAdjoint.rawValue], mainElements.count)
        return steps
    }

    /// Assigns λ rows (reused once a λ has been read for the last time) and modes (the first
    /// write assigns, later ones accumulate), and appends the backward instructions.
    mutating func emitBackward(_ steps: [AdjointStep], into target: inout MachineProgram) {
        var lastRead: [Int: Int] = [:]
        for (s, step) in steps.enumerated() {
            for case let .read(r) in step.operands { lastRead[r] = s }
        }
        var rows: [Int: Address] = [:]
        var free: [Address] = []
        var written = Set<Int>()
        // λ rows that are an observation's factor rows themselves (never returned to `free`).
        var aliased = Set<Int>()
        func isParameter(_ r: Int) -> Bool {
            if case .parameter = program.registers[r].source { return true }
            return false
        }
        for (s, step) in steps.enumerated() {
            var addresses: [Address] = []
            var modes: [AdjointMode] = []
            var dying: [Int] = []
            // These observation adjoints only copy: the second half of their operands are λ rows
            // and each gets ⊕= the factor row at the same position in the first half. A λ that
            // nothing wrote yet then needs no row of its own and no copy: its row is the factor
            // row (which nothing reads after this step; a later contribution accumulates there).
            let copies = step.kind == .observeSoftmaxAdjoint || step.kind == .observeLapseSoftmaxAdjoint
            let half = step.operands.count / 2
            for (q, operand) in step.operands.enumerated() {
                if copies, q >= half, case let .write(r) = operand, carriedLambda[r] == nil,
                    !isParameter(r), lastRead[r] != nil, !written.contains(r),
                    case let .value(factor) = step.operands[q - half]
                {
                    rows[r] = factor
                    written.insert(r)
                    aliased.insert(r)
                    addresses.append(.zero)
                    modes.append(.skip)
                    continue
                }
                switch operand {
                case let .value(a), let .fixed(a):
                    addresses.append(a)
                case .none:
                    addresses.append(.zero)
                    modes.append(.skip)
                case let .handled(a):
                    addresses.append(a)
                    modes.append(.skip)
                case let .read(r):
                    addresses.append(written.contains(r) ? rows[r]! : .zero)
                    if lastRead[r] == s { dying.append(r) }
                case let .write(r):
                    if let row = carriedLambda[r] {
                        // λ of a start: its λcarry row, always accumulated.
                        addresses.append(row)
                        modes.append(.accumulate)
                        continue
                    }
                    if case let .parameter(p) = program.registers[r].source {
                        // Every λ source is masked (observation factors, seeds), so parameter
                        // adjoints accumulate straight into the gradient across trials.
                        addresses.append(Address(.gradient, p))
                        modes.append(.accumulate)
                        continue
                    }
                    guard lastRead[r] != nil else {
                        // Nobody reads this λ: skip the write.
                        addresses.append(.zero)
                        modes.append(.skip)
                        continue
                    }
                    if rows[r] == nil { rows[r] = free.popLast() ?? newRow(.adjoint) }
                    addresses.append(rows[r]!)
                    modes.append(written.insert(r).inserted ? .assign : .accumulate)
                }
            }
            for r in dying {
                if let a = rows[r] {
                    if !aliased.contains(r) { free.append(a) }
                    rows[r] = nil
                    written.remove(r)
                }
            }
            var instruction = MachineInstruction(
                kind: step.kind, first: Int32(target.addresses.count), count: Int32(addresses.count),
                size: Int32(step.size), modes: Int32(target.modes.count))
            instruction.flags = step.flags
            target.addresses += addresses
            // One mode per output λ position, in operand order; elementwise kernels have theirs baked in.
            if let f = step.function { instruction.loops = f.loops; instruction.elementwiseModes = AdjointModes(modes) }
            target.modes += modes
            target.backward.append(instruction)
        }
    }
}

extension TrialProgram.Instruction.Operation {
    var isGather: Bool { if case .gather = self { return true }; return false }
}

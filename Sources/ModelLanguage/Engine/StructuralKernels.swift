/// The lane machine's vector-level steps: picking an element by a data index (gather), replacing
/// one (scatter), softmax, and their adjoints. `p` holds the instruction's operand rows in the
/// layout `MachineInstruction.Kind` documents; `n` is the vector length and `w` the number of
/// lane vectors per row. Option numbers are 1-based doubles; an index matching no element (0 on
/// a missed trial) leaves the first element (gather) or nothing (scatter): such lanes are
/// masked by the caller.
enum StructuralKernels {
    typealias Rows = UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>

    @inline(__always) static func write(_ mode: AdjointMode, _ row: UnsafeMutablePointer<Lanes>, _ j: Int, _ v: Lanes) {
        switch mode {
        case .skip: break
        case .assign: row[j] = v
        case .accumulate: row[j] += v
        }
    }

    /// [y, index, e₁…eₙ]: y = e_index.
    static func gather(_ p: Rows, n: Int, w: Int) {
        let y = p[0], index = p[1]
        if n == 2 {
            let e1 = p[2], e2 = p[3]
            for j in 0..<w { y[j] = e1[j].replacing(with: e2[j], where: index[j] .== 2) }
            return
        }
        if n == 4 {
            let e1 = p[2], e2 = p[3], e3 = p[4], e4 = p[5]
            for j in 0..<w {
                let i = index[j]
                y[j] = e1[j].replacing(with: e2[j], where: i .== 2).replacing(with: e3[j], where: i .== 3)
                    .replacing(with: e4[j], where: i .== 4)
            }
            return
        }
        for j in 0..<w {
            var v = p[2][j]
            let i = index[j]
            for k in 1..<n { v = v.replacing(with: p[2 + k][j], where: i .== Lanes(repeating: Double(k + 1))) }
            y[j] = v
        }
    }

    /// [λy, index, λe₁…λeₙ]: λe_k ⊕= λy where index = k.
    static func gatherAdjoint(_ p: Rows, n: Int, w: Int, modes: UnsafePointer<AdjointMode>) {
        let l = p[0], index = p[1]
        if n == 4 && (0..<4).allSatisfy({ modes[$0] == .accumulate }) {
            // Four options, every λ accumulated (the chosen value of a carried state): lane
            // vectors outer, the index and λ read once, the rows held in registers.
            let t1 = p[2], t2 = p[3], t3 = p[4], t4 = p[5], zero = Lanes(repeating: 0)
            for j in 0..<w {
                let i = index[j], lj = l[j]
                t1[j] += zero.replacing(with: lj, where: i .== 1)
                t2[j] += zero.replacing(with: lj, where: i .== 2)
                t3[j] += zero.replacing(with: lj, where: i .== 3)
                t4[j] += zero.replacing(with: lj, where: i .== 4)
            }
            return
        }
        for k in 0..<n where modes[k] != .skip {
            let target = p[2 + k], key = Lanes(repeating: Double(k + 1))
            if modes[k] == .assign {
                for j in 0..<w { target[j] = Lanes(repeating: 0).replacing(with: l[j], where: index[j] .== key) }
            } else {
                for j in 0..<w { target[j] += Lanes(repeating: 0).replacing(with: l[j], where: index[j] .== key) }
            }
        }
    }

    /// [index, value, e₁…eₙ, y₁…yₙ, (answered, start₁…startₙ)]: y_k = value where index = k,
    /// else e_k; when `masked` (the outputs are the carried state), unanswered lanes keep
    /// their start values.
    static func scatter(_ p: Rows, n: Int, w: Int, masked: Bool) {
        let index = p[0], value = p[1]
        if masked {
            let answered = p[2 + 2 * n]
            for k in 0..<n {
                let e = p[2 + k], y = p[2 + n + k], start = p[3 + 2 * n + k], key = Lanes(repeating: Double(k + 1))
                for j in 0..<w {
                    let updated = e[j].replacing(with: value[j], where: index[j] .== key)
                    y[j] = start[j].replacing(with: updated, where: answered[j] .!= 0)
                }
            }
            return
        }
        for k in 0..<n {
            let e = p[2 + k], y = p[2 + n + k], key = Lanes(repeating: Double(k + 1))
            for j in 0..<w { y[j] = e[j].replacing(with: value[j], where: index[j] .== key) }
        }
    }

    /// [index, λvalue, λy₁…λyₙ, λe₁…λeₙ, (answered)]; modes [value, e₁…eₙ]: λvalue ⊕= λy_index,
    /// λe_k ⊕= λy_k where index ≠ k. For a committing scatter (`carriedFlag`) the λy rows are
    /// the elements' λcarry (also the λ of their starts): only answered lanes flow into the
    /// trial, an input that is the element's own start keeps λy where index ≠ k (and on
    /// unanswered lanes) in place, and another input's start restarts from 0 on answered lanes.
    static func scatterAdjoint(_ p: Rows, n: Int, w: Int, modes: UnsafePointer<AdjointMode>, flags: UInt64) {
        if flags & MachineInstruction.carriedFlag != 0 {
            let index = p[0], answered = p[2 + 2 * n]
            // λvalue ⊕= λy_index on answered lanes (read before the λy rows are reset below).
            if modes[0] != .skip {
                let lambdaValue = p[1]
                for j in 0..<w {
                    var v = Lanes(repeating: 0)
                    let i = index[j].replacing(with: 0, where: answered[j] .== 0)
                    for k in 0..<n { v = v.replacing(with: p[2 + k][j], where: i .== Lanes(repeating: Double(k + 1))) }
                    write(modes[0], lambdaValue, j, v)
                }
            }
            // Each element on its own, straight-line over the lanes (modes decided per row).
            for k in 0..<n {
                let ly = p[2 + k], key = Lanes(repeating: Double(k + 1))
                if p[2 + n + k] == ly {
                    // The input is the element's start (its λ row is the element's λcarry row):
                    // its λ stays where the index is not k.
                    for j in 0..<w {
                        ly[j] = ly[j].replacing(with: 0, where: (answered[j] .!= 0) .& (index[j] .== key))
                    }
                    continue
                }
                let le = p[2 + n + k]
                switch modes[1 + k] {
                case .skip:
                    for j in 0..<w { ly[j] = ly[j].replacing(with: 0, where: answered[j] .!= 0) }
                case .assign:
                    for j in 0..<w {
                        let counted = answered[j] .!= 0
                        le[j] = Lanes(repeating: 0).replacing(with: ly[j], where: counted .& (index[j] .!= key))
                        ly[j] = ly[j].replacing(with: 0, where: counted)
                    }
                case .accumulate:
                    for j in 0..<w {
                        let counted = answered[j] .!= 0
                        le[j] += Lanes(repeating: 0).replacing(with: ly[j], where: counted .& (index[j] .!= key))
                        ly[j] = ly[j].replacing(with: 0, where: counted)
                    }
                }
            }
            return
        }
        let index = p[0], lambdaValue = p[1]
        if modes[0] != .skip {
            for j in 0..<w {
                var v = Lanes(repeating: 0)
                let i = index[j]
                for k in 0..<n { v = v.replacing(with: p[2 + k][j], where: i .== Lanes(repeating: Double(k + 1))) }
                write(modes[0], lambdaValue, j, v)
            }
        }
        for k in 0..<n where modes[1 + k] != .skip {
            let ly = p[2 + k], le = p[2 + n + k], key = Lanes(repeating: Double(k + 1))
            if modes[1 + k] == .assign {
                for j in 0..<w { le[j] = ly[j].replacing(with: 0, where: index[j] .== key) }
            } else {
                for j in 0..<w { le[j] += ly[j].replacing(with: 0, where: index[j] .== key) }
            }
        }
    }

    /// [u₁…uₙ, y₁…yₙ]: y = softmax(u), max-shifted (an element at −∞ gets probability 0).
    static func softmax(_ p: Rows, n: Int, w: Int) {
        for j in 0..<w {
            var m = p[0][j]
            for k in 1..<n { m = m.replacing(with: p[k][j], where: p[k][j] .> m) }
            var total = Lanes(repeating: 0)
            for k in 0..<n {
                // u − m ≤ 0; an element at −∞ (an option not offered) gets exactly 0.
                let u = p[k][j]
                let e = expNonPositive(u - m).replacing(with: 0, where: u .== -.infinity)
                p[n + k][j] = e
                total += e
            }
            let inverse = 1 / total
            for k in 0..<n { p[n + k][j] *= inverse }
        }
    }

    /// [y₁…yₙ, λy₁…λyₙ, λu₁…λuₙ]: λu_k ⊕= y_k·(λy_k − Σ_i λy_i·y_i).
    static func softmaxAdjoint(_ p: Rows, n: Int, w: Int, modes: UnsafePointer<AdjointMode>) {
        for j in 0..<w {
            var s = Lanes(repeating: 0)
            for k in 0..<n { s = s.addingProduct(p[n + k][j], p[k][j]) }
            for k in 0..<n {
                let v = p[k][j] * (p[n + k][j] - s)
                write(modes[k], p[2 * n + k], j, v.replacing(with: 0, where: (p[n + k][j] .== 0) .& (s .== 0)))
            }
        }
    }
}

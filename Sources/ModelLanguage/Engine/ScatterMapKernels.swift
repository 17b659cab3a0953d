/// The committing scatter over an elementwise map: every element of a state vector becomes
/// f(its start value, values common to all elements), then the indexed element is replaced —
/// `Q -= F * Q; Q[choice] = v`, hBayesDM's fictive decay of every deck before the chosen one
/// learns — in one step over the lanes instead of n elementwise steps, their n adjoints (three
/// λ rows each) and a scatter:
///
///     yₖ = startₖ                        on unanswered lanes (the state is left as it was)
///     yₖ = value                         where index = k
///     yₖ = f(argsₖ)                      otherwise, argsₖ[j] = startₖ where bit j of `starts`, else bⱼ
///
/// The outputs are the next trial's start rows (the carried state), so in the backward pass
/// λyₖ is the element's λcarry row, which this step turns, in place, into the λ of startₖ:
/// λvalue ⊕= λy_index and, with λeₖ = λyₖ on answered lanes where index ≠ k,
/// λstartₖ = λeₖ·Σ_{j ∈ starts} ∂f/∂argⱼ there (λyₖ itself on unanswered lanes, 0 where index =
/// k), λbⱼ ⊕= Σₖ λeₖ·∂f/∂argⱼ. A zero λ stays zero where a partial may be infinite.
///
/// Forward rows: [index, value, b₀, b₁, b₂, y₁…yₙ, answered, start₁…startₙ].
/// Backward rows: [index, λvalue, λy₁…λyₙ, b₀, b₁, b₂, λb₀, λb₁, λb₂, answered, start₁…startₙ],
/// modes [value, b₀, b₁, b₂]. A bⱼ that is a start position, or beyond f's arity, is any row.
///
/// The loops are written once, here, over any primitive `F`; the `ElementwiseLoops` extension
/// below instantiates them for each primitive type, so every primitive gets its own specialized
/// copy (as its elementwise loops do).
enum ScatterMapKernels {
    @inline(__always)
    static func forward<F: ElementwiseLoops>(
        _: F.Type, _ p: UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>, n: Int, w: Int, starts: Int
    ) {
        let index = p[0], value = p[1], answered = p[5 + n], commonA = p[2], commonB = p[3], commonC = p[4]
        // Lane vectors outer (the index, the mask and the common arguments read once, before
        // any output row of that lane vector is written), one branch-free loop per combination
        // of start positions (as in `backward`).
        @inline(__always) func element(
            _ startA: Bool, _ startB: Bool, _ startC: Bool, _ j: Int, _ key: Lanes, _ y: UnsafeMutablePointer<Lanes>,
            _ startRow: UnsafeMutablePointer<Lanes>, _ counted: SIMDMask<SIMD4<Int64>>, _ i: Lanes, _ v: Lanes,
            _ a: Lanes, _ b: Lanes, _ c: Lanes
        ) {
            let start = startRow[j]
            let e = F.value3(startA ? start : a, startB ? start : b, startC ? start : c)
            y[j] = start.replacing(with: e.replacing(with: v, where: i .== key), where: counted)
        }
        @inline(__always) func run(_ startA: Bool, _ startB: Bool, _ startC: Bool) {
            if n == 4 {
                // Four options (the common case beyond two): the rows held in registers.
                let y0 = p[5], y1 = p[6], y2 = p[7], y3 = p[8], s0 = p[10], s1 = p[11], s2 = p[12], s3 = p[13]
                for j in 0..<w {
                    let counted = answered[j] .!= 0, i = index[j], v = value[j]
                    let a = commonA[j], b = commonB[j], c = commonC[j]
                    element(startA, startB, startC, j, Lanes(repeating: 1), y0, s0, counted, i, v, a, b, c)
                    element(startA, startB, startC, j, Lanes(repeating: 2), y1, s1, counted, i, v, a, b, c)
                    element(startA, startB, startC, j, Lanes(repeating: 3), y2, s2, counted, i, v, a, b, c)
                    element(startA, startB, startC, j, Lanes(repeating: 4), y3, s3, counted, i, v, a, b, c)
                }
                return
            }
            for j in 0..<w {
                let counted = answered[j] .!= 0, i = index[j], v = value[j]
                let a = commonA[j], b = commonB[j], c = commonC[j]
                var key = Lanes(repeating: 1)
                for k in 0..<n {
                    element(startA, startB, startC, j, key, p[5 + k], p[6 + n + k], counted, i, v, a, b, c)
                    key += 1
                }
            }
        }
        switch starts {
        case 6: run(false, true, true) // f(common, start, start): Q − F·Q
        case 2: run(false, true, false) // f(common, start, ·): F·Q
        case 1: run(true, false, false) // f(start, ·, ·)
        default: run(starts & 1 != 0, starts & 2 != 0, starts & 4 != 0)
        }
    }

    @inline(__always)
    static func backward<F: ElementwiseLoops>(
        _: F.Type, _ p: UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>, n: Int, w: Int, starts: Int,
        modes: UnsafePointer<AdjointMode>
    ) {
        let index = p[0], lambdaValue = p[1], answered = p[8 + n], la = p[5 + n], lb = p[6 + n], lc = p[7 + n]
        let startA = starts & 1 != 0, startB = starts & 2 != 0, startC = starts & 4 != 0
        // Which λ rows get a sum (an "assign" row starts from 0, then every write adds).
        let writeValue = modes[0] != .skip
        let writeA = !startA && modes[1] != .skip, writeB = !startB && modes[2] != .skip,
            writeC = !startC && modes[3] != .skip
        func clearIfAssigned(_ write: Bool, _ mode: AdjointMode, _ row: UnsafeMutablePointer<Lanes>) {
            if write && mode == .assign { for j in 0..<w { row[j] = .zero } }
        }
        clearIfAssigned(writeValue, modes[0], lambdaValue)
        clearIfAssigned(writeA, modes[1], la)
        clearIfAssigned(writeB, modes[2], lb)
        clearIfAssigned(writeC, modes[3], lc)
        let guarded = F.partialsMayBeInfinite
        // Lane vectors outer, elements inner: the index, the mask and the common arguments are
        // read once per lane vector, and the λ sums over the elements stay in registers. The
        // start/common choices are the same for every lane vector, so each combination gets its
        // own branch-free loop.
        let commonRowA = p[2 + n], commonRowB = p[3 + n], commonRowC = p[4 + n]
        // One element's step at lane vector j: its λ row turned into the λ of its start, the
        // λ sums carried in registers.
        @inline(__always) func element(
            _ startA: Bool, _ startB: Bool, _ startC: Bool, _ j: Int, _ key: Lanes, _ ly: UnsafeMutablePointer<Lanes>,
            _ startRow: UnsafeMutablePointer<Lanes>, _ counted: SIMDMask<SIMD4<Int64>>, _ i: Lanes,
            _ commonA: Lanes, _ commonB: Lanes, _ commonC: Lanes,
            _ sumA: inout Lanes, _ sumB: inout Lanes, _ sumC: inout Lanes, _ sumValue: inout Lanes
        ) {
            let start = startRow[j]
            let a = startA ? start : commonA, b = startB ? start : commonB, c = startC ? start : commonC
            let l = ly[j]
            let chosen = i .== key
            // λvalue: λy at the index (answered lanes); λ of this element's map output:
            // the answered lanes where the index is another element.
            sumValue = sumValue.replacing(with: l, where: chosen)
            let le = Lanes(repeating: 0).replacing(with: l, where: counted .& .!chosen)
            let (da, db, dc) = F.partials3(a, b, c, y: F.value3(a, b, c))
            let ga = scaled(le, da, guarded: guarded), gb = scaled(le, db, guarded: guarded),
                gc = scaled(le, dc, guarded: guarded)
            var toStart = Lanes(repeating: 0)
            if startA { toStart += ga } else { sumA += ga }
            if startB { toStart += gb } else { sumB += gb }
            if startC { toStart += gc } else { sumC += gc }
            ly[j] = l.replacing(with: toStart, where: counted)
        }
        @inline(__always) func finish(
            _ j: Int, _ counted: SIMDMask<SIMD4<Int64>>, _ sums: (Lanes, Lanes, Lanes, Lanes),
            _ writes: (value: Bool, a: Bool, b: Bool, c: Bool)
        ) {
            if writes.value { lambdaValue[j] += Lanes(repeating: 0).replacing(with: sums.3, where: counted) }
            if writes.a { la[j] += sums.0 }
            if writes.b { lb[j] += sums.1 }
            if writes.c { lc[j] += sums.2 }
        }
        // Four options (the common case beyond two): the rows held in registers, and which λ
        // sums are written known inside the loop (so their products are not deferred to a
        // branch at its end, which kept every element's values alive across it).
        @inline(__always) func four(
            _ startA: Bool, _ startB: Bool, _ startC: Bool, _ writes: (value: Bool, a: Bool, b: Bool, c: Bool)
        ) {
            let l0 = p[2], l1 = p[3], l2 = p[4], l3 = p[5]
            let s0 = p[13], s1 = p[14], s2 = p[15], s3 = p[16]
            for j in 0..<w {
                let counted = answered[j] .!= 0, i = index[j]
                let commonA = commonRowA[j], commonB = commonRowB[j], commonC = commonRowC[j]
                var sumA = Lanes(repeating: 0), sumB = Lanes(repeating: 0), sumC = Lanes(repeating: 0),
                    sumValue = Lanes(repeating: 0)
                element(
                    startA, startB, startC, j, Lanes(repeating: 1), l0, s0, counted, i, commonA, commonB, commonC,
                    &sumA, &sumB, &sumC, &sumValue)
                element(
                    startA, startB, startC, j, Lanes(repeating: 2), l1, s1, counted, i, commonA, commonB, commonC,
                    &sumA, &sumB, &sumC, &sumValue)
                element(
                    startA, startB, startC, j, Lanes(repeating: 3), l2, s2, counted, i, commonA, commonB, commonC,
                    &sumA, &sumB, &sumC, &sumValue)
                element(
                    startA, startB, startC, j, Lanes(repeating: 4), l3, s3, counted, i, commonA, commonB, commonC,
                    &sumA, &sumB, &sumC, &sumValue)
                finish(j, counted, (sumA, sumB, sumC, sumValue), writes)
            }
        }
        let writes = (value: writeValue, a: writeA, b: writeB, c: writeC)
        @inline(__always) func run(_ startA: Bool, _ startB: Bool, _ startC: Bool) {
            if n == 4 {
                if writes == (true, !startA, !startB, !startC) {
                    // Every λ sum of a common argument written (a parameter's gradient, say).
                    four(startA, startB, startC, (true, !startA, !startB, !startC))
                } else {
                    four(startA, startB, startC, writes)
                }
                return
            }
            for j in 0..<w {
                let counted = answered[j] .!= 0, i = index[j]
                let commonA = commonRowA[j], commonB = commonRowB[j], commonC = commonRowC[j]
                var sumA = Lanes(repeating: 0), sumB = Lanes(repeating: 0), sumC = Lanes(repeating: 0),
                    sumValue = Lanes(repeating: 0)
                var key = Lanes(repeating: 1)
                for k in 0..<n {
                    element(
                        startA, startB, startC, j, key, p[2 + k], p[9 + n + k], counted, i, commonA, commonB, commonC,
                        &sumA, &sumB, &sumC, &sumValue)
                    key += 1
                }
                finish(j, counted, (sumA, sumB, sumC, sumValue), writes)
            }
        }
        switch starts {
        case 6: run(false, true, true) // f(common, start, start): Q − F·Q
        case 2: run(false, true, false) // f(common, start, ·): F·Q
        case 1: run(true, false, false) // f(start, ·, ·)
        default: run(startA, startB, startC)
        }
    }
}

extension ElementwiseLoops {
    public static func scatterMapForward(
        _ p: UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>, n: Int, w: Int, starts: Int
    ) {
        ScatterMapKernels.forward(Self.self, p, n: n, w: w, starts: starts)
    }
    public static func scatterMapBackward(
        _ p: UnsafeMutablePointer<UnsafeMutablePointer<Lanes>>, n: Int, w: Int, starts: Int,
        modes: UnsafePointer<AdjointMode>
    ) {
        ScatterMapKernels.backward(Self.self, p, n: n, w: w, starts: starts, modes: modes)
    }
}

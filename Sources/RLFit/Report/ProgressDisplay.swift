import Foundation

/// Live progress of the chains on standard error.
///
/// On a terminal: one line per chain, redrawn in place at most ten times a second — phase
/// (warmup/sampling), iteration / total, divergences so far, elapsed time, ETA. Not on a
/// terminal (cluster logs, pipes): a plain line per chain at every 10% of its iterations.
/// `quiet` prints nothing. Called from the chains' threads; serialized by a lock.
public final class ProgressDisplay: @unchecked Sendable {
    public enum Mode: Sendable { case terminal, plain, quiet }

    struct ChainState {
        var iteration = 0
        var total = 0
        var warmup = 0
        var divergences = 0
        var warmupDivergences = 0
        /// When the chain's first iteration was reported (chains beyond the thread count wait).
        var started: Double? = nil
        var finished = false
        var lastPlainDecile = -1
    }

    private let mode: Mode
    private let chainIDs: [Int]
    private var states: [Int: ChainState] = [:]
    private let lock = NSLock()
    private var lastDraw: Double = 0
    private var drawnLines = 0
    private let output: (String) -> Void

    public init(chainIDs: [Int], warmup: Int, draws: Int, mode: Mode, output: ((String) -> Void)? = nil) {
        self.mode = mode
        self.chainIDs = chainIDs
        self.output = output ?? { FileHandle.standardError.write(Data($0.utf8)) }
        for id in chainIDs { states[id] = ChainState(iteration: 0, total: warmup + draws, warmup: warmup) }
    }

    /// `.terminal` when standard error is a terminal, `.plain` otherwise, `.quiet` if asked.
    public static func automaticMode(quiet: Bool) -> Mode {
        if quiet { return .quiet }
        return isatty(STDERR_FILENO) == 1 ? .terminal : .plain
    }

    /// Records that `chain` finished `iteration` (1-based) with `divergences` after warmup and
    /// `warmupDivergences` during warmup so far.
    public func update(chain: Int, iteration: Int, divergences: Int, warmupDivergences: Int = 0) {
        guard mode != .quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        guard var s = states[chain] else { return }
        s.iteration = iteration
        s.divergences = divergences
        s.warmupDivergences = warmupDivergences
        s.finished = iteration >= s.total
        let now = ProcessInfo.processInfo.systemUptime
        if s.started == nil { s.started = now }
        switch mode {
        case .terminal:
            states[chain] = s
            if s.finished || now - lastDraw >= 0.1 {
                lastDraw = now
                redraw(now: now)
            }
        case .plain:
            let decile = s.total == 0 ? 10 : (iteration * 10) / s.total
            if decile > s.lastPlainDecile {
                s.lastPlainDecile = decile
                output(line(chain: chain, s, now: now) + "\n")
            }
            states[chain] = s
        case .quiet:
            break
        }
    }

    /// A line of its own (what the fit does before the chains start), above the chains' lines.
    public func note(_ text: String) {
        guard mode != .quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        output(text + "\n")
        drawnLines = 0
    }

    /// Final redraw (terminal mode) so every line shows its last state.
    public func finish() {
        guard mode == .terminal else { return }
        lock.lock()
        defer { lock.unlock() }
        redraw(now: ProcessInfo.processInfo.systemUptime)
    }

    private func redraw(now: Double) {
        var text = ""
        if drawnLines > 0 { text += "\u{1B}[\(drawnLines)A" }
        for id in chainIDs { text += "\u{1B}[2K" + line(chain: id, states[id]!, now: now) + "\n" }
        drawnLines = chainIDs.count
        output(text)
    }

    func line(chain: Int, _ s: ChainState, now: Double) -> String {
        guard let started = s.started else {
            return "chain \(chain) \(ProgressDisplay.bar(0, width: 20)) waiting for a free core"
        }
        let elapsed = now - started
        let phase = s.iteration < s.warmup ? "warmup  " : "sampling"
        let fraction = s.total == 0 ? 1 : Double(s.iteration) / Double(s.total)
        let eta = s.iteration == 0 ? "?" : ProgressDisplay.duration(elapsed / fraction - elapsed)
        let width = String(s.total).count
        let iteration = String(repeating: " ", count: max(0, width - String(s.iteration).count)) + String(s.iteration)
        let bar = ProgressDisplay.bar(fraction, width: 20)
        let status =
            s.finished
            ? "done in \(ProgressDisplay.duration(elapsed))"
            : "\(ProgressDisplay.duration(elapsed)) elapsed, ETA \(eta)"
        // Warmup divergences are common while the step size and metric adapt; only those after
        // warmup bias the results, so they are shown apart.
        let divergences =
            s.iteration < s.warmup
            ? "divergences \(s.warmupDivergences) in warmup"
            : "divergences \(s.divergences)" + (s.warmupDivergences > 0 ? " (+\(s.warmupDivergences) in warmup)" : "")
        return "chain \(chain) \(bar) \(phase) \(iteration)/\(s.total)  \(divergences)  \(status)"
    }

    static func bar(_ fraction: Double, width: Int) -> String {
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds.rounded())
        return s < 3600
            ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}

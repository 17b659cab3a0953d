/// Stan's windowed warmup as a pure function of the number of warmup iterations
/// (Stan Reference Manual, "HMC algorithm parameters: automatic parameter tuning").
///
/// Warmup iterations 0..<warmup are split into
/// - an initial fast interval (`initBuffer`, default 75): step size only, while the chain
///   travels to the typical set;
/// - slow windows in which draws are accumulated for the metric; the first has `baseWindow`
///   (25) draws and each next one is twice as long; when the window after the next one would
///   pass the start of the terminal buffer, the next window is stretched to end there;
/// - a terminal fast interval (`termBuffer`, 50): step size only, for the final metric.
/// At the end of every slow window the metric is re-estimated from that window's draws, the
/// step-size heuristic is re-run and dual averaging restarts.
///
/// Fallbacks, as Stan:
/// - warmup < 20: no metric adaptation at all (`.noMetricAdaptation`; step size still adapts);
/// - initBuffer + baseWindow + termBuffer > warmup: the three stages become 15% / 75% / 10%
///   of warmup (buffers truncated toward zero, the window is the rest): one slow window
///   (`.reduced`). Stan 2.3x's code in this branch forgets to restart its window counter (so
///   its metric is never updated); the schedule here is the documented intent.
///
/// Examples (the tests check these): warmup 1000 → windows 75..<100, 100..<150, 150..<250,
/// 250..<450, 450..<950; warmup 100 → one window 15..<90.
public struct WarmupSchedule: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The buffers and base window as configured.
        case asConfigured
        /// Not enough warmup for the configured stages: 15% / 75% / 10%.
        case reduced
        /// warmup < 20: step size only.
        case noMetricAdaptation
    }

    public let warmup: Int
    public let kind: Kind
    /// The buffers actually used (after the fallback).
    public let initBuffer: Int
    public let termBuffer: Int
    /// The slow windows, as ranges of 0-based warmup iteration indices; the draw of every
    /// iteration in a window is added to that window's estimator, and the metric is updated
    /// after the window's last iteration.
    public let windows: [Range<Int>]

    public init(warmup: Int, initBuffer: Int = 75, termBuffer: Int = 50, baseWindow: Int = 25) {
        precondition(warmup >= 0 && initBuffer >= 0 && termBuffer >= 0 && baseWindow >= 1)
        self.warmup = warmup
        if warmup < 20 {
            kind = .noMetricAdaptation
            self.initBuffer = 0
            self.termBuffer = 0
            windows = []
            return
        }
        var initial = initBuffer, terminal = termBuffer, base = baseWindow
        if initBuffer + baseWindow + termBuffer > warmup {
            kind = .reduced
            initial = Int(0.15 * Double(warmup))
            terminal = Int(0.1 * Double(warmup))
            base = warmup - (initial + terminal)
        } else {
            kind = .asConfigured
        }
        self.initBuffer = initial
        self.termBuffer = terminal
        // Walk Stan's window counter.
        let lastSlow = warmup - terminal - 1
        var size = base
        var end = initial + size - 1
        var start = initial
        var result: [Range<Int>] = []
        while end <= lastSlow && start <= end {
            result.append(start..<(end + 1))
            if end == lastSlow { break }
            start = end + 1
            size *= 2
            var next = end + size
            if next != lastSlow && next + 2 * size >= warmup - terminal { next = lastSlow }
            end = min(next, lastSlow)
        }
        windows = result
    }

    /// The index of the window that ends at this warmup iteration, if any.
    public func windowEnding(at iteration: Int) -> Int? {
        windows.firstIndex { $0.upperBound - 1 == iteration }
    }

    /// The index of the window containing this warmup iteration, if any.
    public func window(containing iteration: Int) -> Int? {
        windows.firstIndex { $0.contains(iteration) }
    }

    /// The longest window (the capacity a window's draw buffer needs).
    public var longestWindow: Int { windows.map(\.count).max() ?? 0 }

    /// A one-line description for logs and warnings.
    public var summary: String {
        switch kind {
        case .noMetricAdaptation:
            return "warmup \(warmup) < 20: no metric adaptation, step size only"
        case .reduced, .asConfigured:
            let ws = windows.map { "\($0.lowerBound)–\($0.upperBound - 1)" }.joined(separator: ", ")
            let prefix =
                kind == .reduced
                ? "warmup \(warmup) is too short for the configured buffers; reduced to 15%/75%/10%: " : ""
            return prefix + "init buffer \(initBuffer), metric windows [\(ws)], term buffer \(termBuffer)"
        }
    }
}

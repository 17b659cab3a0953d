import Sampling
import XCTest

/// Stan's windowed adaptation (init buffer 75, base window 25, term buffer 50), derived by
/// hand from the rules: a window ends at counter `next`; after it the size doubles,
/// next = end + size, and if next + 2·size ≥ warmup − term the window is stretched to end at
/// warmup − term − 1.
final class WarmupScheduleTests: XCTestCase {
    /// warmup 1000: slow phase 75..<950. Windows end at 99 (25), then size 50 → 149
    /// (149 + 100 < 950), size 100 → 249 (249 + 200 < 950), size 200 → 449 (449 + 400 < 950),
    /// size 400 → 849 but 849 + 800 ≥ 950, stretched to 949. Stan's windows: ends at
    /// iterations 100, 150, 250, 450, 950 (1-based), sizes 25, 50, 100, 200, 500.
    func testWarmup1000MatchesStan() {
        let s = WarmupSchedule(warmup: 1000)
        XCTAssertEqual(s.kind, .asConfigured)
        XCTAssertEqual(s.windows, [75..<100, 100..<150, 150..<250, 250..<450, 450..<950])
        XCTAssertEqual(s.windows.map(\.count), [25, 50, 100, 200, 500])
        XCTAssertEqual(s.initBuffer, 75)
        XCTAssertEqual(s.termBuffer, 50)
        XCTAssertEqual(s.longestWindow, 500)
    }

    /// warmup 500: slow phase 75..<450 (last slow iteration 449). 99 (25); size 50 → 149,
    /// 149 + 100 = 249 < 450 keep; size 100 → 249, 249 + 200 = 449 < 450 keep; size 200 → 449
    /// = last slow iteration, exact. Windows 75..<100, 100..<150, 150..<250, 250..<450.
    func testWarmup500() {
        let s = WarmupSchedule(warmup: 500)
        XCTAssertEqual(s.kind, .asConfigured)
        XCTAssertEqual(s.windows, [75..<100, 100..<150, 150..<250, 250..<450])
    }

    /// warmup 200: 75 + 25 + 50 = 150 ≤ 200, as configured. Slow phase 75..<150 (last 149).
    /// 99 (25); size 50 → 149 = last slow iteration. Windows 75..<100, 100..<150.
    func testWarmup200() {
        let s = WarmupSchedule(warmup: 200)
        XCTAssertEqual(s.kind, .asConfigured)
        XCTAssertEqual(s.windows, [75..<100, 100..<150])
    }

    /// warmup 100: 75 + 25 + 50 = 150 > 100, so 15% / 75% / 10%: init buffer 15, term buffer
    /// 10, base window 75 → one window 15..<90, then 10 step-size-only iterations.
    func testWarmup100FallsBackTo15_75_10() {
        let s = WarmupSchedule(warmup: 100)
        XCTAssertEqual(s.kind, .reduced)
        XCTAssertEqual(s.initBuffer, 15)
        XCTAssertEqual(s.termBuffer, 10)
        XCTAssertEqual(s.windows, [15..<90])
    }

    /// warmup 150 fits exactly (75 + 25 + 50): one window 75..<100; warmup 149 does not:
    /// init ⌊22.35⌋ = 22, term ⌊14.9⌋ = 14, window 113 → 22..<135.
    func testBoundaryOfTheFallback() {
        XCTAssertEqual(WarmupSchedule(warmup: 150).windows, [75..<100])
        XCTAssertEqual(WarmupSchedule(warmup: 150).kind, .asConfigured)
        let s = WarmupSchedule(warmup: 149)
        XCTAssertEqual(s.kind, .reduced)
        XCTAssertEqual(s.windows, [22..<135])
    }

    /// warmup 160: first window 75..<100; next would end at 149 but 149 + 100 ≥ 110, so it is
    /// stretched to the last slow iteration 109: 100..<110.
    func testStretchedShortLastWindow() {
        XCTAssertEqual(WarmupSchedule(warmup: 160).windows, [75..<100, 100..<110])
    }

    /// Below 20 warmup iterations Stan adapts the step size only.
    func testNoMetricAdaptationUnder20() {
        for w in [0, 1, 10, 19] {
            let s = WarmupSchedule(warmup: w)
            XCTAssertEqual(s.kind, .noMetricAdaptation)
            XCTAssertEqual(s.windows, [])
        }
        XCTAssertEqual(WarmupSchedule(warmup: 20).windows, [3..<18])
    }

    func testWindowLookup() {
        let s = WarmupSchedule(warmup: 1000)
        XCTAssertNil(s.window(containing: 74))
        XCTAssertEqual(s.window(containing: 75), 0)
        XCTAssertEqual(s.window(containing: 949), 4)
        XCTAssertNil(s.window(containing: 950))
        XCTAssertEqual(s.windowEnding(at: 99), 0)
        XCTAssertEqual(s.windowEnding(at: 949), 4)
        XCTAssertNil(s.windowEnding(at: 100))
    }

    /// Windows are contiguous, start at the init buffer and end at warmup − term buffer, for
    /// every warmup length up to 3000.
    func testWindowsTileTheSlowPhase() {
        for w in 20...3000 {
            let s = WarmupSchedule(warmup: w)
            XCTAssertEqual(s.windows.first?.lowerBound, s.initBuffer, "warmup \(w)")
            XCTAssertEqual(s.windows.last?.upperBound, w - s.termBuffer, "warmup \(w)")
            for (a, b) in zip(s.windows, s.windows.dropFirst()) {
                XCTAssertEqual(a.upperBound, b.lowerBound, "warmup \(w)")
            }
        }
    }
}

import Diagnostics
import Foundation

/// `report.html`: one self-contained page (inline SVG and CSS, no scripts, no network) with the
/// diagnostics table and warnings, trace and rank plots of the group parameters, a forest plot
/// of every subject's parameters, and the posterior predictive learning curve.
enum HTMLReport {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"]

    static func html(
        title: String, report: FitReport, chains: [ChainRecord], subjectIDs: [String],
        parameterNames: [String], curves: LearningCurves?
    ) -> String {
        let d = report.diagnostics
        var body = "<h1>\(escape(title))</h1>\n"
        body += "<p class=verdict>verdict: <b>\(d.verdict)</b></p>\n"
        let warnings = d.warnings
        if !warnings.isEmpty {
            body += "<ul class=warnings>" + warnings.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        }
        body +=
            "<h2>Group parameters</h2>\n<table><tr><th>quantity</th><th>mean</th><th>sd</th><th>5%</th><th>95%</th><th>R-hat</th><th>ESS bulk</th><th>ESS tail</th></tr>\n"
        for name in report.groupNames {
            guard let s = d.summary(name) else { continue }
            let bad = s.rhat >= FitDiagnostics.rhatThreshold || min(s.essBulk, s.essTail) < FitDiagnostics.essThreshold
            body +=
                "<tr\(bad ? " class=bad" : "")><td>\(escape(name))</td>"
                + [s.mean, s.sd, s.q5, s.q95].map { "<td>\(fmt($0))</td>" }.joined()
                + "<td>\(String(format: "%.3f", s.rhat))</td><td>\(Int(s.essBulk.isFinite ? s.essBulk : 0))</td><td>\(Int(s.essTail.isFinite ? s.essTail : 0))</td></tr>\n"
        }
        body += "</table>\n"
        var facts: [String] = []
        if let w = d.worstRHat { facts.append("worst R-hat \(String(format: "%.3f", w.rhat)) (\(escape(w.name)))") }
        if let b = d.lowestBulkESS { facts.append("lowest bulk ESS \(Int(b.essBulk)) (\(escape(b.name)))") }
        facts.append("divergences \(d.divergences) of \(d.totalDraws)")
        facts.append("tree-depth hits \(d.treeDepthHits)")
        facts.append("E-BFMI " + d.ebfmi.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        body += "<p>" + facts.joined(separator: " · ") + "</p>\n"

        let index = chains[0].quantityPositions
        body +=
            "<h2>Trace and rank plots</h2>\n<p class=note>Trace: each chain's draws in order (colour = chain). Rank: the draws of all chains ranked together, each chain's ranks binned; uniform bars mean the chains agree (Vehtari et al. 2021).</p>\n<div class=grid>"
        for name in report.groupNames {
            guard let k = index[name] else { continue }
            let series = chains.map { $0.column(k) }
            body +=
                "<figure><figcaption>\(escape(name))</figcaption>" + tracePlot(series) + rankPlot(series) + "</figure>"
        }
        body += "</div>\n"

        body +=
            "<h2>Subjects</h2>\n<p class=note>Posterior mean and 95% interval of each subject's parameters.</p>\n<div class=grid>"
        for p in parameterNames {
            var rows: [(String, Double, Double, Double)] = []
            for (s, id) in subjectIDs.enumerated() {
                guard let k = index["\(p).\(s + 1)"] else { continue }
                let values = chains.flatMap { $0.column(k) }
                let q = quantiles(values, probabilities: [0.025, 0.975])
                rows.append((id, values.reduce(0, +) / Double(max(values.count, 1)), q[0], q[1]))
            }
            if !rows.isEmpty {
                body += "<figure><figcaption>\(escape(p))</figcaption>" + forestPlot(rows) + "</figure>"
            }
        }
        body += "</div>\n"

        if let c = curves, !c.trials.isEmpty {
            body +=
                "<h2>Posterior predictive learning curve</h2>\n<p class=note>Share of choices of the better option (the one whose choices earned most within ±10 trials, so reversals are followed), by trial within block, over all subjects: observed (black) against choices simulated one step ahead from posterior draws (blue: mean and 90% band over draws).</p>\n"
            body += learningCurvePlot(c)
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>
            body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1200px}
            h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;font-size:13px}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}
            td:first-child,th:first-child{text-align:left}tr.bad td{background:#fde0dc}
            .warnings li{color:#a30}.verdict{font-size:14px}.note{font-size:12px;color:#555}
            .grid{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-size:13px;font-weight:600}
            svg{background:#fff}text{font-size:10px;fill:#444}
            </style></head><body>
            \(body)
            <p class=note>RLFit \(RLFitVersion.string)</p>
            </body></html>

            """
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }

    static func fmt(_ x: Double) -> String { x.isFinite ? String(format: "%.3g", x) : "nan" }

    /// Maps a value to pixels.
    struct Scale {
        let lo: Double, hi: Double, from: Double, to: Double
        func callAsFunction(_ v: Double) -> Double {
            hi == lo ? (from + to) / 2 : from + (v - lo) / (hi - lo) * (to - from)
        }
    }

    static func tracePlot(_ series: [[Double]]) -> String {
        let w = 300.0, h = 110.0
        let all = series.flatMap { $0 }.filter { $0.isFinite }
        guard let lo = all.min(), let hi = all.max(), let n = series.map(\.count).max(), n > 1 else { return "" }
        let x = Scale(lo: 0, hi: Double(n - 1), from: 30, to: w - 5), y = Scale(lo: lo, hi: hi, from: h - 15, to: 5)
        var svg = "<svg width=\(Int(w)) height=\(Int(h)) viewBox=\"0 0 \(Int(w)) \(Int(h))\">"
        for (c, s) in series.enumerated() {
            let stride = max(1, s.count / 400)
            let points = Swift.stride(from: 0, to: s.count, by: stride).map {
                String(format: "%.1f,%.1f", x(Double($0)), y(s[$0]))
            }.joined(separator: " ")
            svg +=
                "<polyline fill=none stroke-width=0.7 stroke-opacity=0.8 stroke=\"\(palette[c % palette.count])\" points=\"\(points)\" />"
        }
        svg +=
            "<text x=0 y=10>\(fmt(hi))</text><text x=0 y=\(Int(h - 15))>\(fmt(lo))</text><text x=\(Int(w / 2)) y=\(Int(h - 2))>draw</text></svg>"
        return svg
    }

    static func rankPlot(_ series: [[Double]]) -> String {
        let bins = 20, w = 300.0, h = 110.0
        let pooled = series.enumerated().flatMap { c, s in s.map { ($0, c) } }.sorted { $0.0 < $1.0 }
        guard !pooled.isEmpty else { return "" }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: bins), count: series.count)
        for (rank, item) in pooled.enumerated() { counts[item.1][min(bins - 1, rank * bins / pooled.count)] += 1 }
        let expected = Double(pooled.count) / Double(bins * series.count)
        let maxCount = Double(counts.flatMap { $0 }.max() ?? 1)
        let rowHeight = (h - 10) / Double(series.count)
        var svg = "<svg width=\(Int(w)) height=\(Int(h)) viewBox=\"0 0 \(Int(w)) \(Int(h))\">"
        for (c, row) in counts.enumerated() {
            let top = 5 + Double(c) * rowHeight
            for (b, count) in row.enumerated() {
                let bw = (w - 35) / Double(bins)
                let bh = Double(count) / maxCount * (rowHeight - 3)
                svg += String(
                    format:
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\" fill-opacity=0.75 />",
                    30 + Double(b) * bw, top + rowHeight - 3 - bh, bw - 1, bh, palette[c % palette.count])
            }
            let ey = top + rowHeight - 3 - expected / maxCount * (rowHeight - 3)
            svg += String(
                format: "<line x1=30 x2=%.1f y1=%.1f y2=%.1f stroke=#333 stroke-dasharray=3,2 stroke-width=0.7 />",
                w - 5, ey, ey)
            svg += String(format: "<text x=0 y=%.1f>ch %d</text>", top + rowHeight / 2 + 3, c + 1)
        }
        return svg + "</svg>"
    }

    static func forestPlot(_ rows: [(String, Double, Double, Double)]) -> String {
        let w = 360.0, rowH = 11.0, h = Double(rows.count) * rowH + 25
        let lo = rows.map(\.2).min() ?? 0, hi = rows.map(\.3).max() ?? 1
        let x = Scale(lo: lo, hi: hi, from: 70, to: w - 10)
        var svg = "<svg width=\(Int(w)) height=\(Int(h)) viewBox=\"0 0 \(Int(w)) \(Int(h))\">"
        for (i, r) in rows.enumerated() {
            let y = 10 + Double(i) * rowH
            svg += String(format: "<text x=0 y=%.1f>%@</text>", y + 3, escape(String(r.0.prefix(10))))
            svg += String(
                format: "<line x1=%.1f x2=%.1f y1=%.1f y2=%.1f stroke=#1f77b4 stroke-width=1.2 />", x(r.2), x(r.3), y, y
            )
            svg += String(format: "<circle cx=%.1f cy=%.1f r=2.2 fill=#1f77b4 />", x(r.1), y)
        }
        svg += String(
            format: "<text x=70 y=%.1f>%@</text><text x=%.1f y=%.1f text-anchor=end>%@</text>", h - 3, fmt(lo), w - 10,
            h - 3, fmt(hi))
        return svg + "</svg>"
    }

    static func learningCurvePlot(_ c: LearningCurves) -> String {
        let w = 640.0, h = 260.0
        let x = Scale(lo: Double(c.trials.first!), hi: Double(c.trials.last!), from: 40, to: w - 10)
        let y = Scale(lo: 0, hi: 1, from: h - 25, to: 10)
        var svg = "<svg width=\(Int(w)) height=\(Int(h)) viewBox=\"0 0 \(Int(w)) \(Int(h))\">"
        for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
            svg += String(
                format: "<line x1=40 x2=%.1f y1=%.1f y2=%.1f stroke=#eee /><text x=5 y=%.1f>%.2f</text>", w - 10, y(v),
                y(v), y(v) + 3, v)
        }
        let upper = zip(c.trials, c.predictedHigh).map { String(format: "%.1f,%.1f", x(Double($0)), y($1)) }
        let lower = zip(c.trials, c.predictedLow).reversed().map { String(format: "%.1f,%.1f", x(Double($0)), y($1)) }
        svg +=
            "<polygon fill=#1f77b4 fill-opacity=0.2 stroke=none points=\"\((upper + lower).joined(separator: " "))\" />"
        svg +=
            "<polyline fill=none stroke=#1f77b4 stroke-width=1.5 points=\""
            + zip(c.trials, c.predictedMean).map { String(format: "%.1f,%.1f", x(Double($0)), y($1)) }.joined(
                separator: " ") + "\" />"
        svg +=
            "<polyline fill=none stroke=#111 stroke-width=1 points=\""
            + zip(c.trials, c.observed).map { String(format: "%.1f,%.1f", x(Double($0)), y($1)) }.joined(separator: " ")
            + "\" />"
        svg += String(format: "<text x=%.1f y=%.1f>trial within block</text>", w / 2 - 40, h - 5)
        return svg + "</svg>"
    }
}

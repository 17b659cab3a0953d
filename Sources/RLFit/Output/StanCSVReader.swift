import Foundation

/// Reads the chain files `StanCSVWriter` writes (and CmdStan's own) back into `ChainRecord`s,
/// for `rlfit summary DIR`. Comments give the configuration, step size, inverse metric and
/// timings; the first non-comment line is the header.
public enum StanCSVReader {
    public struct Parsed: Sendable {
        public var record: ChainRecord
        /// `key = value` pairs of the configuration comments (indentation dropped).
        public var configuration: [String: String]
    }

    public enum ReadError: Error, CustomStringConvertible {
        case unreadable(String)
        case malformed(file: String, line: Int, problem: String)

        public var description: String {
            switch self {
            case let .unreadable(f): return f.contains(": ") ? "error: \(f)" : "\(f): error: cannot read the file"
            case let .malformed(f, l, p): return "\(f):\(l): error: \(p)"
            }
        }
    }

    public static func read(path: String) throws -> Parsed {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ReadError.unreadable(path)
        }
        var configuration: [String: String] = [:]
        var header: [String]? = nil
        var table: [Double] = []
        var warmupRows = 0
        var stepSize = Double.nan
        var metric: [Double] = []
        var dense = false
        var inMetric = false
        var afterAdaptation = false
        var warmupSeconds = 0.0, samplingSeconds = 0.0
        var timed = false
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let body = line.drop { $0 == "#" || $0 == " " }
                if body.hasPrefix("Adaptation terminated") {
                    afterAdaptation = true
                    warmupRows = header == nil ? 0 : table.count / max(1, header!.count)
                } else if body.hasPrefix("Step size") {
                    stepSize = Double(body.split(separator: "=").last!.trimmingCharacters(in: .whitespaces)) ?? .nan
                } else if body.hasPrefix("Diagonal elements of inverse mass matrix") {
                    inMetric = true
                } else if body.hasPrefix("Elements of inverse mass matrix") {
                    inMetric = true
                    dense = true
                } else if body.hasPrefix("Elapsed Time") || body.contains("seconds (") {
                    inMetric = false
                    let number =
                        Double(
                            body.replacingOccurrences(of: "Elapsed Time:", with: "")
                                .trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") ?? 0
                    timed = true
                    if body.contains("(Warm-up)") { warmupSeconds = number }
                    if body.contains("(Sampling)") { samplingSeconds = number }
                } else if inMetric, !body.contains("="),
                    body.first.map({ $0.isNumber || $0 == "-" || $0 == "n" || $0 == "i" }) == true
                {
                    metric += body.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                } else if let eq = body.range(of: " = ") ?? body.range(of: " =") {
                    inMetric = false
                    let key = body[..<eq.lowerBound].trimmingCharacters(in: .whitespaces)
                    let value = body[eq.upperBound...].replacingOccurrences(of: "(Default)", with: "")
                        .trimmingCharacters(in: .whitespaces)
                    if configuration[key] == nil { configuration[key] = value }
                } else {
                    inMetric = false
                }
                continue
            }
            inMetric = false
            if header == nil {
                header = line.split(separator: ",").map(String.init)
                continue
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header!.count else {
                throw ReadError.malformed(
                    file: path, line: lineNumber,
                    problem: "\(fields.count) values, the header has \(header!.count) (the file may be truncated)")
            }
            for f in fields {
                guard let v = Double(f) else {
                    throw ReadError.malformed(file: path, line: lineNumber, problem: "value \"\(f)\" is not a number")
                }
                table.append(v)
            }
        }
        guard let columns = header, columns.count >= ChainRecord.samplerColumnCount,
            Array(columns.prefix(ChainRecord.samplerColumnCount)) == ChainRecord.samplerColumnNames
        else {
            throw ReadError.malformed(
                file: path, line: lineNumber, problem: "no Stan CSV header with the 7 sampler columns")
        }
        let saveWarmup = configuration["save_warmup"] == "1"
        // A chain stopped during warmup has no adaptation block: every row it kept is warmup.
        if !afterAdaptation { warmupRows = saveWarmup ? table.count / max(1, columns.count) : 0 }
        if !saveWarmup { warmupRows = 0 }
        let record = ChainRecord(
            id: Int(configuration["id"] ?? "") ?? 0, seed: UInt64(configuration["seed"] ?? "") ?? 0,
            columnNames: Array(columns.dropFirst(7)), table: table, warmupRowCount: warmupRows,
            stepSize: stepSize, inverseMetric: metric, denseMetric: dense,
            warmupSeconds: warmupSeconds, samplingSeconds: samplingSeconds,
            // A chain that finished ends with its timing block; one killed while running has none.
            complete: configuration["incomplete"] == nil && timed)
        return Parsed(record: record, configuration: configuration)
    }
}

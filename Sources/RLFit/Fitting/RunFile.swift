import Foundation
import ModelLanguage
import RLModels
import Sampling

/// A run file: a fit's options as JSON, under the keys `FitOptionDeclaration` declares (the
/// command line's option names with _ for -; `rlfit fit --config run.json`). Every key is
/// optional; options given on the command line override the file. The fit directory keeps the
/// resolved file as `run.json`, so `rlfit fit --config DIR/run.json` reproduces the fit.
///
/// ```json
/// {"data": "study.tsv", "model": "bandit2arm_delta", "out": "fits/b2a", "chains": 4,
///  "arguments": {"payscale": 100},
///  "warmup": 1000, "draws": 1000, "seed": 7, "metric": "dense", "adapt_delta": 0.8,
///  "max_depth": 10, "hierarchy": "partial", "covariates": ["age"],
///  "priors": {"mu": 1, "sigma": 0.2, "gamma": 1}}
/// ```
///
/// The values are kept as checked JSON values under their declared keys (`priors.mu` for the
/// nested ones), read with the typed getters; the few the grid and resume logic set have
/// properties.
public struct RunFile: Sendable, Equatable {
    private(set) var values: [String: JSONValue] = [:]

    public init() {}

    // MARK: Typed access by key

    public func integer(_ key: String) -> Int? { if case let .integer(i)? = values[key] { return Int(i) }; return nil }
    public func unsignedInteger(_ key: String) -> UInt64? {
        if case let .integer(i)? = values[key], i >= 0 { return UInt64(i) }; return nil
    }
    public func real(_ key: String) -> Double? {
        switch values[key] {
        case let .number(d)?: return d;
        case let .integer(i)?: return Double(i);
        default: return nil
        }
    }
    public func text(_ key: String) -> String? { if case let .string(t)? = values[key] { return t }; return nil }
    public func flag(_ key: String) -> Bool? { if case let .bool(b)? = values[key] { return b }; return nil }
    public func textList(_ key: String) -> [String]? {
        if case let .array(a)? = values[key] {
            return a.compactMap {
                if case let .string(t) = $0 { return t }; return nil
            }
        }
        return nil
    }
    public func integerList(_ key: String) -> [Int]? {
        if case let .array(a)? = values[key] {
            return a.compactMap {
                if case let .integer(i) = $0 { return Int(i) }; return nil
            }
        }
        return nil
    }
    public func realMap(_ key: String) -> [String: Double]? {
        guard case let .object(o)? = values[key] else { return nil }
        return o.compactMapValues {
            switch $0 {
            case let .number(d): return d;
            case let .integer(i): return Double(i);
            default: return nil
            }
        }
    }
    public func textMap(_ key: String) -> [String: String]? {
        guard case let .object(o)? = values[key] else { return nil }
        return o.compactMapValues {
            if case let .string(t) = $0 { return t }; return nil
        }
    }

    public mutating func set(_ key: String, _ value: Int?) { put(key, value.map { .integer(Int64($0)) }) }
    public mutating func set(_ key: String, _ value: UInt64?) { put(key, value.map { .integer(Int64(clamping: $0)) }) }
    public mutating func set(_ key: String, _ value: Double?) { put(key, value.map { .number($0) }) }
    public mutating func set(_ key: String, _ value: String?) { put(key, value.map { .string($0) }) }
    public mutating func set(_ key: String, _ value: Bool?) { put(key, value.map { .bool($0) }) }
    public mutating func set(_ key: String, _ value: [String]?) {
        put(key, value.map { .array($0.map { .string($0) }) })
    }
    public mutating func set(_ key: String, _ value: [Int]?) {
        put(key, value.map { .array($0.map { .integer(Int64($0)) }) })
    }
    public mutating func set(_ key: String, _ value: [String: Double]?) {
        put(key, value.map { .object($0.mapValues { .number($0) }) })
    }
    public mutating func set(_ key: String, _ value: [String: String]?) {
        put(key, value.map { .object($0.mapValues { .string($0) }) })
    }

    private mutating func put(_ key: String, _ value: JSONValue?) {
        precondition(FitOptionDeclaration.named(key) != nil, "undeclared fit option \(key)")
        values[key] = value
    }

    // MARK: The values the grid and resume logic read and set

    public var data: String? {
        get { text("data") }
        set { set("data", newValue) }
    }
    /// A built-in model's name or a model file's path.
    public var model: String? {
        get { text("model") }
        set { set("model", newValue) }
    }
    /// Values for the model file's arguments (`--arg NAME=VALUE`).
    public var arguments: [String: Double]? {
        get { realMap("arguments") }
        set { set("arguments", newValue) }
    }
    public var out: String? {
        get { text("out") }
        set { set("out", newValue) }
    }
    public var chains: Int? {
        get { integer("chains") }
        set { set("chains", newValue) }
    }
    public var chainIDs: [Int]? {
        get { integerList("chain_ids") }
        set { set("chain_ids", newValue) }
    }
    public var seed: UInt64? {
        get { unsignedInteger("seed") }
        set { set("seed", newValue) }
    }
    public var trialTable: String? {
        get { text("trial_table") }
        set { set("trial_table", newValue) }
    }

    // MARK: Reading

    /// A value that does not fit its key: where (the key path, and whether the key itself is
    /// meant) and what is wrong.
    struct ValueProblem: Error {
        let keyPath: [String]
        let atKey: Bool
        let problem: String
    }

    /// Reads a run file; errors name the file, the line and column, and what is wrong (a key
    /// RLFit does not know is an error: a typo would otherwise fall back to a default silently).
    public static func read(path: String) throws -> RunFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunFileError(path: path, problem: "cannot read the file")
        }
        return try read(data: data, path: path)
    }

    /// A run file's contents already in memory (`path` names it in errors).
    static func read(data: Data, path: String) throws -> RunFile {
        let object: JSONValue
        do {
            _ = try JSONSerialization.jsonObject(with: data) // its messages say where the syntax broke
            object = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            throw RunFileError(
                path: path, position: JSONTextLocation.syntaxErrorPosition(error, in: data),
                problem: "not valid JSON: \(detail)")
        }
        guard case let .object(fields) = object else {
            throw RunFileError(
                path: path, position: (1, 1), problem: "a run file is one JSON object, {\"model\": ..., \"data\": ...}")
        }
        if let comma = JSONTextLocation.trailingComma(in: data) {
            throw RunFileError(
                path: path, position: comma,
                problem: "not valid JSON: a comma before the closing bracket (JSON allows none there)")
        }
        if let duplicate = JSONTextLocation.duplicateKey(in: data) {
            throw RunFileError(
                path: path, position: (duplicate.line, duplicate.column),
                problem:
                    "key '\(JSONTextLocation.visible(duplicate.key))' is given twice (JSON readers would keep one silently)"
            )
        }
        do {
            return try RunFile(json: fields)
        } catch let p as ValueProblem {
            throw RunFileError(
                path: path, position: JSONTextLocation.valuePosition(keyPath: p.keyPath, in: data, atKey: p.atKey),
                problem: p.problem)
        }
    }

    /// A run file from a decoded JSON object (a run file's, or a grid file's "options"),
    /// every key declared and every value of its declared kind.
    init(json fields: [String: JSONValue]) throws {
        for key in fields.keys.sorted() {
            let value = fields[key]!
            // A group key ("priors"): an object of its members' values.
            let members = FitOptionDeclaration.all.map(\.key).filter { $0.hasPrefix(key + ".") }
            if !members.isEmpty {
                guard case let .object(inner) = value else {
                    let names = members.map { "\"\($0.dropFirst(key.count + 1))\"" }.joined(separator: ", ")
                    throw ValueProblem(
                        keyPath: [key], atKey: false,
                        problem: "key '\(key)': expected an object with \(names), found \(value.kindName)")
                }
                for sub in inner.keys.sorted() {
                    guard let d = FitOptionDeclaration.named(key + "." + sub) else {
                        throw ValueProblem(keyPath: [key, sub], atKey: true, problem: RunFile.unknown(key + "." + sub))
                    }
                    values[d.key] = try RunFile.checked(inner[sub]!, for: d)
                }
                continue
            }
            guard let d = FitOptionDeclaration.named(key) else {
                throw ValueProblem(keyPath: [key], atKey: true, problem: RunFile.unknown(key))
            }
            values[d.key] = try RunFile.checked(value, for: d)
        }
    }

    /// "unknown key K", K's invisible characters shown (a byte-order mark pasted into a key),
    /// with the declared key it is closest to.
    static func unknown(_ key: String) -> String {
        let shown = JSONTextLocation.visible(key)
        var message = "unknown key \(shown)"
        if shown != key { message += " (it holds characters that print as nothing)" }
        let cleaned = String(key.unicodeScalars.filter { JSONTextLocation.visible(String($0)) == String($0) })
        let commandLineOnly = ["threads", "quiet", "overwrite", "checkpoint_every", "resume", "config"]
        if commandLineOnly.contains(cleaned) {
            return message
                + ": --\(cleaned.replacingOccurrences(of: "_", with: "-")) says how to run, not what to fit (it changes no draw), so it goes on the command line"
        }
        if let near = FitOptionDeclaration.all.map(\.key).first(where: { $0 == cleaned })
            ?? Suggestions.closest(to: cleaned, among: FitOptionDeclaration.all.map(\.key))
        {
            message += "; did you mean \(near)?"
        }
        return message
    }

    static func checked(_ value: JSONValue, for d: FitOptionDeclaration) throws -> JSONValue {
        func bad(_ expected: String) -> ValueProblem {
            ValueProblem(
                keyPath: d.path, atKey: false, problem: "key '\(d.key)': expected \(expected), found \(value.kindName)")
        }
        switch (d.kind, value) {
        case (.integer, .integer): return value
        case (.unsignedInteger, .integer(let i)):
            if i >= 0 { return value }
            throw ValueProblem(
                keyPath: d.path, atKey: false, problem: "key '\(d.key)': expected a whole number ≥ 0, found \(i)")
        case (.real, .number): return value
        case (.real, .integer(let i)): return .number(Double(i)) // JSON writes 2.0 as 2
        case (.text, .string), (.flag, .bool): return value
        case (.textList, .array(let a)):
            if a.allSatisfy({
                if case .string = $0 { return true }; return false
            }) {
                return value
            }; throw bad("a list of strings")
        case (.integerList, .array(let a)):
            if a.allSatisfy({
                if case .integer = $0 { return true }; return false
            }) {
                return value
            }; throw bad("a list of whole numbers")
        case (.realMap, .object(let o)):
            if o.values.allSatisfy({
                switch $0 {
                case .number, .integer: return true;
                default: return false
                }
            }) {
                return .object(
                    o.mapValues {
                        if case let .integer(i) = $0 { return .number(Double(i)) }; return $0
                    })
            }
            throw bad("an object of numbers, {\"NAME\": VALUE}")
        case (.textMap, .object(let o)):
            if o.values.allSatisfy({
                if case .string = $0 { return true }; return false
            }) {
                return value
            }
            throw bad("an object of strings, {\"NAME\": \"COLUMN\"}")
        default:
            let expected: [FitOptionDeclaration.Kind: String] = [
                .integer: "a whole number", .unsignedInteger: "a whole number ≥ 0", .real: "a number",
                .text: "a string", .flag: "true or false", .textList: "a list of strings",
                .integerList: "a list of whole numbers", .realMap: "an object of numbers",
                .textMap: "an object of strings"
            ]
            throw bad(expected[d.kind]!)
        }
    }

    /// `other`'s values where it has them, else this file's.
    public func overridden(by other: RunFile) -> RunFile {
        var r = self
        r.values.merge(other.values) { _, new in new }
        return r
    }

    /// Pretty, key-sorted JSON (nested keys as objects).
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)).map { $0 + Data("\n".utf8) } ?? Data()
    }

    /// The values as one JSON object, `priors.mu` as {"priors": {"mu": …}}.
    var jsonObject: [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for (key, value) in values {
            let path = key.split(separator: ".").map(String.init)
            if path.count == 2 {
                var inner: [String: JSONValue] = [:]
                if case let .object(o)? = object[path[0]] { inner = o }
                inner[path[1]] = value
                object[path[0]] = .object(inner)
            } else {
                object[key] = value
            }
        }
        return object
    }
}

/// As JSON: the run file's object (plans keep each fit's run file this way).
extension RunFile: Codable {
    public init(from decoder: Decoder) throws {
        guard case let .object(fields) = try JSONValue(from: decoder) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a run file is a JSON object"))
        }
        do {
            try self.init(json: fields)
        } catch let p as ValueProblem {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "\(p.keyPath.joined(separator: ".")): \(p.problem)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        try JSONValue.object(jsonObject).encode(to: encoder)
    }
}

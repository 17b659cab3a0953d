import ArgumentParser
import ModelLanguage
import RLFit

/// Reads fit options from the command line into a run file, by their one declaration
/// (`FitOptionDeclaration`): `--name VALUE` or `--name=VALUE`, flags alone, lists
/// comma-separated, `NAME=VALUE` maps repeated or comma-separated, and the DATA argument; an
/// option given twice takes the last value (as ArgumentParser's options do). The
/// commands that take fit options (`fit`, `log-prob`, `check`) each accept a subset.
struct FitOptionParser {
    let declarations: [FitOptionDeclaration]

    /// The declarations with these run-file keys (all of them when nil).
    init(keys: [String]? = nil) {
        declarations = keys.map { $0.compactMap(FitOptionDeclaration.named) } ?? FitOptionDeclaration.all
    }

    func parse(_ tokens: [String]) throws -> RunFile {
        var run = RunFile()
        var given = Set<String>()
        var realMaps: [String: [String: Double]] = [:], textMaps: [String: [String: String]] = [:]
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            i += 1
            guard token.hasPrefix("-") && token.count > 1 else {
                guard let positional = declarations.first(where: { $0.flag == nil }), !given.contains(positional.key)
                else {
                    throw ValidationError("unexpected argument '\(token)'")
                }
                given.insert(positional.key)
                run.set(positional.key, token)
                continue
            }
            let body = token.drop { $0 == "-" }
            let name = String(body.prefix { $0 != "=" })
            guard let d = declarations.first(where: { $0.flag == name }) else {
                let flags = declarations.compactMap(\.flag)
                let hint = Suggestions.closest(to: name, among: flags).map { "; did you mean --\($0)?" } ?? ""
                throw ValidationError("unknown option '--\(name)'\(hint)")
            }
            if d.kind == .flag {
                guard !body.contains("=") else { throw ValidationError("--\(name) takes no value") }
                run.set(d.key, true)
                continue
            }
            let value: String
            if let eq = body.firstIndex(of: "=") {
                value = String(body[body.index(after: eq)...])
            } else {
                guard i < tokens.count else { throw ValidationError("--\(name) needs a value (\(d.valueName))") }
                value = tokens[i]
                i += 1
            }
            switch d.kind {
            case .integer:
                guard let v = Int(value) else {
                    throw ValidationError("--\(name) takes a whole number, got '\(value)'")
                }
                run.set(d.key, v)
            case .unsignedInteger:
                guard let v = UInt64(value), v <= UInt64(Int64.max) else {
                    throw ValidationError("--\(name) takes a whole number ≥ 0 (below 2^63), got '\(value)'")
                }
                run.set(d.key, v)
            case .real:
                guard let v = Double(value), v.isFinite else {
                    throw ValidationError("--\(name) takes a number, got '\(value)'")
                }
                run.set(d.key, v)
            case .text:
                run.set(d.key, value)
            case .textList:
                run.set(d.key, value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            case .integerList:
                let parts = value.split(separator: ",", omittingEmptySubsequences: false)
                let ids = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !parts.isEmpty, ids.count == parts.count else {
                    throw ValidationError(
                        "--\(name) takes positive integers separated by commas, e.g. 1,3; got '\(value)'")
                }
                run.set(d.key, ids)
            case .realMap:
                let parts = value.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, let v = Double(parts[1]), v.isFinite else {
                    throw ValidationError(
                        "--\(name) takes NAME=VALUE with a finite number, e.g. --arg payscale=100; got '\(value)'")
                }
                guard realMaps[d.key]?[parts[0]] == nil else {
                    throw ValidationError("--\(name) \(parts[0]) is given twice")
                }
                realMaps[d.key, default: [:]][parts[0]] = v
                run.set(d.key, realMaps[d.key])
            case .textMap:
                for pair in value.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                        throw ValidationError(
                            "--\(name) takes MODEL=FILE pairs separated by commas, e.g. subjID=subj_idx,choice=response; got '\(pair)'"
                        )
                    }
                    textMaps[d.key, default: [:]][parts[0]] = parts[1]
                }
                run.set(d.key, textMaps[d.key])
            case .flag:
                break
            }
        }
        return run
    }

    /// The options' help, for a command's discussion: each option's name, then its help
    /// wrapped below it (ArgumentParser rewraps lines wider than the terminal, losing indents).
    var help: String {
        declarations.filter { !$0.hidden }.map { d -> String in
            let name = d.flag.map { "--\($0)" + (d.kind == .flag ? "" : " \(d.valueName)") } ?? d.valueName
            var lines = ["  " + name], line = "      "
            for word in d.help.split(separator: " ") {
                if line.count + word.count + 1 > 76 && line.count > 6 { lines.append(line); line = "      " }
                line += (line.count > 6 ? " " : "") + word
            }
            lines.append(line)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

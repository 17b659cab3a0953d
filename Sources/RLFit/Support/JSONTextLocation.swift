import Foundation

/// Line and column (both 1-based, columns in characters) of places in a JSON text, so run-file
/// errors can point at them as the data reader's errors do (`file:line:column: error: …`).
/// Foundation's decoders say which key is wrong, or at which UTF-8 offset the syntax broke,
/// but not where that is in the file.
enum JSONTextLocation {
    /// The line and column of UTF-8 byte `offset` (clamped to the text).
    static func lineColumn(ofOffset offset: Int, in data: Data) -> (line: Int, column: Int) {
        let bytes = [UInt8](data.prefix(max(0, offset)))
        let line = bytes.filter { $0 == UInt8(ascii: "\n") }.count + 1
        let lineStart = bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let column = (String(decoding: bytes[lineStart...], as: UTF8.self).count) + 1
        return (line, column)
    }

    /// The line and column of the value of `keyPath` (e.g. ["priors", "mu"]), or of its last
    /// key's opening quote with `atKey`: each key is searched as `"key"` after the previous
    /// key's position. Nil when a key is not found (the error then has no position).
    static func valuePosition(keyPath: [String], in data: Data, atKey: Bool = false) -> (line: Int, column: Int)? {
        let bytes = [UInt8](data)
        var from = 0
        for key in keyPath {
            let needle = [UInt8]("\"\(key)\"".utf8)
            guard let start = firstMatch(of: needle, in: bytes, from: from) else { return nil }
            if atKey && key == keyPath.last { return lineColumn(ofOffset: start, in: data) }
            var i = start + needle.count
            while i < bytes.count,
                bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")
                    || bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r") || bytes[i] == UInt8(ascii: ":")
            { i += 1 }
            from = i
        }
        return lineColumn(ofOffset: from, in: data)
    }

    /// The place Foundation's JSON parser reports ("… around character 31.", counted from 1, or
    /// "… around line 3, column 13."), as a line and column; nil when the message has none.
    static func syntaxErrorPosition(_ error: Error, in data: Data) -> (line: Int, column: Int)? {
        var texts = ["\(error)"]
        var next: Error? = error
        while let e = next {
            let info = (e as NSError).userInfo
            if let d = info[NSDebugDescriptionErrorKey] as? String { texts.append(d) }
            next = info[NSUnderlyingErrorKey] as? Error
        }
        for text in texts {
            if let n = integer(after: "around line ", in: text), let c = integer(after: ", column ", in: text) {
                return (n, c)
            }
            // "character N" counts from 1.
            if let n = integer(after: "around character ", in: text) { return lineColumn(ofOffset: n - 1, in: data) }
        }
        return nil
    }

    private static func integer(after marker: String, in text: String) -> Int? {
        guard let range = text.range(of: marker) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    private static func firstMatch(of needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    /// The first key that appears twice in one object of a valid JSON text (JSON parsers keep
    /// one of the two silently), with the line and column of its second appearance.
    static func duplicateKey(in data: Data) -> (key: String, line: Int, column: Int)? {
        let bytes = [UInt8](data)
        // Per open container: whether it is an object, its keys so far, whether a key comes next.
        var stack: [(object: Bool, keys: Set<String>, expectingKey: Bool)] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "{"): stack.append((true, [], true))
            case UInt8(ascii: "["): stack.append((false, [], false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
            case UInt8(ascii: ","):
                if let last = stack.indices.last, stack[last].object { stack[last].expectingKey = true }
            case UInt8(ascii: "\""):
                let start = i
                var j = i + 1
                while j < bytes.count && bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                if let last = stack.indices.last, stack[last].object, stack[last].expectingKey {
                    stack[last].expectingKey = false
                    // The key as the parser reads it (escapes resolved).
                    let literal = Data(bytes[start...min(j, bytes.count - 1)])
                    let key =
                        (try? JSONDecoder().decode(String.self, from: literal))
                        ?? String(decoding: bytes[(start + 1)..<min(j, bytes.count)], as: UTF8.self)
                    if stack[last].keys.contains(key) {
                        let (line, column) = lineColumn(ofOffset: start, in: data)
                        return (key, line, column)
                    }
                    stack[last].keys.insert(key)
                }
                i = j
            default: break
            }
            i += 1
        }
        return nil
    }

    /// The first comma followed (after white space) by `}` or `]`, outside strings: JSON has no
    /// trailing commas, though Foundation's reader lets them pass.
    static func trailingComma(in data: Data) -> (line: Int, column: Int)? {
        let bytes = [UInt8](data)
        var i = 0, lastComma: Int? = nil
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                var j = i + 1
                while j < bytes.count && bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                i = j
                lastComma = nil
            case UInt8(ascii: ","): lastComma = i
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if let comma = lastComma { return lineColumn(ofOffset: comma, in: data) }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            default: lastComma = nil
            }
            i += 1
        }
        return nil
    }

    /// A key as a message shows it: characters that print as nothing (format and control
    /// characters, separators other than the space, a byte-order mark) written as \u{XXXX}.
    static func visible(_ key: String) -> String {
        var out = ""
        for scalar in key.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .format, .control, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate:
                out += String(format: "\\u{%04X}", scalar.value)
            case .spaceSeparator where scalar != " ":
                out += String(format: "\\u{%04X}", scalar.value)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

import Foundation
import Sampling

/// A chain's checkpoint in the fit directory, `chain-<c>.checkpoint`: how many bytes of the
/// chain's file it covers, the sha256 of the data the fit reads, and the chain's state
/// (`ChainStateCoding`). Written atomically (`AtomicFile`) after the chain file is flushed up
/// to `fileBytes`, so the file always holds at least what the checkpoint covers; `--resume`
/// cuts the chain file back to `fileBytes` and continues from the state.
///
/// Layout: "RLFITCKP", the byte count (UInt64, little-endian), the data's sha256 (64 hex
/// characters), then the state.
struct ChainCheckpointFile: Sendable {
    var fileBytes: UInt64
    var dataSHA256: String
    var state: ChainState

    static let magic = Array("RLFITCKP".utf8)

    static func name(chain: Int) -> String { "chain-\(chain).checkpoint" }

    static func path(directory: String, chain: Int) -> String {
        (directory as NSString).appendingPathComponent(name(chain: chain))
    }

    var bytes: [UInt8] {
        var out = Self.magic
        withUnsafeBytes(of: fileBytes.littleEndian) { out += $0 }
        out += Array(dataSHA256.utf8)
        return out + ChainStateCoding.encode(state)
    }

    /// The checkpoint of `chain` in `directory`, nil when there is none; a damaged one is an
    /// error naming the file.
    static func read(directory: String, chain: Int) throws -> ChainCheckpointFile? {
        let path = path(directory: directory, chain: chain)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count > 80, Array(bytes[0..<8]) == magic else {
            throw ChainStateCoding.Malformed(reason: "\(path): not an rlfit checkpoint")
        }
        var count: UInt64 = 0
        for k in 0..<8 { count |= UInt64(bytes[8 + k]) << (8 * UInt64(k)) }
        let sha = String(decoding: bytes[16..<80], as: UTF8.self)
        do {
            return ChainCheckpointFile(
                fileBytes: count, dataSHA256: sha, state: try ChainStateCoding.decode(Array(bytes[80...])))
        } catch let e as ChainStateCoding.Malformed {
            throw ChainStateCoding.Malformed(reason: "\(path): \(e.reason)")
        }
    }
}

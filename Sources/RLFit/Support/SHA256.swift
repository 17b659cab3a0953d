import Crypto
import Foundation

/// SHA-256 (FIPS 180-4) from apple/swift-crypto, for the data file's fingerprint in `fit.json`
/// and the checkpoints: a fit records exactly which bytes it was fitted to, and a resume
/// refuses data that changed.
extension SHA256 {
    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hexDigest<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in hash(data: bytes) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

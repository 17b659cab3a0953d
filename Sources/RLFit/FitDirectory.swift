import Foundation

/// Reading a finished fit directory back: its chain files, in chain order, and what
/// `fit.json` recorded. Used by `rlfit summary DIR`.
public enum FitDirectory {
    public struct Contents: Sendable {
        public var chains: [ChainRecord]
        public var configuration: [String: String]
    }

    /// The chain files `chain-<c>.csv` in `directory`, sorted by chain id.
    public static func chainFiles(in directory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let chains = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("chain-"), name.hasSuffix(".csv"),
                  let id = Int(name.dropFirst("chain-".count).dropLast(".csv".count)) else { return nil }
            return (id, (directory as NSString).appendingPathComponent(name))
        }
        return chains.sorted { $0.0 < $1.0 }.map(\.1)
    }

    public static func read(_ directory: String) throws -> Contents {
        let files = try chainFiles(in: directory)
        guard !files.isEmpty else {
            throw StanCSVReader.ReadError.unreadable("\(directory): no chain-<c>.csv files (is this a fit directory?)")
        }
        var chains: [ChainRecord] = []
        var configuration: [String: String] = [:]
        for f in files {
            let parsed = try StanCSVReader.read(path: f)
            chains.append(parsed.record)
            if configuration.isEmpty { configuration = parsed.configuration }
        }
        return Contents(chains: chains, configuration: configuration)
    }
}

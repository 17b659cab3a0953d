import Foundation

/// Reading a finished fit directory back: its chain files, in chain order, and what
/// `fit.json` recorded. Used by `rlfit summary DIR`.
public enum FitDirectory {
    public struct Contents: Sendable {
        public var chains: [ChainRecord]
        public var configuration: [String: String]
        /// The fit finished: `fit.json` says so and every chain file is complete. Otherwise it
        /// was interrupted (or is still running), and `incompleteNote` says what there is.
        public var isComplete: Bool
        /// The chains the fit runs (`run.json`'s chain_ids; empty when it has none): an
        /// interrupted fit's chains that have not written a file yet are among them.
        public var plannedChainIDs: [Int] = []

        /// What an incomplete fit holds, to say before anything else; nil for a finished fit.
        public func incompleteNote(directory: String) -> String? {
            guard !isComplete else { return nil }
            let present = Set(chains.map(\.id))
            let notStarted = plannedChainIDs.filter { !present.contains($0) }
            let unfinished = (chains.filter { !$0.complete }.map(\.id) + notStarted).sorted()
            let counts =
                (chains.map { ($0.id, "chain \($0.id): \($0.drawCount)") }
                + notStarted.map { ($0, "chain \($0): none (no file yet)") }).sorted { $0.0 < $1.0 }.map(\.1)
                .joined(separator: ", ")
            let what =
                unfinished.isEmpty
                ? "its chains finished but the fit did not (no complete fit.json)"
                : "chain\(unfinished.count == 1 ? "" : "s") \(unfinished.map(String.init).joined(separator: ", ")) did not finish"
            return "INCOMPLETE FIT in \(directory) (interrupted, or still running): \(what). Draws so far: \(counts). "
                + "What follows uses the draws that exist; do not use them for inference. `rlfit fit --resume \(directory)` finishes the fit."
        }
    }

    /// Throws (`unreadable`: exit 66) unless `directory` exists and is a directory, naming the
    /// mistake — every command that reads a fit asks this first.
    public static func requireDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw StanCSVReader.ReadError.unreadable(
                "\(directory): no such directory (give the --out directory of a fit)")
        }
        guard isDirectory.boolValue else {
            throw StanCSVReader.ReadError.unreadable(
                "\(directory): not a directory (give the --out directory of a fit, not a file)")
        }
    }

    /// The chain files `chain-<c>.csv` in `directory`, sorted by chain id; an interrupted fit's
    /// `chain-<c>.csv.incomplete` files when there are no finished ones.
    public static func chainFiles(in directory: String) throws -> [String] {
        try requireDirectory(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        func chains(suffix: String) -> [String] {
            names.compactMap { name -> (Int, String)? in
                guard name.hasPrefix("chain-"), name.hasSuffix(suffix),
                    let id = Int(name.dropFirst("chain-".count).dropLast(suffix.count))
                else { return nil }
                return (id, (directory as NSString).appendingPathComponent(name))
            }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let finished = chains(suffix: ".csv")
        return finished.isEmpty ? chains(suffix: ".csv.incomplete") : finished
    }

    /// Whether the fit in `directory` finished (without reading its chains): `fit.json` says so
    /// and no chain file is still `.incomplete`.
    public static func isFinished(_ directory: String) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return manifest(directory)?["complete"] as? Bool == true
            && !names.contains { $0.hasPrefix("chain-") && $0.hasSuffix(".incomplete") }
    }

    /// The line `loglik` and `trajectories` print first for a fit that did not finish.
    public static func unfinishedWarning(_ directory: String) -> String {
        "INCOMPLETE FIT in \(directory) (interrupted, or still running): using the draws that exist; do not use them for inference. `rlfit fit --resume \(directory)` finishes the fit."
    }

    /// Removes the chain checkpoints of a finished fit (a run killed between writing `fit.json`
    /// and removing them leaves them behind; a finished fit never needs them).
    public static func removeCheckpoints(_ directory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix("chain-") && name.hasSuffix(".checkpoint") {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }

    /// `fit.json` as a dictionary, when the directory has one.
    public static func manifest(_ directory: String) -> [String: Any]? {
        guard
            let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent("fit.json"))
        else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    public static func read(_ directory: String) throws -> Contents {
        let files = try chainFiles(in: directory)
        guard !files.isEmpty else {
            throw StanCSVReader.ReadError.unreadable(
                "\(directory): no chain-<c>.csv files (is this the --out directory of a fit?)")
        }
        // A finished fit lists its files in fit.json: a chain file gone since is missing draws,
        // not a smaller fit.
        let fit = manifest(directory)
        let fitFinished = fit?["complete"] as? Bool == true
        if fitFinished, let listed = fit?["files"] as? [String] {
            let present = Set(files.map { ($0 as NSString).lastPathComponent })
            let missing = listed.filter { $0.hasPrefix("chain-") && $0.hasSuffix(".csv") && !present.contains($0) }
            if let first = missing.first {
                throw StanCSVReader.ReadError.unreadable(
                    "\((directory as NSString).appendingPathComponent(first)) is missing\(missing.count > 1 ? " (and \(missing.count - 1) more chain file\(missing.count > 2 ? "s" : ""))" : ""): fit.json lists it among the finished fit's files; put it back (e.g. from a copy of the fit) or fit again"
                )
            }
        }
        var chains: [ChainRecord] = []
        var configuration: [String: String] = [:]
        for f in files {
            let parsed = try StanCSVReader.read(path: f)
            chains.append(parsed.record)
            if configuration.isEmpty { configuration = parsed.configuration }
        }
        let finished = fitFinished && files.allSatisfy { $0.hasSuffix(".csv") } && chains.allSatisfy(\.complete)
        var contents = Contents(chains: chains, configuration: configuration, isComplete: finished)
        if let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent("run.json")),
            let run = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let ids = run["chain_ids"] as? [Int]
        {
            contents.plannedChainIDs = ids
        }
        return contents
    }
}

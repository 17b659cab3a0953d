import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// The fit directory: created when missing, locked for the run, and cleared of an earlier fit
/// before anything is written.
///
/// - A directory that already holds a fit is replaced only when asked (`--overwrite`), so an
///   earlier fit is never lost by a repeated command; with `--overwrite` every file of the old
///   fit is removed first (`fit.json` before the rest), so an interrupted overwrite never
///   leaves old summaries, reports or a `fit.json` beside the new chains.
/// - A second run into a directory in use fails at once (`Lock`), naming the other process.
public enum OutputDirectory {
    public struct Problem: Error, CustomStringConvertible {
        public let path: String
        public let problem: String
        public let fix: String
        public var description: String { "\(path): error: \(problem)\n  fix: \(fix)" }
    }

    /// The hidden file whose `flock` marks a directory in use; it holds the owner's process id.
    public static let lockFileName = ".rlfit.lock"

    /// Whether `name` is a file a fit writes (chain files and checkpoints, summaries, report, run
    /// file, the fitted model, `fit.json`, and their `.incomplete` variants); other files are
    /// the user's.
    public static func isFitFile(_ name: String) -> Bool {
        if let partial = partialTarget(name) { return isFitFile(partial) }
        let base = name.hasSuffix(".incomplete") ? String(name.dropLast(".incomplete".count)) : name
        if base.hasPrefix("chain-") && (base.hasSuffix(".csv") || base.hasSuffix(".checkpoint")) { return true }
        return [
            "fit.json", "run.json", "summary.csv", "subjects.csv", "report.html", "ppc.csv", FitOptions.fittedModelFile
        ].contains(base)
    }

    /// The file an `AtomicFile` temporary (".NAME.partial-PID", left by a killed run) was to
    /// become, or nil.
    static func partialTarget(_ name: String) -> String? {
        guard name.hasPrefix("."), let range = name.range(of: ".partial-", options: .backwards),
            Int(name[range.upperBound...]) != nil
        else { return nil }
        return String(name[name.index(after: name.startIndex)..<range.lowerBound])
    }

    /// An exclusive advisory lock (`flock`) on the directory's lock file, held until `release`
    /// or the process ends (the kernel drops it when a killed process's descriptor closes, so
    /// a lock file left by a killed run never blocks a later one). `release` removes the file
    /// while still holding the lock; a run that locked a file since removed (it opened it just
    /// before) sees that the path no longer names its file and tries again.
    public final class Lock: @unchecked Sendable {
        private var descriptor: Int32
        private let path: String

        init(directory: String) throws {
            path = (directory as NSString).appendingPathComponent(OutputDirectory.lockFileName)
            while true {
                let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
                guard fd >= 0 else {
                    throw Problem(
                        path: directory,
                        problem:
                            "cannot create the lock file \(OutputDirectory.lockFileName) (\(String(cString: strerror(errno))))",
                        fix: "check that you may write to the directory")
                }
                guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                    var buffer = [UInt8](repeating: 0, count: 32)
                    let count = pread(fd, &buffer, buffer.count, 0)
                    close(fd)
                    let owner =
                        count > 0
                        ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(
                            in: .whitespacesAndNewlines) : "?"
                    throw Problem(
                        path: directory, problem: "is in use by another rlfit run (process \(owner))",
                        fix: "wait for that run to finish (or stop it), or choose another --out")
                }
                var held = stat(), named = stat()
                if fstat(fd, &held) == 0 && stat(path, &named) == 0 && held.st_ino == named.st_ino
                    && held.st_dev == named.st_dev
                {
                    let pid = Array("\(getpid())\n".utf8)
                    _ = ftruncate(fd, 0)
                    _ = pwrite(fd, pid, pid.count, 0)
                    descriptor = fd
                    return
                }
                close(fd) // the file was removed by the run that held it: lock the new one
            }
        }

        /// Removes the lock file and releases the lock.
        public func release() {
            guard descriptor >= 0 else { return }
            unlink(path)
            close(descriptor)
            descriptor = -1
        }

        deinit { release() }
    }

    /// Creates `path` when missing, locks it, refuses a directory holding a fit unless
    /// `overwrite`, and then removes every file of that fit. Returns the lock, to be held for
    /// the whole run.
    public static func prepare(_ path: String, overwrite: Bool) throws -> Lock {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Problem(
                    path: path, problem: "exists and is a file, not a directory",
                    fix: "give --out a new or existing directory")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw Problem(
                    path: path, problem: "cannot create the directory (\((error as NSError).localizedDescription))",
                    fix: "check the path and that you may write there")
            }
        }
        let lock = try Lock(directory: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let fitFiles = names.filter(isFitFile)
        // Temporaries a killed run left (it had not finished writing them) are not a fit.
        if fitFiles.contains(where: { partialTarget($0) == nil }) && !overwrite {
            var what = "already holds a fit"
            if let data = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent("fit.json")),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let options = json["options"] as? [String: Any], let model = options["model"] as? String
            {
                what += " (\(model))"
            }
            // An interrupted fit (run.json, not finished) is usually meant to be finished.
            let interrupted = names.contains("run.json") && !FitDirectory.isFinished(path)
            throw Problem(
                path: path, problem: what + (interrupted ? ", interrupted before it finished" : ""),
                fix: (interrupted ? "finish it with `rlfit fit --resume \(path)`, or " : "")
                    + "pass --overwrite to replace it, or choose another --out")
        }
        try remove(fitFiles, in: path, whose: "the earlier fit's")
        return lock
    }

    /// Removes `names` from the directory, `fit.json` first: from then on nothing in it claims a
    /// complete fit.
    static func remove(_ names: [String], in path: String, whose: String) throws {
        for name in names.filter({ $0 == "fit.json" }) + names.filter({ $0 != "fit.json" }) {
            let file = (path as NSString).appendingPathComponent(name)
            do {
                try FileManager.default.removeItem(atPath: file)
            } catch {
                throw Problem(
                    path: file, problem: "cannot remove \(whose) file (\((error as NSError).localizedDescription))",
                    fix: "check that you may write to the directory")
            }
        }
    }

    /// Locks the directory of an interrupted fit for `--resume` and removes what described the
    /// interrupted state (`fit.json` first, then the summaries, report and learning curves, and
    /// temporaries a kill left); the chain files, checkpoints, run file and model stay. Refuses
    /// a directory without a run file and a fit that finished.
    public static func prepareResume(_ path: String) throws -> Lock {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Problem(
                path: path, problem: "no such directory", fix: "give --resume the --out directory of an interrupted fit"
            )
        }
        let lock = try Lock(directory: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard names.contains("run.json") else {
            throw Problem(
                path: path, problem: "holds no fit to resume (no run.json)",
                fix: "give --resume the --out directory of an interrupted fit")
        }
        if let data = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent("fit.json")),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            json["complete"] as? Bool == true
        {
            throw Problem(
                path: path, problem: "holds a finished fit: there is nothing to resume",
                fix: "read it with `rlfit summary`, or refit with --overwrite")
        }
        let stale = names.filter { name in
            if partialTarget(name) != nil { return true }
            let base = name.hasSuffix(".incomplete") ? String(name.dropLast(".incomplete".count)) : name
            return ["fit.json", "summary.csv", "subjects.csv", "report.html", "ppc.csv"].contains(base)
        }
        try remove(stale, in: path, whose: "the interrupted fit's")
        return lock
    }
}

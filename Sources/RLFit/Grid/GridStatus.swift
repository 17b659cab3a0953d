import Foundation

/// Where every task of a grid stands, from the job folder's files alone (many clusters have no
/// `sacct`): done (its fit finished), running (recorded as running, its process alive when it
/// ran on this machine, else its files changed in the last `staleSeconds` — chains checkpoint
/// every few seconds), interrupted (stopped by a signal,
/// or recorded as running but silent: killed, e.g. by a requeue; the next run resumes it),
/// failed (with its message and the tail of its log), or missing (never started).
public struct GridStatus: Sendable {
    public enum State: String, Sendable, CaseIterable { case done, running, interrupted, failed, missing }

    public struct Task: Sendable {
        public let number: Int
        public let fit: String
        public let chains: [Int]
        public let state: State
        public let record: GridTaskRecord?
        /// The last lines of a failed task's log.
        public let logTail: [String]
    }

    public let tasks: [Task]
    /// Fits whose merged folder is finished.
    public let mergedFits: [String]
    public let fitCount: Int

    public static let staleSeconds = 120.0

    public static func read(plan: GridPlan, jobDirectory job: String, now: Date = Date()) -> GridStatus {
        var tasks: [Task] = []
        for t in plan.tasks {
            let directory = (job as NSString).appendingPathComponent(t.directory)
            let record = GridTaskRecord.read(jobDirectory: job, task: t.number)
            let state: State
            if FitDirectory.isFinished(directory)
                && (plan.unit == .fit || hasFinalCheckpoints(directory, chains: t.chains))
            {
                state = .done
            } else {
                switch record?.state {
                case nil:
                    state =
                        FileManager.default.fileExists(
                            atPath: (directory as NSString).appendingPathComponent("run.json"))
                        ? .interrupted : .missing
                case .running?:
                    // Its process, when it ran on this machine, is known alive or gone; else the files must be fresh.
                    if let r = record, r.host == ProcessInfo.processInfo.hostName, let pid = r.pid, kill(pid, 0) != 0,
                        errno == ESRCH
                    {
                        state = .interrupted
                    } else {
                        let newest = newestModification(in: directory)
                        state =
                            newest.map { now.timeIntervalSince($0) < staleSeconds } == true ? .running : .interrupted
                    }
                case .failed?: state = .failed
                case .interrupted?, .done?: state = .interrupted
                }
            }
            let tail = state == .failed ? logTail(job: job, task: t.number, lines: 5) : []
            tasks.append(
                Task(number: t.number, fit: t.fit, chains: t.chains, state: state, record: record, logTail: tail))
        }
        let merged = plan.fits.map(\.name).filter {
            FitDirectory.isFinished((job as NSString).appendingPathComponent(GridPlan.fitDirectory($0)))
        }
        return GridStatus(tasks: tasks, mergedFits: merged, fitCount: plan.fits.count)
    }

    /// A chain task's folder keeps each chain's last checkpoint for the merge.
    static func hasFinalCheckpoints(_ directory: String, chains: [Int]) -> Bool {
        chains.allSatisfy {
            FileManager.default.fileExists(atPath: ChainCheckpointFile.path(directory: directory, chain: $0))
        }
    }

    static func newestModification(in directory: String) -> Date? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap {
            (try? FileManager.default.attributesOfItem(atPath: (directory as NSString).appendingPathComponent($0)))?[
                .modificationDate] as? Date
        }.max()
    }

    static func logTail(job: String, task: Int, lines: Int) -> [String] {
        guard
            let data = FileManager.default.contents(
                atPath: (job as NSString).appendingPathComponent(GridPlan.logFile(task: task)))
        else { return [] }
        let text = String(decoding: data.suffix(8192), as: UTF8.self)
        return Array(text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).map(String.init))
    }

    public func count(_ state: State) -> Int { tasks.filter { $0.state == state }.count }

    /// The unfinished tasks' numbers as SLURM's array list: "1-3,7,9-10" ("" when all are done).
    public var unfinishedArrayList: String {
        let numbers = tasks.filter { $0.state != .done }.map(\.number)
        var parts: [String] = []
        var i = 0
        while i < numbers.count {
            var j = i
            while j + 1 < numbers.count && numbers[j + 1] == numbers[j] + 1 { j += 1 }
            parts.append(i == j ? "\(numbers[i])" : "\(numbers[i])-\(numbers[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    public var text: String {
        var lines: [String] = []
        let counts = State.allCases.map { "\(count($0)) \($0.rawValue)" }.joined(separator: ", ")
        lines.append("\(tasks.count) tasks: \(counts); \(mergedFits.count) of \(fitCount) fits merged")
        for t in tasks where t.state != .done || (t.record?.attempts ?? 0) > 1 {
            var line =
                "task \(t.number) (\(t.fit), chain\(t.chains.count == 1 ? "" : "s") \(t.chains.map(String.init).joined(separator: ","))): \(t.state.rawValue)"
            if let r = t.record {
                var notes: [String] = []
                if r.attempts > 1 { notes.append("attempt \(r.attempts), requeued or rerun \(r.attempts - 1)×") }
                if let c = r.restartCount, c > 0 { notes.append("SLURM restart count \(c)") }
                if let job = r.slurmJob { notes.append("job \(job)") }
                if let host = r.host { notes.append("on \(host)") }
                if !notes.isEmpty { line += " (" + notes.joined(separator: ", ") + ")" }
                if t.state != .done, let m = r.message { line += ": " + m }
            }
            lines.append(line)
            for l in t.logTail { lines.append("    | " + l) }
        }
        if count(.interrupted) + count(.failed) + count(.missing) > 0 {
            lines.append(
                "unfinished tasks: \(unfinishedArrayList) (./submit.sh submits them again; `rlfit grid run JOBDIR --local` runs them here)"
            )
        }
        return lines.joined(separator: "\n")
    }
}

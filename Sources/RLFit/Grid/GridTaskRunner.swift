import Foundation
import Sampling

/// Runs one task of a planned grid (`rlfit grid run JOBDIR --task N`), so that running it again
/// is always safe: a finished task is skipped; an interrupted one (SLURM's requeue,
/// preemption or time limit: SIGTERM, then a kill) resumes from its checkpoints (`FitRunner`'s
/// resume, the draws those of an uninterrupted run); one that never started starts. Chain
/// tasks keep their final checkpoint for the merge. Each attempt is recorded in
/// `status/task-N.json` (`GridTaskRecord`).
public enum GridTaskRunner {
    public enum Outcome: Sendable {
        case alreadyFinished
        case ran(FitRunner.Outcome, resumed: Bool)
    }

    public static func run(
        plan: GridPlan, jobDirectory job: String, number: Int, threads: Int? = nil,
        progress: (@Sendable (ChainProgress) -> Void)? = nil, cancellation: CancellationToken? = nil,
        checkpointSeconds: Double = 5, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Outcome {
        let task = try plan.task(number)
        let directory = (job as NSString).appendingPathComponent(task.directory)
        var record = GridTaskRecord.read(jobDirectory: job, task: number) ?? GridTaskRecord(task: number)
        if FitDirectory.isFinished(directory) {
            if record.state != .done { record.state = .done; try? record.write(jobDirectory: job) }
            return .alreadyFinished
        }
        record.begin(environment: environment)
        try record.write(jobDirectory: job)
        do {
            let resume = FileManager.default.fileExists(
                atPath: (directory as NSString).appendingPathComponent("run.json"))
            var options: FitOptions
            if resume {
                options = try FitOptions.ofFit(in: directory)
                options.outputDirectory = directory
            } else {
                options = try FitOptions(runFile: plan.taskRunFile(task, jobDirectory: job))
                options.overwrite = true // what a killed first attempt left is not a fit
            }
            let cpus = threads ?? environment["SLURM_CPUS_PER_TASK"].flatMap(Int.init) ?? plan.resources.cpusPerTask
            options.threads = max(1, min(cpus, options.chainIDs.count))
            let outcome = try FitRunner(options: options).run(
                progress: progress, cancellation: cancellation, resume: resume,
                checkpointSeconds: checkpointSeconds,
                keepsFinalCheckpoints: plan.unit == .chain)
            record.end(
                state: outcome.complete ? .done : .interrupted,
                message: outcome.complete ? nil : "stopped by a signal; checkpoints kept, the next run resumes")
            try record.write(jobDirectory: job)
            return .ran(outcome, resumed: resume)
        } catch {
            record.end(state: .failed, message: "\(error)")
            try? record.write(jobDirectory: job)
            throw error
        }
    }
}

/// `status/task-N.json`: a task's attempts, as `rlfit grid status` reads them without SLURM's
/// accounting: state, attempts (a requeued task is attempted again), SLURM's restart count,
/// host, process, the job's ids, times, and the failure's message.
public struct GridTaskRecord: Codable, Sendable {
    public enum State: String, Codable, Sendable { case running, done, failed, interrupted }
    public var task: Int
    public var state: State? = nil
    public var attempts = 0
    public var restartCount: Int? = nil
    public var host: String? = nil
    public var pid: Int32? = nil
    public var slurmJob: String? = nil
    public var started: String? = nil
    public var ended: String? = nil
    public var message: String? = nil

    enum CodingKeys: String, CodingKey {
        case task, state, attempts, restartCount = "restart_count", host, pid, slurmJob = "slurm_job", started, ended
        case message
    }

    public init(task: Int) { self.task = task }

    static func path(jobDirectory: String, task: Int) -> String {
        (jobDirectory as NSString).appendingPathComponent(GridPlan.statusFile(task: task))
    }

    public static func read(jobDirectory: String, task: Int) -> GridTaskRecord? {
        guard let data = FileManager.default.contents(atPath: path(jobDirectory: jobDirectory, task: task)) else {
            return nil
        }
        return try? JSONDecoder().decode(GridTaskRecord.self, from: data)
    }

    func write(jobDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(
            try encoder.encode(self) + Data("\n".utf8), to: GridTaskRecord.path(jobDirectory: jobDirectory, task: task))
    }

    mutating func begin(environment: [String: String]) {
        state = .running
        attempts += 1
        restartCount = environment["SLURM_RESTART_COUNT"].flatMap(Int.init)
        host = ProcessInfo.processInfo.hostName
        pid = getpid()
        if let array = environment["SLURM_ARRAY_JOB_ID"], let index = environment["SLURM_ARRAY_TASK_ID"] {
            slurmJob = "\(array)_\(index)"
        } else {
            slurmJob = environment["SLURM_JOB_ID"]
        }
        started = GridTaskRecord.now()
        ended = nil
        message = nil
    }

    mutating func end(state: State, message: String?) {
        self.state = state
        self.message = message
        ended = GridTaskRecord.now()
    }

    public static func now() -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date())
    }
}

import Foundation

/// Runs a grid's tasks on this machine as SLURM would: each task is its own process,
/// `rlfit grid run JOBDIR --task N`, its output appended to `logs/task-N.log`, `workers` at a
/// time. Returns the tasks that did not finish (non-zero exit).
enum LocalTaskPool {
    static func run(tasks: [Int], workers: Int, jobDirectory: String, executable: String, threads: Int) throws -> [Int]
    {
        var queue = tasks[...]
        var running: [(task: Int, process: Process)] = []
        var failed: [Int] = []
        let done = DispatchSemaphore(value: 0)
        func start(_ task: Int) throws -> Process {
            let log = (jobDirectory as NSString).appendingPathComponent("logs/task-\(task).log")
            if !FileManager.default.fileExists(atPath: log) {
                _ = FileManager.default.createFile(atPath: log, contents: nil)
            }
            guard let handle = FileHandle(forWritingAtPath: log) else {
                throw GridLocalError(message: "\(log): cannot open the task's log for writing")
            }
            handle.seekToEndOfFile()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = ["grid", "run", jobDirectory, "--task", "\(task)", "--threads", "\(threads)"]
            p.standardOutput = handle
            p.standardError = handle
            p.standardInput = FileHandle.nullDevice
            p.terminationHandler = { _ in done.signal() }
            try p.run()
            print("task \(task): started (process \(p.processIdentifier))")
            return p
        }
        while !queue.isEmpty || !running.isEmpty {
            while running.count < workers, let next = queue.popFirst() {
                running.append((next, try start(next)))
            }
            done.wait()
            let finished = running.filter { !$0.process.isRunning }
            running.removeAll { !$0.process.isRunning }
            for (task, process) in finished {
                let status = process.terminationStatus
                print(
                    "task \(task): "
                        + (status == 0 ? "finished" : "stopped with exit code \(status) (logs/task-\(task).log)"))
                if status != 0 { failed.append(task) }
            }
            // Several may end before one wait: the semaphore holds a signal per ended process.
            for _ in 1..<max(1, finished.count) { done.wait() }
        }
        return failed.sorted()
    }
}

struct GridLocalError: Error, CustomStringConvertible {
    let message: String
    var description: String { "error: \(message)" }
}

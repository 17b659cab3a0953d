import ArgumentParser
import Foundation
import RLFit
import Sampling

/// `rlfit grid`: many fits (data × models × seeds) as SLURM array tasks, or on this machine.
struct GridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract:
            "Plan, run, check and merge a grid of fits (data files × models × seeds), on a SLURM cluster or here.",
        discussion: """
            rlfit grid plan GRID.json --out JOBDIR
                tasks.tsv, task.sbatch, merge.sbatch, submit.sh
            JOBDIR/submit.sh
                the unfinished tasks as an sbatch array, then the merge
            rlfit grid run JOBDIR --task N
                task N (what each array task runs; safe to run again)
            rlfit grid run JOBDIR --local [--jobs N]
                every unfinished task here, N at a time, then the merge
            rlfit grid status JOBDIR
                done / running / interrupted / failed / missing, from the files
            rlfit grid merge JOBDIR
                complete fit folders, grid.csv, compare/<data>.txt

            Exit codes: 0 done, 64 bad usage, 65 a bad grid file or data, 66 no plan in \
            JOBDIR, 73 cannot write, 75 the merge found unfinished tasks (run it again when \
            they finish), 1 a --local task failed; a task stopped by SIGTERM exits 143 \
            (SLURM's requeue, preemption, time limit) and resumes when run again.
            """,
        subcommands: [Plan.self, Run.self, Status.self, Merge.self])

    static func failing(_ body: () throws -> Void) throws {
        _ = processStart // the clock starts with the command
        do {
            try reportingInputErrors(body)
        } catch let e as GridFileError {
            printError(e.description)
            throw ExitCodes.badData
        } catch let e as GridError {
            printError(e.description)
            switch e.kind {
            case .usage: throw ExitCodes.badUsage
            case .badData: throw ExitCodes.badData
            case .noInput: throw ExitCodes.noInput
            case .cannotCreate: throw ExitCodes.cannotCreate
            case .unfinished: throw ExitCode(75)
            }
        } catch let e as FitOptionsError {
            printError(e.description)
            throw ExitCodes.badUsage
        }
    }

    /// The grid table (every fit up to 60, else the fits that are not "ok"), where the files
    /// are, and what the merge took (wall time, peak memory: the scale a user plans for).
    static func printMerge(_ outcome: GridMerger.Outcome, jobDirectory: String) {
        print(GridMerger.text(outcome, allRows: outcome.rows.count <= 60))
        var files = "table: \(outcome.tablePath)"
        if !outcome.comparisons.isEmpty {
            files +=
                outcome.comparisons.count <= 4
                ? "; comparisons: " + outcome.comparisons.joined(separator: ", ")
                : "; \(outcome.comparisons.count) model comparisons in \(jobDirectory)/compare/"
        }
        print(files)
        for path in outcome.simulationSummaries {
            print("")
            print((try? String(contentsOfFile: path, encoding: .utf8)) ?? path, terminator: "")
            print("(\(path); per parameter as CSV beside it)")
        }
        print(
            String(
                format: "merge: %d fits assembled now, %.1f s, peak memory %.0f MB", outcome.mergedNow.count,
                ProcessInfo.processInfo.systemUptime - processStart, peakMemoryMB()))
    }

    /// When the command started (set by `failing`, which every grid command runs in).
    static let processStart = ProcessInfo.processInfo.systemUptime

    /// This process's peak resident memory (getrusage; kilobytes on Linux).
    static func peakMemoryMB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a grid file into a job folder: tasks.tsv, task.sbatch, merge.sbatch, submit.sh.")
        @Argument(help: "Grid file (JSON): data, models, seeds, options, task, slurm.") var grid: String
        @Option(help: "The job folder to create.") var out: String
        @Option(
            name: .customLong("cpus-per-task"),
            help: "CPUs per task (default 1 per chain task; chains, up to 8, per fit task).") var cpusPerTask: Int?
        @Option(help: "Memory per task, e.g. 800M or 2G (default: estimated from the model and data).") var mem: String?
        @Option(help: "Time limit per task, e.g. 90 or 01:30:00 (default: estimated from a timed gradient).") var time:
            String?
        @Option(
            name: .customLong("max-running"), help: "At most this many tasks at once (the array's %M; default 100).")
        var maxRunning: Int?
        @Option(help: "The rlfit the scripts run (default: this one).") var rlfit: String?

        func run() throws {
            try GridCommand.failing {
                let file = try GridFile.read(path: grid)
                var overrides = GridPlanner.Overrides()
                overrides.cpusPerTask = cpusPerTask
                overrides.mem = mem
                overrides.time = time
                overrides.maxRunning = maxRunning
                overrides.rlfit = rlfit
                let plan = try GridPlanner.plan(file, gridPath: grid, jobDirectory: out, overrides: overrides)
                let r = plan.resources
                print("\(plan.fits.count) fits, \(plan.tasks.count) tasks (one per \(plan.unit.rawValue)) in \(out)")
                print(
                    "each task: --cpus-per-task=\(r.cpusPerTask) --mem=\(r.memoryMB)M --time=\(r.timeMinutes) minutes; at most \(r.maxRunning) at once"
                )
                print("submit:    \(out)/submit.sh            (SLURM: the array, then the merge)")
                print("or here:   rlfit grid run \(out) --local")
                print(
                    String(
                        format: "plan: %.1f s, peak memory %.0f MB",
                        ProcessInfo.processInfo.systemUptime - GridCommand.processStart,
                        GridCommand.peakMemoryMB()))
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one task of a planned grid (--task N), or every unfinished task here (--local).")
        @Argument(help: "The job folder `rlfit grid plan` wrote.") var jobDirectory: String
        @Option(help: "The task to run (SLURM_ARRAY_TASK_ID).") var task: Int?
        @Flag(help: "Run every unfinished task on this machine, then merge.") var local = false
        @Option(help: "With --local: tasks at once (default: one per core).") var jobs: Int?
        @Option(help: "Threads for a task's chains (default: SLURM_CPUS_PER_TASK, else the plan's CPUs per task).")
        var threads: Int?
        @Option(name: .customLong("checkpoint-every"), help: "Seconds between checkpoints; default 5.")
        var checkpointEvery: Double = 5

        func validate() throws {
            guard (task != nil) != local else {
                throw ValidationError("give --task N (one task) or --local (every unfinished task)")
            }
            if let jobs { guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") } }
            if let task {
                guard task >= 1 else { throw ValidationError("--task takes a task number from tasks.tsv (1, 2, …)") }
            }
        }

        func run() throws {
            if let task { try runTask(task) } else { try runLocal() }
        }

        func runTask(_ number: Int) throws {
            var interrupted: Int32?
            try GridCommand.failing {
                let plan = try GridPlan.read(jobDirectory: jobDirectory)
                let cancellation = CancellationToken()
                let interrupt = InterruptHandler { cancellation.cancel() }
                defer { interrupt.stop() }
                let t = try plan.task(number)
                print(
                    "task \(number): \(t.fit), chain\(t.chains.count == 1 ? "" : "s") \(t.chains.map(String.init).joined(separator: ",")) (\(GridTaskRecord.now()), \(ProcessInfo.processInfo.hostName))"
                )
                fflush(nil) // every output stream: the line comes before any error in the task's log
                switch try GridTaskRunner.run(
                    plan: plan, jobDirectory: jobDirectory, number: number, threads: threads,
                    cancellation: cancellation, checkpointSeconds: checkpointEvery)
                {
                case .alreadyFinished:
                    print("task \(number) has finished already: nothing to do")
                case let .ran(outcome, resumed):
                    if resumed { print("resumed from the checkpoints of an earlier attempt") }
                    print(outcome.report.text)
                    if !outcome.complete {
                        interrupted = interrupt.received ?? SIGTERM
                        printError("task \(number) interrupted: checkpoints kept; running it again resumes")
                    }
                }
            }
            if let interrupted { throw ExitCode(128 + interrupted) }
        }

        func runLocal() throws {
            try GridCommand.failing {
                let plan = try GridPlan.read(jobDirectory: jobDirectory)
                let status = GridStatus.read(plan: plan, jobDirectory: jobDirectory)
                let pending = status.tasks.filter { $0.state != .done && $0.state != .running }.map(\.number)
                let workers = jobs ?? ProcessInfo.processInfo.activeProcessorCount
                print(
                    "\(pending.count) of \(plan.tasks.count) tasks to run, \(min(workers, max(pending.count, 1))) at a time; logs in \(jobDirectory)/logs"
                )
                let failed = try LocalTaskPool.run(
                    tasks: pending, workers: workers, jobDirectory: jobDirectory,
                    executable: GridPlanner.currentExecutablePath(), threads: threads ?? 1)
                if !failed.isEmpty {
                    print(GridStatus.read(plan: plan, jobDirectory: jobDirectory).text)
                    printError(
                        "\(failed.count) task\(failed.count == 1 ? "" : "s") did not finish (\(failed.map(String.init).joined(separator: ", "))): see their logs; the merge waits for them"
                    )
                    throw ExitCode(1)
                }
                let outcome = try GridMerger.merge(plan: plan, jobDirectory: jobDirectory, threads: workers) {
                    print($0)
                }
                GridCommand.printMerge(outcome, jobDirectory: jobDirectory)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Where each task stands, from the job folder's files (no sacct needed).")
        @Argument(help: "The job folder.") var jobDirectory: String
        @Flag(help: "Print only the unfinished tasks as an sbatch --array list (e.g. 1-3,7), empty when all are done.")
        var unfinished = false

        func run() throws {
            try GridCommand.failing {
                let plan = try GridPlan.read(jobDirectory: jobDirectory)
                let status = GridStatus.read(plan: plan, jobDirectory: jobDirectory)
                print(unfinished ? status.unfinishedArrayList : status.text)
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Assemble finished tasks into complete fit folders; write grid.csv and per-data-set model comparisons.")
        @Argument(help: "The job folder.") var jobDirectory: String
        @Option(help: "Threads (default: one per core).") var threads: Int?

        func run() throws {
            try GridCommand.failing {
                let plan = try GridPlan.read(jobDirectory: jobDirectory)
                let outcome = try GridMerger.merge(
                    plan: plan, jobDirectory: jobDirectory,
                    threads: threads ?? ProcessInfo.processInfo.activeProcessorCount
                ) { print($0) }
                GridCommand.printMerge(outcome, jobDirectory: jobDirectory)
                if !outcome.missing.isEmpty {
                    throw GridError(
                        kind: .unfinished,
                        message:
                            "\(outcome.missing.count) of \(plan.fits.count) fits have unfinished tasks: \(outcome.missing.prefix(5).joined(separator: ", "))\(outcome.missing.count > 5 ? ", …" : "")",
                        fix:
                            "`rlfit grid status \(jobDirectory)` says which; submit them again (./submit.sh) and merge when they finish"
                    )
                }
            }
        }
    }
}

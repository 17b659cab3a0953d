import Foundation

/// The job folder's SLURM scripts.
///
/// - `task.sbatch`: one array task = `rlfit grid run JOBDIR --task $SLURM_ARRAY_TASK_ID`, with
///   the planned CPUs, memory and time, `--requeue` (a preempted or requeued task runs again and
///   resumes from its checkpoint), its log appended to `logs/task-<n>.log` (a requeued run
///   adds to it). SLURM sends SIGTERM before it kills a task (time limit, requeue,
///   preemption): `rlfit` is the step's process (`exec`), writes a checkpoint and exits 143.
/// - `merge.sbatch`: `rlfit grid merge JOBDIR` after the array.
/// - `submit.sh`: submits the tasks not finished yet (`rlfit grid status --unfinished`) as one
///   array (`%max_running` at once), then the merge with `--dependency=afterok:<array>
///   --kill-on-invalid-dep=yes` (without it a failed task would leave the merge pending
///   forever). Running it again after failures or a time limit submits only what is left.
enum GridScripts {
    static func scripts(plan: GridPlan, jobDirectory job: String) -> [(String, String)] {
        let r = plan.resources
        let rlfit = shellQuoted(plan.rlfit), dir = shellQuoted(job)
        var common = ""
        if let p = r.partition { common += "#SBATCH --partition=\(p)\n" }
        for extra in r.sbatch { common += "#SBATCH \(extra)\n" }
        let task = """
            #!/bin/bash
            # One task of the grid planned in \(job) (see tasks.tsv): rlfit grid run --task N.
            # Written by `rlfit grid plan`; submit with ./submit.sh.
            #SBATCH --job-name=rlfit-grid
            #SBATCH --cpus-per-task=\(r.cpusPerTask)
            #SBATCH --mem=\(r.memoryMB)M
            #SBATCH --time=\(slurmTime(r.timeMinutes))
            #SBATCH --requeue
            #SBATCH --open-mode=append
            #SBATCH --output=\(job)/logs/task-%a.log
            \(common)exec \(rlfit) grid run \(dir) --task "$SLURM_ARRAY_TASK_ID"

            """
        let merge = """
            #!/bin/bash
            # Merges the grid's chains into fits, the grid table and comparisons: rlfit grid merge.
            #SBATCH --job-name=rlfit-grid-merge
            #SBATCH --cpus-per-task=\(min(4, max(2, r.cpusPerTask)))
            #SBATCH --mem=\(max(1024, r.memoryMB * 2))M
            #SBATCH --time=\(slurmTime(max(30, plan.fits.count / 4)))
            #SBATCH --open-mode=append
            #SBATCH --output=\(job)/logs/merge.log
            \(common)exec \(rlfit) grid merge \(dir)

            """
        let submit = """
            #!/bin/bash
            # Submits the grid's unfinished tasks as one SLURM array (at most \(r.maxRunning) at once) and
            # the merge after them. Run it again after a failure or a time limit: finished tasks are
            # skipped, interrupted ones resume from their checkpoints. Written by `rlfit grid plan`.
            set -euo pipefail
            tasks=$(\(rlfit) grid status \(dir) --unfinished)
            if [ -z "$tasks" ]; then
              merge=$(sbatch --parsable \(dir)/merge.sbatch)
              echo "every task has finished; submitted the merge as job ${merge%%;*}"
              exit 0
            fi
            array=$(sbatch --parsable --array="$tasks%\(r.maxRunning)" \(dir)/task.sbatch)
            array=${array%%;*}
            merge=$(sbatch --parsable --dependency=afterok:$array --kill-on-invalid-dep=yes \(dir)/merge.sbatch)
            echo "submitted tasks $tasks as array job $array, the merge as job ${merge%%;*}"
            echo "follow with: \(plan.rlfit) grid status \(job)"

            """
        return [("task.sbatch", task), ("merge.sbatch", merge), ("submit.sh", submit)]
    }

    /// Minutes as SLURM's D-HH:MM:SS.
    static func slurmTime(_ minutes: Int) -> String {
        let d = minutes / 1440, h = (minutes % 1440) / 60, m = minutes % 60
        return d > 0 ? String(format: "%d-%02d:%02d:00", d, h, m) : String(format: "%02d:%02d:00", h, m)
    }

    static func shellQuoted(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:,".contains($0) }
            ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

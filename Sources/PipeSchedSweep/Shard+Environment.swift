extension Shard {
    /// `--shard auto` or `auto/N`: the share from the job array the process runs in.
    ///
    /// - Slurm (`sbatch --array=A-B[:S]`): task `SLURM_ARRAY_TASK_ID` of `SLURM_ARRAY_TASK_COUNT`,
    ///   counted from `SLURM_ARRAY_TASK_MIN` in steps of `SLURM_ARRAY_TASK_STEP`, so `--array=0-3`
    ///   and `--array=1-4` both give shares 1/4 to 4/4.
    /// - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (from 0) of the count given as `auto/N`
    ///   (the Job's `completions`), since Kubernetes does not tell a pod how many there are.
    ///
    /// A count given as `auto/N` must match Slurm's when both are there.
    public init(auto text: String, environment: [String: String]) throws(GridError) {
        let fix = "run it as a Slurm array task (sbatch --array) or a Kubernetes Indexed Job with --shard auto/N, or give --shard K/N"
        var given: Int?
        if text != "auto" {
            guard text.hasPrefix("auto/"), let count = Int(text.dropFirst(5)), count >= 1 else {
                throw GridError(field: "--shard", message: "\"\(text)\" is not auto or auto/N", fix: "give auto, auto/N (N ≥ 1) or K/N")
            }
            given = count
        }
        func number(_ name: String) throws(GridError) -> Int? {
            guard let value = environment[name] else { return nil }
            guard let number = Int(value) else {
                throw GridError(field: "--shard", message: "\(name)=\"\(value)\" is not a whole number", fix: fix)
            }
            return number
        }
        if let task = try number("SLURM_ARRAY_TASK_ID") {
            guard let count = try number("SLURM_ARRAY_TASK_COUNT") else {
                throw GridError(field: "--shard", message: "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not", fix: fix)
            }
            let first = try number("SLURM_ARRAY_TASK_MIN") ?? 0
            let step = max(1, try number("SLURM_ARRAY_TASK_STEP") ?? 1)
            if let given, given != count {
                throw GridError(field: "--shard", message: "auto/\(given) but the Slurm array has \(count) tasks",
                                fix: "give --shard auto, or an array of \(given) tasks")
            }
            guard (task - first) % step == 0 else {
                throw GridError(field: "--shard", message: "task \(task) is not on the array's step \(step) from \(first)", fix: fix)
            }
            try self.init(index: (task - first) / step + 1, count: count)
        } else if let index = try number("JOB_COMPLETION_INDEX") {
            guard let given else {
                throw GridError(field: "--shard", message: "JOB_COMPLETION_INDEX is set, but Kubernetes does not say how many shards there are",
                                fix: "give --shard auto/N with N the Job's completions")
            }
            try self.init(index: index + 1, count: given)
        } else {
            throw GridError(field: "--shard", message: "auto found neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX", fix: fix)
        }
    }

    /// `K/N`, `auto` or `auto/N`.
    public init(option text: String, environment: [String: String]) throws(GridError) {
        if text.hasPrefix("auto") { try self.init(auto: text, environment: environment) } else { try self.init(parsing: text) }
    }
}

import Testing
@testable import PipeSchedSweep

/// `--shard auto`: the share from a Slurm array task or a Kubernetes Indexed Job.
@Suite struct ShardEnvironmentTests {
    @Test func slurmArraysFromZeroOrOneGiveTheSameShares() throws {
        for (first, last) in [(0, 3), (1, 4)] {
            let shares = try (first...last).map { task in
                try Shard(auto: "auto", environment: ["SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_COUNT": "4",
                                                      "SLURM_ARRAY_TASK_MIN": "\(first)"])
            }
            #expect(shares == [try Shard(index: 1, count: 4), try Shard(index: 2, count: 4), try Shard(index: 3, count: 4), try Shard(index: 4, count: 4)])
        }
    }

    @Test func slurmArraysWithAStepCountTasks() throws {
        let share = try Shard(auto: "auto", environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "3",
                                                          "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_STEP": "2"])
        #expect(share == (try Shard(index: 3, count: 3)))
    }

    @Test func kubernetesIndexedJobsNeedTheCount() throws {
        #expect(try Shard(auto: "auto/8", environment: ["JOB_COMPLETION_INDEX": "0"]) == (try Shard(index: 1, count: 8)))
        #expect(try Shard(auto: "auto/8", environment: ["JOB_COMPLETION_INDEX": "7"]) == (try Shard(index: 8, count: 8)))
        #expect(throws: GridError.self) { try Shard(auto: "auto", environment: ["JOB_COMPLETION_INDEX": "0"]) }
        #expect(throws: GridError.self) { try Shard(auto: "auto/8", environment: ["JOB_COMPLETION_INDEX": "8"]) }
    }

    @Test func noArrayOrAContradictionIsAnError() {
        #expect(throws: GridError.self) { try Shard(auto: "auto", environment: [:]) }
        #expect(throws: GridError.self) { try Shard(auto: "auto/3", environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"]) }
        #expect(throws: GridError.self) { try Shard(auto: "automatic", environment: [:]) }
        #expect(throws: GridError.self) { try Shard(auto: "auto", environment: ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"]) }
    }
}

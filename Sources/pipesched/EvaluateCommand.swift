import ArgumentParser
import Foundation
import PipeSched
import PipeSchedExport

/// `pipesched evaluate`: validate a schedule file (or a PyTorch schedule CSV) against a problem and print its metrics.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Validate a schedule against a problem and print its metrics.",
        discussion: """
        Checks pass counts, placement, durations, overlap, dependencies by the claimed times, memory \
        caps and deadlock under PyTorch's send/recv rule. Exits 1 and lists the reasons when the \
        schedule is invalid. With --torch-csv instead of SCHEDULE.json, reads a PyTorch compute-only \
        schedule CSV (for example dumped from PyTorch's ScheduleZBVZeroBubble), checks it with \
        PyTorch's loader rules, times it with the problem's costs and measures it.
        """
    )

    @Argument(help: "Problem JSON file.")
    var problem: String

    @Argument(help: "Schedule JSON file (pipesched.schedule.v1); omit it when giving --torch-csv.")
    var schedule: String?

    @Option(help: "A PyTorch compute-only schedule CSV to evaluate instead of a schedule JSON file.")
    var torchCsv: String?

    @Option(help: "PyTorch version whose letters the CSV uses (before 2.6: B = input backward, BW = full backward).")
    var torchVersion: TorchVersion = .tested

    @Option(name: .shortAndLong, help: "With --torch-csv: also write the imported, timed schedule as schedule JSON.")
    var output: String?

    @Option(help: "Objective for the bubble rate and gap; defaults to the schedule file's (stageSpan for a CSV).")
    var objective: Objective?

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        guard (schedule == nil) != (torchCsv == nil) else {
            throw ValidationError("give exactly one schedule: a SCHEDULE.json argument or --torch-csv FILE")
        }
        if output != nil && torchCsv == nil {
            throw ValidationError("--output only applies with --torch-csv")
        }
    }

    func run() throws {
        let problem = try Input.problem(at: self.problem, limits: limits)
        if let torchCsv { return try evaluateCSV(torchCsv, problem: problem) }
        let document = try Input.schedule(at: schedule!, limits: limits)
        let objective = objective ?? document.objective
        let timeline = document.timedTimeline
        // A schedule made for another problem is reported before anything indexes the problem with it.
        try reportShape(ScheduleShapeCheck.issues(problem, timeline))
        let evaluation = Evaluation(problem, timeline, objective: objective)
        try report(evaluation, method: document.method, objective: objective, problem: problem)
    }

    private func evaluateCSV(_ path: String, problem: Problem) throws {
        let text = String(decoding: try Input.data(at: path, maxBytes: limits.maxInputBytes), as: UTF8.self)
        let schedule: Schedule
        do {
            schedule = try TorchCSVReader(version: torchVersion).schedule(text, for: problem)
        } catch {
            throw Failure("\(path): \(error)", code: .invalidSchedule)
        }
        try reportShape(ScheduleShapeCheck.issues(problem, schedule))
        let objective = objective ?? .stageSpan
        let evaluation: Evaluation
        do {
            evaluation = try Evaluation(problem, schedule, objective: objective)
        } catch {
            throw Failure("\(path): \(error)", code: .invalidSchedule)
        }
        let method = "torch-csv:" + URL(fileURLWithPath: path).lastPathComponent
        try report(evaluation, method: method, objective: objective, problem: problem)
        if let output {
            let document = ScheduleDocument(problem: problem, method: method, objective: objective, evaluation: evaluation)
            try Output.write(try document.json(), to: output)
        }
    }

    /// Exits 1 listing the issues when the schedule does not have the problem's shape.
    private func reportShape(_ issues: [ValidationIssue]) throws {
        guard !issues.isEmpty else { return }
        let lines = issues.map { "  " + $0.description }
        throw Failure((["invalid schedule: it does not belong to this problem (\(issues.count)\(issues.count >= 50 ? "+" : "") issues):"] + lines).joined(separator: "\n"),
                      code: .invalidSchedule)
    }

    private func report(_ evaluation: Evaluation, method: String, objective: Objective, problem: Problem) throws {
        guard evaluation.isValid else {
            let lines = evaluation.issues.prefix(50).map { "  " + $0.description }
            let more = evaluation.issues.count > 50 ? ["  ... and \(evaluation.issues.count - 50) more"] : []
            throw Failure((["invalid schedule (\(evaluation.issues.count) issues):"] + lines + more).joined(separator: "\n"), code: .invalidSchedule)
        }
        let m = evaluation.metrics
        print("valid schedule: \(method), \(problem.devices) devices, \(problem.microbatches) microbatches")
        print("objective:   \(objective.rawValue) = \(format(m.value(of: objective)))")
        print("makespan:    \(format(m.makespan))")
        print("stageSpan:   \(format(m.stageSpan))")
        print("bubbleRate:  \(format(m.bubbleRate * 100))%")
        print("lowerBound:  \(format(m.lowerBound))  gap \(format(m.gap * 100))%")
        print("peakMemory:  \(m.peakMemory.map(format).joined(separator: " "))")
        if let caps = problem.memoryLimit { print("memoryLimit: \(caps.map(format).joined(separator: " "))") }
    }
}

func format(_ value: Double) -> String { value.readable }

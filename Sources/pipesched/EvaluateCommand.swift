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

    @Argument(help: "Problem JSON file (- reads standard input).")
    var problem: String

    @Argument(help: "Schedule JSON file (pipesched.schedule.v1; - reads standard input); omit it when giving --torch-csv.")
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
        try Input.requireOneStandardInput([problem, schedule, torchCsv])
    }

    func run() throws {
        let problem = try Input.problem(at: self.problem, limits: limits)
        if let torchCsv { return try evaluateCSV(torchCsv, problem: problem) }
        let document = try Input.schedule(at: schedule!, limits: limits)
        // Before anything reads the timeline with the problem's dimensions: a schedule made for
        // another problem (exit 2, naming the difference), then one whose passes do not fit it (exit 1).
        if let mismatch = document.mismatch(with: problem) { throw Failure("\(Input.name(schedule!)): \(mismatch)", code: .badInput) }
        let objective = objective ?? document.objective
        let timeline = document.timedTimeline
        try reportShape(ScheduleShapeCheck.issues(problem, timeline))
        let bounds = LowerBound.parts(problem, objective: objective)
        var evaluation = Evaluation(problem, timeline, objective: objective, lowerBound: bounds.value)
        var proof: String?
        if let solver = document.solver, let bound = solver.bestBound, objective == document.objective {
            evaluation = evaluation.raisingLowerBound(to: bound, objective: objective)
            proof = "\(solver.name), \(solver.status)"
        }
        try report(evaluation, method: document.method, objective: objective, problem: problem, bounds: bounds, boundSource: proof)
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
        let bounds = LowerBound.parts(problem, objective: objective)
        let evaluation: Evaluation
        do {
            evaluation = try Evaluation(problem, schedule, objective: objective, lowerBound: bounds.value)
        } catch {
            throw Failure("\(path): \(error)", code: .invalidSchedule)
        }
        let method = "torch-csv:" + URL(fileURLWithPath: path).lastPathComponent
        try report(evaluation, method: method, objective: objective, problem: problem, bounds: bounds)
        if let output {
            let document = ScheduleDocument(problem: problem, method: method, objective: objective, evaluation: evaluation)
            try Output.write(try document.json(), to: output)
        }
    }

    /// Issues listed when a schedule is invalid; the count given is always the true one.
    static let listedIssues = 50

    /// Exits 1 listing the issues when the schedule's passes do not fit the problem's shape.
    private func reportShape(_ issues: [ValidationIssue]) throws {
        guard !issues.isEmpty else { return }
        let lines = issues.map { "  " + $0.description }
        throw Failure((["invalid schedule: it does not belong to this problem (\(issues.count)\(issues.count >= 50 ? "+" : "") issues):"] + lines).joined(separator: "\n"),
                      code: .invalidSchedule)
    }

    /// Prints the evaluation; `bounds` are the problem's (`LowerBound.parts`), whose best the metrics
    /// carry unless a stored proof (`boundSource`) raised it.
    private func report(_ evaluation: Evaluation, method: String, objective: Objective, problem: Problem, bounds: LowerBound.Parts,
                        boundSource: String? = nil) throws {
        guard evaluation.isValid else {
            let count = evaluation.issues.count
            let shown = count > Self.listedIssues ? "\(count) issues, first \(Self.listedIssues) shown" : "\(count) issue\(count == 1 ? "" : "s")"
            let lines = evaluation.issues.prefix(Self.listedIssues).map { "  " + $0.description }
            throw Failure((["invalid schedule (\(shown)):"] + lines).joined(separator: "\n"), code: .invalidSchedule)
        }
        let m = evaluation.metrics
        print("valid schedule: \(method), \(problem.devices) devices, \(problem.microbatches) microbatches")
        let time = problem.timeText, memory = problem.memoryText
        print("objective:   \(objective.rawValue) = \(time(m.value(of: objective)))")
        print("makespan:    \(time(m.makespan))")
        print("stageSpan:   \(time(m.stageSpan))")
        print("bubbleRate:  \(format(m.bubbleRate * 100))%")
        let source = boundSource.map { "  (proven by \($0), stored in the schedule)" } ?? ""
        print("lowerBound:  \(time(m.lowerBound))  gap \(format(m.gap * 100))%\(source)")
        // Which argument gives the bound (docs/schedules.md, "Lower bounds"), so a gap can be read.
        print("boundParts:  " + bounds.named.map { "\($0.name) \(time($0.value))\($0.value == bounds.value ? " (best)" : "")" }.joined(separator: ", "))
        print("peakMemory:  \(m.peakMemory.map(memory).joined(separator: " "))")
        if let caps = problem.memoryLimit { print("memoryLimit: \(caps.map(memory).joined(separator: " "))") }
    }
}

func format(_ value: Double) -> String { value.readable }

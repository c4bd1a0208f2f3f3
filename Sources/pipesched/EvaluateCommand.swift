import ArgumentParser
import Foundation
import PipeSched

/// `pipesched evaluate`: validate a schedule file against a problem and print its metrics.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Validate a schedule against a problem and print its metrics.",
        discussion: """
        Checks pass counts, placement, durations, overlap, dependencies by the claimed times, memory \
        caps and deadlock under PyTorch's send/recv rule. Exits 1 and lists the reasons when the \
        schedule is invalid.
        """
    )

    @Argument(help: "Problem JSON file.")
    var problem: String

    @Argument(help: "Schedule JSON file (pipesched.schedule.v1).")
    var schedule: String

    @Option(help: "Objective for the bubble rate and gap; defaults to the schedule file's.")
    var objective: Objective?

    func run() throws {
        let problem = try Input.problem(at: self.problem)
        let document = try Input.schedule(at: schedule)
        let objective = objective ?? document.objective
        let evaluation = Evaluation(problem, document.timedTimeline, objective: objective)
        guard evaluation.isValid else {
            let lines = evaluation.issues.prefix(50).map { "  " + $0.description }
            let more = evaluation.issues.count > 50 ? ["  ... and \(evaluation.issues.count - 50) more"] : []
            throw Failure((["invalid schedule (\(evaluation.issues.count) issues):"] + lines + more).joined(separator: "\n"), code: .invalidSchedule)
        }
        let m = evaluation.metrics
        print("valid schedule: \(document.method), \(problem.devices) devices, \(problem.microbatches) microbatches")
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

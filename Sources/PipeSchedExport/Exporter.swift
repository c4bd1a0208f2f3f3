import PipeSched

/// Why a schedule was not exported.
public enum ExportError: Error, Sendable, CustomStringConvertible {
    /// The schedule file does not belong to the problem (devices, placement, microbatches or slices differ).
    case mismatch(String)
    /// The schedule breaks the problem's rules (durations, dependencies, memory cap, ...).
    case invalid([ValidationIssue])
    /// PyTorch could not load or run the schedule as a CSV, or the export policy refuses it.
    case torch(TorchScheduleError)
    /// The format cannot express this schedule, or needs what was not given (the message says which).
    case unsupported(String)

    public var description: String {
        switch self {
        case .mismatch(let message): message
        case .invalid(let issues):
            "the schedule is invalid for this problem (\(issues.count) issues): " + issues.prefix(10).map(\.description).joined(separator: "; ")
        case .torch(let error): error.message
        case .unsupported(let message): message
        }
    }
}

/// Exported text plus a one-line note for the user (for example the placement a CSV needs), and for
/// formats made of two files (torchtitan) the second one.
public struct ExportResult: Sendable {
    public var text: String
    public var note: String
    /// A file written next to the main one: its path and text (the torchtitan CSV).
    public var companion: (path: String, text: String)?
    /// What the user must know before running the export, if anything (`TorchMemoryNote`): the CLI
    /// prints it on standard error after the note.
    public var warning: String?

    public init(text: String, note: String, companion: (path: String, text: String)? = nil, warning: String? = nil) {
        self.text = text
        self.note = note
        self.companion = companion
        self.warning = warning
    }
}

/// The one entry point from a schedule document (and optionally its problem) to any export format.
public enum Exporter {
    /// Exports `document` as `format`. With `problem`, the document is first checked against it
    /// (device count, placement, and the full validator), and memory, caps and the problem summary
    /// are drawn; without it they are left out.
    public static func export(_ document: ScheduleDocument, problem: Problem?, format: ExportFormat,
                              options: ExportOptions = ExportOptions()) throws(ExportError) -> ExportResult {
        if let problem { try check(document, against: problem) }
        switch format {
        case .torchCSV:
            let writer = TorchCSVWriter(version: options.torchVersion, allowCustomPlacement: options.allowCustomPlacement)
            let output: TorchCSVWriter.Output
            do { output = try writer.write(document, microbatches: problem?.microbatches) } catch { throw .torch(error) }
            let l = options.torchVersion.letters
            let placement = output.placement.map { "PyTorch \"\($0.rawValue)\" placement" } ?? "custom placement \(output.stageRanks) (build stage s on rank placement[s] yourself)"
            return ExportResult(text: output.text,
                                note: "PyTorch \(options.torchVersion) letters (\(l.forward) \(l.backwardInput) \(l.backwardWeight) \(l.fullBackward)), \(document.timeline.count) ranks, \(output.stageRanks.count) stages, \(placement)",
                                warning: TorchMemoryNote.warning(for: document, problem: problem, format: format))
        case .chromeTrace:
            let note = problem == nil ? "no memory counters (give --problem)" : "memory counters included"
            let unit = options.timeUnit ?? problem?.units.flatMap { TraceTimeUnit(rawValue: $0.time) } ?? .ms
            return ExportResult(text: ChromeTrace(timeUnit: unit).render(document, problem: problem),
                                note: "Chrome trace, times in \(unit.rawValue), \(note)")
        case .svg:
            return ExportResult(text: SVGTimeline().render(document, problem: problem),
                                note: problem == nil ? "SVG timeline without memory strips (give --problem)" : "SVG timeline with memory strips")
        case .html:
            return ExportResult(text: HTMLReport().render(document, problem: problem),
                                note: problem == nil ? "HTML report without memory and problem summary (give --problem)" : "HTML report")
        case .torchtitan:
            let output: TorchCSVWriter.Output
            do { output = try TorchCSVWriter(version: options.torchVersion).write(document, microbatches: problem?.microbatches) } catch { throw .torch(error) }
            let config = TorchtitanConfig(csvPath: options.torchtitanCSVPath).render(document, csv: output, problem: problem)
            let layers = problem?.partition == nil ? "; no layers per stage (give --problem with a partition)" : ""
            return ExportResult(text: config, note: "torchtitan config snippet and schedule CSV \(options.torchtitanCSVPath) (PyTorch \(options.torchVersion) letters)\(layers)",
                                companion: (options.torchtitanCSVPath, output.text), warning: TorchMemoryNote.warning(for: document, problem: problem, format: format))
        case .megatron:
            return ExportResult(text: try MegatronLayout.arguments(document, problem: problem) + "\n",
                                note: "Megatron-LM arguments: the layer partition only; Megatron runs its own (interleaved) 1F1B order")
        }
    }

    /// Refuses a document that does not belong to `problem` or that `problem`'s validator rejects.
    public static func check(_ document: ScheduleDocument, against problem: Problem) throws(ExportError) {
        if let mismatch = document.mismatch(with: problem) { throw .mismatch(mismatch) }
        let issues = Validator.validate(problem, document.timedTimeline)
        guard issues.isEmpty else { throw .invalid(issues) }
    }
}

import ArgumentParser
import Foundation
import PipeSched
import PipeSchedExport

/// `pipesched export`: write a schedule file as a PyTorch CSV, a Chrome trace, an SVG timeline or an HTML report.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a schedule as a PyTorch schedule CSV, torchtitan or Megatron-LM settings, Chrome trace, SVG timeline or HTML report.",
        discussion: """
        With --problem, the schedule is first validated against the problem (exit 1 when invalid), \
        and the Chrome trace, SVG and HTML get memory curves, caps and the problem summary. The \
        PyTorch CSV is checked with PyTorch's own loader rules before it is written; a schedule with \
        sequence slices, or with a placement other than PyTorch's loop or v, is refused (exit 2). \
        torchtitan: a TOML snippet (--output NAME.toml) and the CSV it names (NAME.csv); megatron: \
        --pipeline-model-parallel-layout from the problem's partition. See docs/export.md.
        """
    )

    @Argument(help: "Schedule JSON file (pipesched.schedule.v1); - reads standard input.")
    var schedule: String

    @Option(name: .customLong("to"), help: ArgumentHelp("Format: torch-csv, chrome-trace, svg, html, torchtitan (TOML snippet + CSV; needs --output) or megatron (needs --problem).", valueName: "format"))
    var format: ExportFormat

    @Option(help: "The problem JSON the schedule was solved for: validates the schedule and adds memory and caps.")
    var problem: String?

    @Option(name: .shortAndLong, help: "Write here instead of standard output.")
    var output: String?

    @OptionGroup var settings: ExportSettings

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        try Input.requireOneStandardInput([schedule, problem])
        if format == .torchtitan && output == nil {
            throw ValidationError("--to torchtitan writes two files (a TOML snippet and the CSV it names): give --output NAME.toml")
        }
    }

    func run() throws {
        let document = try Input.schedule(at: schedule, limits: limits)
        let problem = try self.problem.map { try Input.problem(at: $0, limits: limits) }
        let result = try ExportRun.export(document, problem: problem, format: format, settings: settings, output: output)
        try ExportRun.write(result, to: output)
    }
}

/// Export settings shared by `export` and `solve --export`.
struct ExportSettings: ParsableArguments {
    @Option(help: "PyTorch version whose CSV letters to write or read (before 2.6: B = input backward, BW = full backward; from 2.6: I and B).")
    var torchVersion: TorchVersion = .tested

    @Flag(help: "Write a PyTorch CSV even when the placement is neither PyTorch's loop nor v (torchtitan cannot build it).")
    var allowCustomPlacement = false

    @Option(help: "Time unit of the problem's costs, for the Chrome trace: ns, us, ms or s (default: the problem's units, else ms).")
    var timeUnit: TraceTimeUnit?

    var options: ExportOptions {
        ExportOptions(torchVersion: torchVersion, allowCustomPlacement: allowCustomPlacement, timeUnit: timeUnit)
    }
}

/// Running an export and writing its result, with errors mapped to exit codes.
enum ExportRun {
    /// `output` is where the result goes: the torchtitan CSV is written next to it (same name, `.csv`).
    static func export(_ document: ScheduleDocument, problem: Problem?, format: ExportFormat,
                       settings: ExportSettings, output: String?) throws -> ExportResult {
        var options = settings.options
        if let output {
            let stem = output.hasSuffix(format.fileExtension) ? String(output.dropLast(format.fileExtension.count)) : output
            options.torchtitanCSVPath = stem + ".csv"
        }
        do {
            return try Exporter.export(document, problem: problem, format: format, options: options)
        } catch {
            switch error {
            case .invalid: throw Failure("cannot export: \(error)", code: .invalidSchedule)
            case .mismatch, .torch, .unsupported: throw Failure("cannot export as \(format.rawValue): \(error)", code: .badInput)
            }
        }
    }

    /// Writes the companion file (if any) and the text as one step (whole files, all or none), then
    /// the note on standard error.
    static func write(_ result: ExportResult, to path: String?) throws {
        try Output.writeAll(files(result, to: path))
        note(result, path: path)
    }

    /// Every file a result writes: the companion (the torchtitan CSV), if any, and the text.
    static func files(_ result: ExportResult, to path: String?) -> [(data: Data, path: String?)] {
        (result.companion.map { [(Data($0.text.utf8), $0.path)] } ?? []) + [(text(result, to: path), path)]
    }

    /// The bytes written for a result (without the final newline on standard output, which adds one).
    static func text(_ result: ExportResult, to path: String?) -> Data {
        var text = result.text
        if path == nil, text.hasSuffix("\n") { text.removeLast() }
        return Data(text.utf8)
    }

    /// The note on standard error after a result is written.
    static func note(_ result: ExportResult, path: String?) {
        FileHandle.standardError.write(Data("\(path.map { "wrote \($0): " } ?? "")\(result.note)\n".utf8))
        if let warning = result.warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    }
}

extension ExportFormat: ExpressibleByArgument {}
extension TraceTimeUnit: ExpressibleByArgument {}

extension TorchVersion: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public var defaultValueDescription: String { description }
}

import PipeSched

/// The formats `pipesched export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// PyTorch compute-only schedule CSV (`TorchCSVWriter`).
    case torchCSV = "torch-csv"
    /// Chrome / Perfetto trace JSON (`ChromeTrace`).
    case chromeTrace = "chrome-trace"
    /// SVG timeline (`SVGTimeline`).
    case svg
    /// Self-contained HTML report (`HTMLReport`).
    case html
    /// torchtitan: the PyTorch CSV plus a TOML job-config snippet that points to it (`TorchtitanConfig`).
    case torchtitan
    /// Megatron-LM: `--pipeline-model-parallel-layout` from the problem's partition (`MegatronLayout`).
    case megatron

    /// Whether PyTorch's runtime runs the export (the CSV, and torchtitan's snippet with it), so its
    /// memory is PyTorch's (`TorchMemoryNote`).
    public var runsInPyTorch: Bool { self == .torchCSV || self == .torchtitan }

    /// The file name ending used when an output name is derived.
    public var fileExtension: String {
        switch self {
        case .torchCSV: ".csv"
        case .chromeTrace: ".trace.json"
        case .svg: ".svg"
        case .html: ".html"
        case .torchtitan: ".toml"
        case .megatron: ".megatron.txt"
        }
    }
}

/// Settings of the exporters that need them.
public struct ExportOptions: Sendable {
    /// Letters of the PyTorch CSV.
    public var torchVersion: TorchVersion
    /// Let the PyTorch CSV use a placement other than loop or v.
    public var allowCustomPlacement: Bool
    /// Unit of the schedule's times, for the Chrome trace; `nil`: the problem's `units.time`, else ms.
    public var timeUnit: TraceTimeUnit?

    /// Where the torchtitan snippet says the CSV is (its companion file).
    public var torchtitanCSVPath: String

    public init(torchVersion: TorchVersion = .tested, allowCustomPlacement: Bool = false, timeUnit: TraceTimeUnit? = nil,
                torchtitanCSVPath: String = "schedule.csv") {
        self.torchtitanCSVPath = torchtitanCSVPath
        self.torchVersion = torchVersion
        self.allowCustomPlacement = allowCustomPlacement
        self.timeUnit = timeUnit
    }
}

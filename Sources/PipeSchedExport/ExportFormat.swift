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

    /// The file name ending used when an output name is derived.
    public var fileExtension: String {
        switch self {
        case .torchCSV: ".csv"
        case .chromeTrace: ".trace.json"
        case .svg: ".svg"
        case .html: ".html"
        }
    }
}

/// Settings of the exporters that need them.
public struct ExportOptions: Sendable {
    /// Letters of the PyTorch CSV.
    public var torchVersion: TorchVersion
    /// Let the PyTorch CSV use a placement other than loop or v.
    public var allowCustomPlacement: Bool
    /// Unit of the schedule's times, for the Chrome trace.
    public var timeUnit: TraceTimeUnit

    public init(torchVersion: TorchVersion = .tested, allowCustomPlacement: Bool = false, timeUnit: TraceTimeUnit = .ms) {
        self.torchVersion = torchVersion
        self.allowCustomPlacement = allowCustomPlacement
        self.timeUnit = timeUnit
    }
}

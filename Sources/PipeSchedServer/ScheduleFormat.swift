import HTTPTypes
import PipeSchedExport

/// A representation of a stored schedule that `GET /v1/schedules/{id}` can serve, chosen by
/// `?format=NAME` or by the `Accept` header's media type.
public struct ScheduleFormat: Sendable, Hashable {
    /// The `?format=` name.
    public var name: String
    /// The response's `Content-Type`, also matched against `Accept`.
    public var mediaType: String
    /// The exporter format it serves, named as `pipesched export --format` names it; `nil` for
    /// schedule JSON and for a format a server registers itself.
    public var export: ExportFormat?

    public init(name: String, mediaType: String) {
        self.name = name
        self.mediaType = mediaType
    }

    /// An exporter's format, under the exporter's name.
    public init(_ export: ExportFormat, mediaType: String) {
        self.init(name: export.rawValue, mediaType: mediaType)
        self.export = export
    }

    /// Schedule JSON (pipesched.schedule.v1), the same document `pipesched solve` writes.
    public static let json = ScheduleFormat(name: "json", mediaType: "application/json")
    /// PyTorch pipelining's schedule CSV.
    public static let torchCSV = ScheduleFormat(.torchCSV, mediaType: "text/csv")
    /// A timeline picture.
    public static let svg = ScheduleFormat(.svg, mediaType: "image/svg+xml")
    /// A self-contained page with the timeline.
    public static let html = ScheduleFormat(.html, mediaType: "text/html")
    /// Chrome's trace-event JSON (chrome://tracing, Perfetto).
    public static let chromeTrace = ScheduleFormat(.chromeTrace, mediaType: "application/vnd.chrome-trace+json")

    /// torchtitan's TOML job-config snippet; it names the CSV `schedule.csv` (download `torch-csv` as that).
    public static let torchtitan = ScheduleFormat(.torchtitan, mediaType: "application/toml")
    /// Megatron-LM's `--pipeline-model-parallel-layout` arguments.
    public static let megatron = ScheduleFormat(.megatron, mediaType: "text/plain")

    /// The response header that carries what the user must know before running a download: a PyTorch
    /// export of a problem profiled for another runtime (`TorchMemoryNote`), as the CLI says on
    /// standard error.
    public static let warningHeader = HTTPField.Name("PipeSched-Warning")!

    /// Every format the API names, whether or not this build can render it.
    public static let known: [ScheduleFormat] = [.json, .torchCSV, .svg, .html, .chromeTrace, .torchtitan, .megatron]
}

import Foundation
import PipeSched
import PipeSchedExport

/// The seam between the server and the exporters: a table from format name to a function that
/// renders a schedule document (with its problem) as bytes. `standard` has JSON and every
/// PipeSchedExport format (`Exporter.export`); a server can register more or replace one:
///
/// ```swift
/// var renderers = ScheduleRenderers.standard
/// renderers.register(ScheduleFormat(name: "gantt", mediaType: "text/plain")) { document, problem in ... }
/// ```
///
/// A format of `ScheduleFormat.known` without a renderer is answered `406` (`formatNotAvailable`);
/// an exporter that refuses a schedule (a CSV for a placement PyTorch cannot load, say) `422`.
public struct ScheduleRenderers: Sendable {
    /// Renders a schedule document; the problem gives costs and names the document does not carry.
    public typealias Render = @Sendable (_ document: ScheduleDocument, _ problem: Problem) throws -> Data

    private var table: [String: (format: ScheduleFormat, render: Render)] = [:]

    /// JSON and the exporters' formats: torch-csv, svg, html, chrome-trace, torchtitan, megatron.
    public static var standard: ScheduleRenderers {
        var renderers = jsonOnly
        for format in ScheduleFormat.known {
            guard let export = format.export else { continue }
            renderers.register(format) { document, problem in
                do throws(ExportError) {
                    return Data(try Exporter.export(document, problem: problem, format: export).text.utf8)
                } catch {
                    throw APIError(.unprocessableContent, code: "exportRefused", message: error.description, field: "format",
                                   fix: "choose another format; docs/export.md says what each needs")
                }
            }
        }
        return renderers
    }

    /// JSON alone.
    public static var jsonOnly: ScheduleRenderers {
        var renderers = ScheduleRenderers()
        renderers.register(.json) { document, _ in try document.json() }
        return renderers
    }

    public init() {}

    /// Adds or replaces the renderer of a format.
    public mutating func register(_ format: ScheduleFormat, render: @escaping Render) {
        table[format.name] = (format, render)
    }

    /// The registered formats, by name.
    public var available: [ScheduleFormat] { table.values.map(\.format).sorted { $0.name < $1.name } }

    /// The renderer of a format name, if registered.
    public func renderer(named name: String) -> (format: ScheduleFormat, render: Render)? { table[name] }

    /// The format for a request: `?format=` if given, else the first `Accept` media type that names a
    /// known format (`*/*`, `application/*` or no header: JSON). Throws `APIError` `400` for an
    /// unknown format name and `406` for a known but unregistered one or an unsatisfiable `Accept`.
    public func negotiate(format parameter: String?, accept: String?) throws(APIError) -> (format: ScheduleFormat, render: Render) {
        let availableNames = available.map(\.name).joined(separator: ", ")
        if let parameter {
            guard ScheduleFormat.known.contains(where: { $0.name == parameter }) || table[parameter] != nil else {
                throw APIError(.badRequest, code: "unknownFormat", message: "unknown format \"\(parameter)\"", field: "format",
                               fix: "use one of \(ScheduleFormat.known.map(\.name).joined(separator: ", "))")
            }
            guard let entry = table[parameter] else { throw Self.notAvailable(parameter, availableNames) }
            return entry
        }
        var unavailable: ScheduleFormat?
        for mediaType in Self.mediaTypes(accept ?? "*/*") {
            if mediaType == "*/*" || mediaType == "application/*", let json = table[ScheduleFormat.json.name] { return json }
            if let entry = table.values.first(where: { $0.format.mediaType == mediaType }) { return entry }
            unavailable = unavailable ?? ScheduleFormat.known.first { $0.mediaType == mediaType }
        }
        if let unavailable { throw Self.notAvailable(unavailable.name, availableNames) }
        throw APIError(.notAcceptable, code: "notAcceptable", message: "no available format matches Accept: \(accept ?? "")",
                       fix: "accept one of \(available.map(\.mediaType).joined(separator: ", ")), or use ?format=")
    }

    /// The media types of an `Accept` header, most preferred first (by `q`, then by order); `q=0`
    /// types are dropped.
    static func mediaTypes(_ accept: String) -> [String] {
        let ranked = accept.split(separator: ",").enumerated().compactMap { index, item -> (type: String, q: Double, index: Int)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let type = parts.first?.lowercased(), !type.isEmpty else { return nil }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0 ? (type, q, index) : nil
        }
        return ranked.sorted { ($0.q, -$0.index) > ($1.q, -$1.index) }.map(\.type)
    }

    private static func notAvailable(_ name: String, _ availableNames: String) -> APIError {
        APIError(.notAcceptable, code: "formatNotAvailable", message: "format \"\(name)\" is not available in this build",
                 field: "format", fix: "use one of \(availableNames)")
    }
}

import Foundation
import PipeSched

/// `results.json`: the rows of a sweep or a shard, with what they came from, so shards can be merged
/// and checked for gaps.
public struct SweepResults: Sendable, Codable, Equatable {
    public static let formatTag = "pipesched.sweep.v1"

    public var format: String
    public var version: String
    /// `SweepGrid.fingerprint`: shards of one grid share it.
    public var grid: String
    /// Points in the whole grid.
    public var points: Int
    /// Methods per point.
    public var methods: [String]
    /// The share these rows cover; `nil` for a whole grid or a merge.
    public var shard: Shard?
    public var rows: [SweepRow]

    public init(grid: SweepGrid, shard: Shard?, rows: [SweepRow]) {
        format = Self.formatTag
        version = PipeSchedVersion.current
        self.grid = grid.fingerprint
        points = grid.points.count
        methods = grid.methods
        self.shard = shard
        self.rows = rows
    }

    /// Rows missing for a complete grid.
    public var missingRuns: Int { points * methods.count - Set(rows.map(\.identity)).count }

    /// Pretty JSON with sorted keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a `results.json`.
    public static func read(_ url: URL) throws(GridError) -> SweepResults {
        do {
            let results = try JSONDecoder().decode(SweepResults.self, from: Data(contentsOf: url))
            guard results.format == formatTag else {
                throw GridError(field: url.path, message: "is a \(results.format) file", fix: "merge \(formatTag) results only")
            }
            return results
        } catch let error as GridError {
            throw error
        } catch {
            throw GridError(field: url.path, message: "is not a sweep results file (\(error))", fix: "give folders written by pipesched sweep")
        }
    }

    /// Combines shard results of one grid: rows by point then method, each run once.
    public static func merge(_ parts: [SweepResults]) throws(GridError) -> SweepResults {
        guard var merged = parts.first else { throw GridError(field: "--merge", message: "has nothing to merge", fix: "give shard output folders") }
        for part in parts.dropFirst() where part.grid != merged.grid || part.version != merged.version {
            throw GridError(field: "--merge", message: "the shards come from different grids or PipeSched versions",
                            fix: "merge outputs of one grid file run with one PipeSched version")
        }
        var seen = Set<String>()
        let order = Dictionary(uniqueKeysWithValues: merged.methods.enumerated().map { ($0.element, $0.offset) })
        merged.rows = parts.flatMap(\.rows)
            .filter { seen.insert($0.identity).inserted }
            .sorted { ($0.point, order[$0.method] ?? 0) < ($1.point, order[$1.method] ?? 0) }
        merged.shard = nil
        return merged
    }
}

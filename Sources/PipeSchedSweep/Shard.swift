/// One deterministic share of a sweep: `K/N` takes the points whose index is K−1 modulo N, so N
/// machines (a Slurm array `--array=1-N`, say) together run every point exactly once, with shares
/// that differ in size by at most one point and mix cheap and expensive points alike.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws(GridError) {
        guard count >= 1, (1...count).contains(index) else {
            throw GridError(field: "--shard", message: "\(index)/\(count) is not a share", fix: "give K/N with 1 ≤ K ≤ N, e.g. 2/4")
        }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`.
    public init(parsing text: String) throws(GridError) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw GridError(field: "--shard", message: "\"\(text)\" is not K/N", fix: "give K/N with 1 ≤ K ≤ N, e.g. 2/4")
        }
        try self.init(index: index, count: count)
    }

    /// Whether the point with this index is in the share.
    public func contains(_ pointIndex: Int) -> Bool { pointIndex % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}

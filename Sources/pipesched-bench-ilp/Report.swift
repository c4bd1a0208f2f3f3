import Foundation

/// Writes a generated section into `docs/benchmarks.md` between its markers, leaving the rest of the
/// file (other sections) untouched; creates the file if needed.
enum Report {
    static let begin = "<!-- ilp-bench:begin -->"
    static let end = "<!-- ilp-bench:end -->"

    static func update(_ path: String, section: String) throws {
        let block = "\(begin)\n\(section)\n\(end)"
        var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n"
        if let low = text.range(of: begin), let high = text.range(of: end), low.lowerBound < high.upperBound {
            text.replaceSubrange(low.lowerBound..<high.upperBound, with: block)
        } else {
            text += (text.hasSuffix("\n") ? "\n" : "\n\n") + "## Exact search (ILP)\n\n" + block + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

import PipeSched
import Yams

/// Checks a YAML document before it is decoded, against what YAML lets through: nesting deeper than
/// `maxDepth` (the parser recurses per level), aliases that expand to more than `maxNodes` nodes
/// (a few hundred bytes of anchors and aliases can stand for billions of nodes), and a mapping that
/// gives one key twice (the decoder keeps one silently). Every YAML reader (model, hardware and
/// sweep grid files) runs it first.
public enum YAMLShapeCheck {
    /// Deepest nesting of sequences and mappings accepted; model, hardware and grid files need < 10.
    public static let maxDepth = 64
    /// Most nodes a document may expand to, aliases counted at every use.
    public static let maxNodes = 100_000
    /// The text pre-check's bound on indentation plus flow nesting, before the parser runs.
    static let maxTextNesting = 256

    /// Throws a `ProblemError` naming what is wrong and where.
    public static func check(_ text: String) throws(ProblemError) {
        try checkText(text)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ProblemError(field: "(document)", message: "is not valid YAML (\(error))", fix: "fix the syntax")
        }
        guard let root else { return }
        var budget = maxNodes
        try walk(root, path: "", depth: 0, budget: &budget)
    }

    /// A bound on the nesting from the text alone (indentation, sequence dashes, open brackets), so
    /// the parser never recurses deeper than a few hundred levels.
    static func checkText(_ text: String) throws(ProblemError) {
        var flow = 0
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var column = 0, dashes = 0, quote: Character? = nil, atIndent = true
            var previous: Character = " "
            for character in line {
                if atIndent {
                    if character == " " { column += 1; continue }
                    atIndent = false
                }
                if let open = quote {
                    if character == open { quote = nil }
                } else {
                    switch character {
                    case "\"", "'": quote = character
                    case "[", "{":
                        flow += 1
                        if column + dashes + flow > maxTextNesting { throw tooDeep(line: number + 1) }
                    case "]", "}": flow = max(0, flow - 1)
                    case "-" where previous == " " || column + dashes == 0: dashes += 1
                    default: break
                    }
                    if character == "#", previous == " " { break }
                }
                previous = character
            }
            if column + dashes + flow > maxTextNesting { throw tooDeep(line: number + 1) }
        }
    }

    private static func tooDeep(line: Int) -> ProblemError {
        ProblemError(field: "line \(line)", message: "nests deeper than \(maxTextNesting) levels (indentation, dashes and brackets)",
                     fix: "flatten the document; no PipeSched format nests this deep")
    }

    private static func walk(_ node: Node, path: String, depth: Int, budget: inout Int) throws(ProblemError) {
        budget -= 1
        guard budget >= 0 else {
            throw ProblemError(field: path.isEmpty ? "(document)" : path,
                               message: "expands to more than \(maxNodes) values (aliases count at every use)",
                               fix: "write the values out, or use fewer aliases")
        }
        guard depth <= maxDepth else {
            throw ProblemError(field: path.isEmpty ? "(document)" : path, message: "nests deeper than \(maxDepth) levels",
                               fix: "flatten the document; no PipeSched format nests this deep")
        }
        switch node {
        case .scalar: return
        case .sequence(let sequence):
            for (index, child) in sequence.enumerated() {
                try walk(child, path: "\(path)[\(index)]", depth: depth + 1, budget: &budget)
            }
        case .mapping(let mapping):
            var seen = Set<String>()
            for (key, value) in mapping {
                let name = key.string ?? "(key)"
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                // Scalar keys only: hashing a composite key would expand its aliases.
                guard key.scalar == nil || seen.insert(name).inserted else {
                    throw ProblemError(field: childPath, message: "appears twice in the same mapping",
                                       fix: "give each field once; a decoder would silently keep only one of the values")
                }
                try walk(key, path: childPath, depth: depth + 1, budget: &budget)
                try walk(value, path: childPath, depth: depth + 1, budget: &budget)
            }
        }
    }
}

import Foundation
import PipeSched

/// Seeded generator of hostile inputs for the fuzz suite (`make fuzz`, and a small run in `make
/// test`): takes a valid document and breaks it the ways attackers and careless users do (huge,
/// negative, fractional and overflowing numbers, duplicate keys, deep nesting, truncation, stray
/// bytes, repeated entries, alias bombs). The same seed gives the same inputs on every machine.
public struct Mutator {
    private var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }

    /// The core's SplitMix64.
    public mutating func next() -> UInt64 { generator.next() }

    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    public mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }

    /// Numbers that have broken parsers and size arithmetic.
    public static let numbers = ["0", "-1", "1", "2", "8.5", "-0.0", "1e308", "-1e308", "1e15", "1e16", "1e9", "1000000", "65536",
                                 "4611686018427387904", "9223372036854775807", "-9223372036854775808", "18446744073709551616",
                                 "1e-320", "0.1", "3", "64", "4096", "2147483648", "1e400", "NaN", "null", "\"7\"", "[]", "{}", "true"]

    /// One mutation of a JSON (or YAML flow) text; applied `rounds` times.
    public mutating func mutateJSON(_ text: String, rounds: Int? = nil) -> String {
        var bytes = Array(text.utf8)
        for _ in 0..<(rounds ?? 1 + below(3)) {
            switch below(9) {
            case 0, 1, 2: bytes = replaceNumber(bytes)
            case 3: bytes = duplicateKey(bytes)
            case 4: bytes = nest(bytes)
            case 5: bytes = Array(bytes.prefix(below(bytes.count + 1)))
            case 6:
                let at = below(bytes.count + 1)
                bytes.insert(contentsOf: Array(pick(["\u{0}", "\"", "{", "]", ",", ":", "\\u0000", "é", "\u{FEFF}", "-"]).utf8), at: at)
            case 7: bytes = repeatArrayElement(bytes)
            default: bytes = replaceNumber(replaceNumber(bytes))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces one number (or literal) with an interesting value.
    mutating func replaceNumber(_ bytes: [UInt8]) -> [UInt8] {
        let starts = bytes.indices.filter { index in
            let byte = bytes[index]
            let previous = index > 0 ? bytes[index - 1] : 0x20
            return (byte == 0x2D || (0x30...0x39).contains(byte)) && !(previous == 0x2D || previous == 0x2E || (0x30...0x39).contains(previous) || (0x41...0x7A).contains(previous))
        }
        guard !starts.isEmpty else { return bytes }
        let start = pick(starts)
        var end = start + 1
        while end < bytes.count, "0123456789.eE+-".utf8.contains(bytes[end]) { end += 1 }
        var result = bytes
        result.replaceSubrange(start..<end, with: Array(pick(Self.numbers).utf8))
        return result
    }

    /// Repeats one `"key": value` member right after itself.
    mutating func duplicateKey(_ bytes: [UInt8]) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let regex = try? NSRegularExpression(pattern: "\"[A-Za-z]+\"\\s*:\\s*[-0-9.eE]+") else { return bytes }
        let matches = regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard !matches.isEmpty, let range = Range(pick(matches).range, in: text) else { return bytes }
        return Array((text[..<range.upperBound] + ", " + text[range] + text[range.upperBound...]).utf8)
    }

    /// Wraps a number in deep brackets (sometimes very deep).
    mutating func nest(_ bytes: [UInt8]) -> [UInt8] {
        let depth = pick([2, 70, 600, 20_000])
        let at = below(bytes.count + 1)
        var result = bytes
        result.insert(contentsOf: Array((String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)).utf8), at: at)
        return result
    }

    /// Repeats the first object inside an array many times (many stages, many events).
    mutating func repeatArrayElement(_ bytes: [UInt8]) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let open = text.firstIndex(of: "["), let objectStart = text[open...].firstIndex(of: "{"),
              let objectEnd = text[objectStart...].firstIndex(of: "}") else { return bytes }
        let element = text[objectStart...objectEnd]
        let copies = pick([2, 30, 300, 3000])
        return Array((text[...objectEnd] + String(repeating: ", " + element, count: copies) + text[text.index(after: objectEnd)...]).utf8)
    }

    /// One mutation of a YAML text: JSON-style damage plus anchors and aliases.
    public mutating func mutateYAML(_ text: String) -> String {
        switch below(6) {
        case 0:
            var bomb = "x0: &x0 [a, a, a, a, a, a, a, a]\n"
            for level in 1...below(10) + 1 {
                bomb += "x\(level): &x\(level) [" + Array(repeating: "*x\(level - 1)", count: 8).joined(separator: ", ") + "]\n"
            }
            return text + "\n" + bomb
        case 1:
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard !lines.isEmpty else { return text }
            let line = pick(lines)
            return text + "\n" + line
        case 2: return text + "\nextra: " + String(repeating: "- ", count: pick([3, 300, 5000])) + "x"
        default: return mutateJSON(text)
        }
    }

    /// One mutation of a CSV text.
    public mutating func mutateCSV(_ text: String) -> String {
        switch below(5) {
        case 0:
            var lines = text.split(separator: "\n").map(String.init)
            guard lines.count > 1 else { return text }
            lines.append(lines[1 + below(lines.count - 1)])
            return lines.joined(separator: "\n")
        case 1: return text + String(repeating: ",", count: below(4)) + "\n"
        default: return mutateJSON(text)
        }
    }
}

/// How many generated inputs each fuzzer runs: `PIPESCHED_FUZZ_COUNT` (`make fuzz` sets 10000),
/// else a small number that keeps `make test` fast.
public enum FuzzBudget {
    public static var count: Int {
        ProcessInfo.processInfo.environment["PIPESCHED_FUZZ_COUNT"].flatMap(Int.init) ?? 150
    }

    /// The seed of the whole run: `PIPESCHED_FUZZ_SEED`, else a fixed one.
    public static var seed: UInt64 {
        ProcessInfo.processInfo.environment["PIPESCHED_FUZZ_SEED"].flatMap(UInt64.init) ?? 15
    }
}

import Foundation
import PipeSched

/// Writes a schedule document as compact JSON with sorted keys, byte for byte what `JSONEncoder`
/// (`.sortedKeys`, `.withoutEscapingSlashes`) makes, about ten times faster: the server and sweeps
/// encode every schedule they store, and `JSONEncoder` was two thirds of a solve request's time.
/// `ScheduleJSONWriterTests` checks the bytes against `JSONEncoder` on schedules of every shape.
enum ScheduleJSONWriter {
    /// A document that cannot be written: a number that JSON cannot hold.
    struct NonFiniteNumber: Error, CustomStringConvertible {
        var description: String { "the schedule holds a number that is not finite" }
    }

    static func write(_ document: ScheduleDocument) throws -> Data {
        // Documents from exact solvers and auto carry a solver report or a candidate table: rare and
        // slow to make anyway, so they go through JSONEncoder rather than a second hand-written encoder.
        if document.solver != nil || document.candidates != nil || document.torchBaseline != nil {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try encoder.encode(document)
        }
        var out = Output()
        out.bytes.reserveCapacity(64 + document.timeline.reduce(0) { $0 + $1.count } * 96 + (document.bubbles?.count ?? 0) * 64)
        out.raw("{")
        if let split = document.backwardSplit {
            out.key("backwardSplit", first: true)
            out.string(split.rawValue)
        }
        if let bubbles = document.bubbles {
            out.key("bubbles", first: document.backwardSplit == nil)
            try out.array(bubbles) { out, bubble in
                out.raw("{")
                out.key("device", first: true)
                out.integer(bubble.device)
                if let free = bubble.freeMemory {
                    out.key("freeMemory")
                    try out.number(free)
                }
                out.key("length")
                try out.number(bubble.length)
                out.key("start")
                try out.number(bubble.start)
                out.raw("}")
            }
        }
        if let path = document.criticalPath {
            out.key("criticalPath", first: document.backwardSplit == nil && document.bubbles == nil)
            out.array(path) { out, label in out.string(label) }
        }
        out.key("format", first: document.backwardSplit == nil && document.bubbles == nil && document.criticalPath == nil)
        out.string(document.format)
        if let headroom = document.memoryHeadroom {
            out.key("memoryHeadroom")
            try out.number(headroom)
        }
        out.key("method")
        out.string(document.method)
        out.key("metrics")
        let metrics = document.metrics
        out.raw("{")
        out.key("bubbleRate", first: true)
        try out.number(metrics.bubbleRate)
        out.key("gap")
        try out.number(metrics.gap)
        out.key("lowerBound")
        try out.number(metrics.lowerBound)
        out.key("makespan")
        try out.number(metrics.makespan)
        out.key("peakMemory")
        try out.array(metrics.peakMemory) { out, value in try out.number(value) }
        out.key("stageSpan")
        try out.number(metrics.stageSpan)
        out.raw("}")
        out.key("objective")
        out.string(document.objective.rawValue)
        out.key("placement")
        out.array(document.placement) { out, device in out.integer(device) }
        out.key("problem")
        out.string(document.problem)
        out.key("timeline")
        try out.array(document.timeline) { out, row in
            try out.array(row) { out, entry in
                out.raw("{")
                out.key("end", first: true)
                try out.number(entry.end)
                out.key("microbatch")
                out.integer(entry.microbatch)
                out.key("op")
                out.string(entry.op.rawValue)
                if entry.overlapped {
                    out.key("overlapped")
                    out.raw("true")
                }
                out.key("slice")
                out.integer(entry.slice)
                out.key("stage")
                out.integer(entry.stage)
                out.key("start")
                try out.number(entry.start)
                out.raw("}")
            }
        }
        if let version = document.version {
            out.key("version")
            out.string(version)
        }
        out.raw("}")
        return Data(out.bytes)
    }

    /// The bytes being written.
    struct Output {
        var bytes: [UInt8] = []

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func key(_ name: StaticString, first: Bool = false) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            raw(name)
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }

        mutating func integer(_ value: Int) {
            bytes.append(contentsOf: String(value).utf8)
        }

        /// As `JSONEncoder` writes a Double: its shortest description, without a trailing ".0".
        mutating func number(_ value: Double) throws {
            guard value.isFinite else { throw NonFiniteNumber() }
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            bytes.append(contentsOf: text.utf8)
        }

        mutating func string(_ text: String) {
            bytes.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0..<0x20:
                    let digits = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        mutating func array<Element>(_ items: [Element], _ write: (inout Output, Element) throws -> Void) rethrows {
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(&self, item)
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }
}

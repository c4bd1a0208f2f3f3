import Foundation

/// Checks what JSON decoders let through before a document is decoded: nesting deeper than
/// `maxDepth` (a deeply nested document costs stack and time out of proportion to its size), and an
/// object that gives one key twice (decoders keep one silently, so the other value would be
/// ignored without a word). One pass over the bytes, no allocation that grows with nesting beyond
/// the path to the current value; malformed JSON is left for the decoder to report.
public enum JSONShapeCheck {
    /// Deepest nesting of arrays and objects accepted; problem, schedule and config files need < 10.
    public static let maxDepth = 64

    /// Throws a `ProblemError` naming the first duplicate key, or the path where nesting gets too deep.
    public static func check(_ data: Data, maxDepth: Int = JSONShapeCheck.maxDepth) throws(ProblemError) {
        let failure: ProblemError? = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> ProblemError? in
            do throws(ProblemError) {
                try check(raw.bindMemory(to: UInt8.self), maxDepth: maxDepth)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    private enum Level {
        case object(keys: Set<[UInt8]>, expectingKey: Bool, current: String)
        case array(index: Int)
    }

    private static func check(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(ProblemError) {
        var stack: [Level] = []
        var index = 0
        func path() -> String {
            var text = ""
            for level in stack {
                switch level {
                case .object(_, _, let current): text += text.isEmpty ? current : ".\(current)"
                case .array(let at): text += "[\(at)]"
                }
            }
            return text.isEmpty ? "(document)" : text
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x22: // a string: a key when an object expects one
                let start = index + 1
                index += 1
                while index < bytes.count, bytes[index] != 0x22 {
                    index += bytes[index] == 0x5C ? 2 : 1
                }
                let end = min(index, bytes.count)
                if case .object(var keys, true, _) = stack.last {
                    let key = Array(bytes[start..<end])
                    let name = String(decoding: key, as: UTF8.self)
                    stack[stack.count - 1] = .object(keys: [], expectingKey: false, current: name)
                    guard keys.insert(key).inserted else {
                        throw ProblemError(field: path(), message: "appears twice in the same object",
                                           fix: "give each field once; a decoder would silently keep only one of the values")
                    }
                    stack[stack.count - 1] = .object(keys: keys, expectingKey: false, current: name)
                }
            case 0x7B, 0x5B: // { [
                guard stack.count < maxDepth else {
                    throw ProblemError(field: path(), message: "nests arrays and objects deeper than \(maxDepth) levels",
                                       fix: "flatten the document; no PipeSched format nests this deep")
                }
                stack.append(byte == 0x7B ? .object(keys: [], expectingKey: true, current: "") : .array(index: 0))
            case 0x7D, 0x5D: // } ]
                if !stack.isEmpty { stack.removeLast() }
            case 0x2C: // ,
                switch stack.last {
                case .object(let keys, _, let current): stack[stack.count - 1] = .object(keys: keys, expectingKey: true, current: current)
                case .array(let at): stack[stack.count - 1] = .array(index: at + 1)
                case nil: break
                }
            default: break
            }
            index += 1
        }
    }
}

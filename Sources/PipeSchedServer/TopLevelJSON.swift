import Foundation

/// The members of a JSON object as raw byte ranges, without decoding their values: lets the server
/// hand the `problem` member to `Problem.decode(json:)` byte for byte, as the CLI does with a file,
/// and decode the small members on their own. Structure is checked only as far as needed to find
/// member boundaries; each value is fully checked by the decoder it is handed to.
struct TopLevelJSON {
    /// Member name → the bytes of its value.
    let members: [String: Data]

    /// Why the body is not a JSON object.
    struct Malformed: Error {
        var message: String
    }

    init(_ data: Data) throws(Malformed) {
        let bytes = [UInt8](data)
        var index = 0
        func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }
        func expect(_ byte: UInt8, _ what: String) throws(Malformed) {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { throw Malformed(message: "expected \(what) at byte \(index)") }
            index += 1
        }
        /// Moves past a string whose opening quote is at `index`.
        func skipString() throws(Malformed) {
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case 0x5C: index += 2
                case 0x22: index += 1; return
                default: index += 1
                }
            }
            throw Malformed(message: "unterminated string")
        }
        /// Moves past one value (object, array, string or literal).
        func skipValue() throws(Malformed) {
            skipSpace()
            guard index < bytes.count else { throw Malformed(message: "missing value at the end") }
            switch bytes[index] {
            case 0x22: try skipString()
            case 0x7B, 0x5B:
                var depth = 0
                repeat {
                    guard index < bytes.count else { throw Malformed(message: "unbalanced brackets") }
                    switch bytes[index] {
                    case 0x22: try skipString(); continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D: depth -= 1
                    default: break
                    }
                    index += 1
                } while depth > 0
            default:
                let start = index
                while index < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
                guard index > start else { throw Malformed(message: "missing value at byte \(start)") }
            }
        }

        var members: [String: Data] = [:]
        try expect(0x7B, "\"{\" (the body must be a JSON object)")
        skipSpace()
        if index < bytes.count, bytes[index] == 0x7D {
            index += 1
        } else {
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x22 else { throw Malformed(message: "expected a member name at byte \(index)") }
                let nameStart = index
                try skipString()
                guard let name = try? JSONDecoder().decode(String.self, from: Data(bytes[nameStart..<index])) else {
                    throw Malformed(message: "bad member name at byte \(nameStart)")
                }
                try expect(0x3A, "\":\"")
                skipSpace()
                let valueStart = index
                try skipValue()
                guard members[name] == nil else { throw Malformed(message: "member \"\(name)\" appears twice") }
                members[name] = Data(bytes[valueStart..<index])
                skipSpace()
                guard index < bytes.count else { throw Malformed(message: "unterminated object") }
                if bytes[index] == 0x2C { index += 1; continue }
                try expect(0x7D, "\",\" or \"}\"")
                break
            }
        }
        skipSpace()
        guard index == bytes.count else { throw Malformed(message: "unexpected data after the object at byte \(index)") }
        self.members = members
    }
}

extension TopLevelJSON {
    /// The members of a request body that must be a JSON object with only `allowed` members; a
    /// malformed body or an unknown member is an `APIError` naming it (`example` shows a good body).
    static func requestMembers(_ body: Data, allowed: Set<String>, example: String) throws(APIError) -> [String: Data] {
        let members: [String: Data]
        do {
            members = try TopLevelJSON(body).members
        } catch {
            throw APIError(.badRequest, code: "invalidJSON", message: "the body is not a valid JSON object (\(error.message))", fix: "send \(example)")
        }
        for key in members.keys.sorted() where !allowed.contains(key) {
            let suggestion = allowed.first { $0.lowercased() == key.lowercased() }
            throw .invalidRequest(field: key, "is not a known field",
                                  fix: suggestion.map { "did you mean \"\($0)\"?" } ?? "known fields are \(allowed.sorted().joined(separator: ", "))")
        }
        return members
    }
}

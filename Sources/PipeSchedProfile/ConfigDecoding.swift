import Foundation
import Yams

/// Reads model and hardware descriptions written as JSON or YAML, with field-level errors.
///
/// YAML is chosen when the text does not start with `{` (after whitespace); both go through the same
/// `Decodable` types, so the two spellings accept exactly the same fields.
public enum ConfigDecoding {
    /// Decodes `type` from JSON or YAML text.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(ProfileError) -> T {
        let text = String(decoding: data, as: UTF8.self)
        let isJSON = text.first { !$0.isWhitespace } == "{"
        do {
            if isJSON { return try JSONDecoder().decode(T.self, from: data) }
            return try YAMLDecoder().decode(T.self, from: text)
        } catch let error as ProfileError {
            throw error
        } catch let error as DecodingError {
            throw ProfileError(error)
        } catch {
            throw ProfileError(field: "(document)", message: "is not valid \(isJSON ? "JSON" : "YAML") (\(error))",
                               fix: "fix the syntax")
        }
    }
}

/// Rejects object keys a schema does not define, so a misspelt field is never silently ignored.
enum StrictKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func reject<Keys: CodingKey & CaseIterable>(in decoder: Decoder, allowed: Keys.Type) throws {
        guard let container = try? decoder.container(keyedBy: AnyKey.self) else { return }
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys where !known.contains(key.stringValue) {
            let suggestion = known.first { $0.lowercased() == key.stringValue.lowercased() }
            let fix = suggestion.map { "did you mean \"\($0)\"?" } ?? "remove it; known fields are \(known.sorted().joined(separator: ", "))"
            throw ProfileError(field: fieldPath(decoder.codingPath + [key]), message: "is not a known field", fix: fix)
        }
    }
}

/// Renders a coding path as `moe.topK` or `layerTypes[3]`.
func fieldPath(_ codingPath: [CodingKey]) -> String {
    var text = ""
    for key in codingPath {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return text.isEmpty ? "(document)" : text
}

extension ProfileError {
    /// A field-level message for a decoding failure.
    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: fieldPath(context.codingPath + [key]), message: "is missing", fix: "add this required field")
        case .typeMismatch(let type, let context):
            self.init(field: fieldPath(context.codingPath), message: "has the wrong type; expected \(type == String.self ? "a string" : type == Int.self ? "an integer" : type == Double.self ? "a number" : "\(type)")",
                      fix: "give a value of that type")
        case .valueNotFound(_, let context):
            self.init(field: fieldPath(context.codingPath), message: "is null", fix: "give a value or remove the field if it is optional")
        case .dataCorrupted(let context):
            self.init(field: fieldPath(context.codingPath), message: context.debugDescription, fix: "see docs/cost-model.md")
        @unknown default:
            self.init(field: "(document)", message: "\(error)", fix: "see docs/cost-model.md")
        }
    }

    /// A value out of its range.
    static func invalid(_ field: String, _ message: String, _ fix: String) -> ProfileError {
        ProfileError(field: field, message: message, fix: fix)
    }
}

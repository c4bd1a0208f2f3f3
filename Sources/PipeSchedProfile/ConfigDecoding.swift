import Foundation
import PipeSched
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
        if isJSON { try JSONShapeCheck.check(data) } else { try YAMLShapeCheck.check(text) }
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

extension ProfileError {
    /// A value out of its range.
    static func invalid(_ field: String, _ message: String, _ fix: String) -> ProfileError {
        ProfileError(field: field, message: message, fix: fix)
    }
}

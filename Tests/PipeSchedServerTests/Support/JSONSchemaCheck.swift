import Foundation
import Yams

/// Checks a value (as loaded by Yams from JSON or YAML) against a JSON Schema (2020-12), for the
/// keywords PipeSched's schemas use: type, enum, const, properties, required,
/// additionalProperties, items, minItems, minimum, exclusiveMinimum, pattern, oneOf, anyOf, not and
/// $ref (inside the document, or to a sibling file in the schema's folder). Returns the
/// violations, each with its JSON path; an unknown keyword fails loudly so a schema can never use
/// one this check silently ignores.
struct JSONSchemaCheck {
    /// The document the schema lives in (for `#/...` references) and its folder (for file references).
    let root: [String: Any]
    let folder: URL

    static let known: Set<String> = ["$schema", "$id", "$defs", "title", "description", "default", "type", "enum", "const", "properties",
                                     "required", "additionalProperties", "items", "minItems", "minimum", "maximum", "exclusiveMinimum",
                                     "exclusiveMaximum", "pattern", "oneOf", "anyOf", "not", "$ref", "format", "dependentRequired"]

    static func load(_ url: URL) throws -> [String: Any] {
        try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any] ?? [:]
    }

    func violations(_ value: Any, _ schema: [String: Any], path: String = "$") -> [String] {
        var found: [String] = []
        for key in schema.keys where !Self.known.contains(key) { found.append("\(path): schema keyword \(key) is not supported by the check") }
        if let reference = schema["$ref"] as? String {
            let (document, pointer) = resolve(reference)
            found += document.violations(value, pointer, path: path)
        }
        if let type = schema["type"] as? String, !Self.isType(value, type) { found.append("\(path): expected \(type), got \(Self.show(value))") }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, value) }) {
            found.append("\(path): \(Self.show(value)) is not one of \(options)")
        }
        if let constant = schema["const"], !Self.equal(constant, value) { found.append("\(path): expected \(constant)") }
        if let number = Self.number(value) {
            if let minimum = schema["minimum"].flatMap(Self.number), number < minimum { found.append("\(path): \(number) < \(minimum)") }
            if let maximum = schema["maximum"].flatMap(Self.number), number > maximum { found.append("\(path): \(number) > \(maximum)") }
            if let minimum = schema["exclusiveMinimum"].flatMap(Self.number), number <= minimum { found.append("\(path): \(number) <= \(minimum)") }
            if let maximum = schema["exclusiveMaximum"].flatMap(Self.number), number >= maximum { found.append("\(path): \(number) >= \(maximum)") }
        }
        if let text = value as? String, let pattern = schema["pattern"] as? String,
           text.range(of: pattern, options: .regularExpression) == nil {
            found.append("\(path): \"\(text)\" does not match \(pattern)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { found.append("\(path).\(key): is required") }
            for (key, needed) in schema["dependentRequired"] as? [String: [String]] ?? [:] where object[key] != nil {
                for other in needed where object[other] == nil { found.append("\(path).\(other): is required with \(key)") }
            }
            for (key, item) in object {
                if let property = properties[key] as? [String: Any] {
                    found += violations(item, property, path: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    found.append("\(path).\(key): is not allowed")
                }
            }
        }
        if let array = value as? [Any] {
            if let minimum = schema["minItems"] as? Int, array.count < minimum { found.append("\(path): fewer than \(minimum) items") }
            if let items = schema["items"] as? [String: Any] {
                for (index, item) in array.enumerated() { found += violations(item, items, path: "\(path)[\(index)]") }
            }
        }
        if let options = schema["oneOf"] as? [[String: Any]] {
            let matching = options.filter { violations(value, $0, path: path).isEmpty }.count
            if matching != 1 { found.append("\(path): matches \(matching) of oneOf's \(options.count) schemas, not exactly 1") }
        }
        if let options = schema["anyOf"] as? [[String: Any]], !options.contains(where: { violations(value, $0, path: path).isEmpty }) {
            found.append("\(path): matches none of anyOf")
        }
        if let negated = schema["not"] as? [String: Any], violations(value, negated, path: path).isEmpty {
            found.append("\(path): matches a schema it must not")
        }
        return found
    }

    /// The checker and schema a `$ref` points to.
    private func resolve(_ reference: String) -> (JSONSchemaCheck, [String: Any]) {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        var document = self
        if !parts[0].isEmpty {
            let url = folder.appendingPathComponent(parts[0])
            document = JSONSchemaCheck(root: (try? Self.load(url)) ?? [:], folder: url.deletingLastPathComponent())
        }
        var node: Any = document.root
        for token in (parts.count > 1 ? parts[1] : "").split(separator: "/") {
            node = (node as? [String: Any])?[String(token)] ?? [:]
        }
        return (document, node as? [String: Any] ?? [:])
    }

    static func isType(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "object": value is [String: Any]
        case "array": value is [Any]
        case "string": value is String
        case "boolean": value is Bool
        case "null": value is NSNull
        case "integer": value is Int || (value as? Double).map { $0.rounded() == $0 } == true
        case "number": number(value) != nil
        default: false
        }
    }

    static func number(_ value: Any) -> Double? {
        if value is Bool { return nil }
        if let int = value as? Int { return Double(int) }
        return value as? Double
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if let x = a as? Bool, let y = b as? Bool { return x == y }
        if let x = number(a), let y = number(b) { return x == y }
        if let x = a as? String, let y = b as? String { return x == y }
        return false
    }

    static func show(_ value: Any) -> String { String(describing: value).prefix(60).description }
}

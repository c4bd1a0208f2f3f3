import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an XML document (the SVG) into a flat list of elements with their attributes, or fails.
final class XMLElements: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
    }

    private(set) var elements: [Element] = []

    /// The elements of `text`, in document order; `nil` when the text is not well-formed XML.
    static func parse(_ text: String) -> [Element]? {
        let collector = XMLElements()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        return parser.parse() ? collector.elements : nil
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict))
    }
}

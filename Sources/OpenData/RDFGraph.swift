import Core
import Foundation
import Registries

/// A small RDF graph written as Turtle or JSON-LD: what DCAT-AP needs (IRIs, blank nodes,
/// literals with a language or a datatype), nothing more.
public struct RDFGraph: Sendable {
    /// A node or value.
    public enum Term: Sendable, Hashable {
        case iri(String)
        case blank(String)
        case literal(String, language: String? = nil, datatype: String? = nil)
    }

    /// Prefixes used to shorten IRIs, in output order.
    public static let prefixes: [(String, String)] = [
        ("dcat", "http://www.w3.org/ns/dcat#"), ("dct", "http://purl.org/dc/terms/"),
        ("foaf", "http://xmlns.com/foaf/0.1/"), ("vcard", "http://www.w3.org/2006/vcard/ns#"),
        ("spdx", "http://spdx.org/rdf/terms#"), ("xsd", "http://www.w3.org/2001/XMLSchema#"),
        ("hydra", "http://www.w3.org/ns/hydra/core#"), ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ]

    private(set) var order: [Term] = []
    private(set) var statements: [Term: [(String, Term)]] = [:]

    public init() {}

    /// Adds `subject predicate object`; `predicate` may be a prefixed name (`dct:title`).
    public mutating func add(_ subject: Term, _ predicate: String, _ object: Term) {
        if statements[subject] == nil { order.append(subject) }
        statements[subject, default: []].append((Self.expand(predicate), object))
    }

    /// Adds one literal per language of `text`.
    public mutating func add(_ subject: Term, _ predicate: String, _ text: TranslatedText) {
        for (language, value) in text.values.sorted(by: { $0.key < $1.key }) {
            add(subject, predicate, .literal(value, language: language))
        }
    }

    static func expand(_ name: String) -> String {
        for (prefix, iri) in prefixes where name.hasPrefix(prefix + ":") {
            return iri + name.dropFirst(prefix.count + 1)
        }
        return name
    }

    // MARK: Turtle

    public func turtle() -> String {
        var out = Self.prefixes.map { "@prefix \($0.0): <\($0.1)> .\n" }.joined() + "\n"
        for subject in order {
            out += Self.turtle(subject) + "\n"
            let pairs = statements[subject] ?? []
            for (i, (predicate, object)) in pairs.enumerated() {
                let term = predicate == Self.expand("rdf:type") ? "a" : Self.turtleIRI(predicate)
                out += "    \(term) \(Self.turtle(object))" + (i == pairs.count - 1 ? " .\n\n" : " ;\n")
            }
        }
        return out
    }

    static func turtle(_ term: Term) -> String {
        switch term {
        case .iri(let iri): return turtleIRI(iri)
        case .blank(let id): return "_:" + id
        case .literal(let value, let language, let datatype):
            // JSON's string escapes are all Turtle escapes too (ECHAR and UCHAR).
            var quoted = ""
            CanonicalJSON.appendString(value, to: &quoted)
            if let language { return quoted + "@" + language }
            if let datatype { return quoted + "^^" + turtleIRI(datatype) }
            return quoted
        }
    }

    static func turtleIRI(_ iri: String) -> String {
        for (prefix, base) in prefixes where iri.hasPrefix(base) {
            let local = iri.dropFirst(base.count)
            if !local.isEmpty && local.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                return "\(prefix):\(local)"
            }
        }
        // Characters Turtle forbids in an IRI are percent-encoded.
        let safe = iri.unicodeScalars.map { scalar -> String in
            "<>\"{}|^`\\ ".unicodeScalars.contains(scalar) || scalar.value < 0x21
                ? String(format: "%%%02X", scalar.value) : String(scalar)
        }.joined()
        return "<" + safe + ">"
    }

    // MARK: JSON-LD

    /// JSON-LD in expanded form inside `@graph`: every client reads it without fetching a context.
    public func jsonLD() -> String {
        let nodes: [JSONValue] = order.map { subject in
            var properties: [String: [JSONValue]] = [:]
            for (predicate, object) in statements[subject] ?? [] {
                if predicate == Self.expand("rdf:type"), case .iri(let type) = object {
                    properties["@type", default: []].append(.string(type))
                } else {
                    properties[predicate, default: []].append(Self.ld(object))
                }
            }
            var node = properties.mapValues { JSONValue.array($0) }
            node["@id"] = .string(Self.ldID(subject))
            return .object(node)
        }
        return JSONValue.object(["@graph": .array(nodes)]).canonicalJSON
    }

    static func ldID(_ term: Term) -> String {
        switch term {
        case .iri(let iri): iri
        case .blank(let id): "_:" + id
        case .literal(let value, _, _): value
        }
    }

    static func ld(_ term: Term) -> JSONValue {
        switch term {
        case .iri, .blank: return .object(["@id": .string(ldID(term))])
        case .literal(let value, let language, let datatype):
            var object: [String: JSONValue] = ["@value": .string(value)]
            if let language { object["@language"] = .string(language) }
            if let datatype { object["@type"] = .string(datatype) }
            return .object(object)
        }
    }
}

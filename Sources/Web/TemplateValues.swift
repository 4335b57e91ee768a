import Mustache

/// The adapter between typed view models and the template engine. A page's model is encoded once
/// per render into what swift-mustache reads fastest (dictionaries, arrays, strings, numbers,
/// booleans; a nil optional leaves its name out), so every `{{name}}` is a hash lookup instead of a
/// reflection of the model. This file is the one place in Web where values are untyped (the
/// house-rules check allows it here only): handlers build typed models and nothing else.
enum TemplateValues {
    /// `model` as template values.
    static func of(_ model: some Encodable) -> Any {
        if let text = model as? String { return text }
        if let flag = model as? Bool { return flag }
        if let number = model as? Int { return number }
        let encoder = TemplateEncoder()
        do {
            try model.encode(to: encoder)
        } catch {
            // The encoder itself never throws; a model's custom encoding might. Render without it.
            return [String: Any]()
        }
        return encoder.root.resolved
    }
}

/// The root of a rendered page: a name is looked up in the page's values, then in the layout's.
struct PageContext: MustacheParent {
    let layout: LayoutModel
    let page: [String: Any]
    let languages: [Any]
    let user: Any?
    let errors: [Any]
    let alerts: [Any]

    init(layout: LayoutModel, page: some Encodable) {
        self.layout = layout
        self.page = TemplateValues.of(page) as? [String: Any] ?? [:]
        self.languages = layout.languages.map(TemplateValues.of)
        self.user = layout.user.map(TemplateValues.of)
        self.errors = layout.errors.map(TemplateValues.of)
        self.alerts = layout.alerts.map(TemplateValues.of)
    }

    func child(named name: String) -> Any? {
        // `t` is the most frequent name by far and only the layout has it.
        if name == "t" { return layout.t }
        if let value = page[name] { return value }
        switch name {
        case "lang": return layout.lang
        case "title", "documentTitle": return layout.title
        case "csrf": return layout.csrf
        case "path": return layout.path
        case "languages": return languages
        case "demo": return layout.demo
        case "user": return user
        case "flash": return layout.flash
        case "flashWarning": return layout.flashWarning
        case "errorSummary": return errors
        case "hasErrorSummary": return !errors.isEmpty
        case "errorsHeading": return layout.errorsHeading
        case "emergencyAlerts": return alerts
        case "hasEmergencyAlerts": return !alerts.isEmpty
        default: return nil
        }
    }
}

/// A node of the tree the encoder builds; turned into plain values when encoding is done.
private final class Node {
    enum Content {
        case empty
        case value(Any)
        case object([String: Node])
        case array([Node])
    }
    var content: Content = .empty

    var resolved: Any {
        switch content {
        case .empty: [String: Any]()
        case .value(let value): value
        case .object(let members): members.mapValues(\.resolved)
        case .array(let items): items.map(\.resolved)
        }
    }

    func member(_ key: String) -> Node {
        let node = Node()
        if case .object(var members) = content {
            members[key] = node
            content = .object(members)
        } else {
            content = .object([key: node])
        }
        return node
    }

    func append() -> Node {
        let node = Node()
        if case .array(var items) = content {
            items.append(node)
            content = .array(items)
        } else {
            content = .array([node])
        }
        return node
    }
}

private struct TemplateEncoder: Encoder {
    let root: Node
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(root: Node = Node()) { self.root = root }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = root.content {} else { root.content = .object([:]) }
        return KeyedEncodingContainer(Keyed(node: root))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = root.content {} else { root.content = .array([]) }
        return Unkeyed(node: root)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: root) }

    static func encode(_ value: some Encodable, into node: Node) throws {
        switch value {
        case let text as String: node.content = .value(text)
        case let flag as Bool: node.content = .value(flag)
        case let number as Int: node.content = .value(number)
        case let number as Double: node.content = .value(number)
        default: try value.encode(to: TemplateEncoder(root: node))
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] = []

        mutating func encodeNil(forKey key: Key) {}
        mutating func encode(_ value: some Encodable, forKey key: Key) throws {
            // An empty text is absent, as in JavaScript's Mustache: `{{#reason}} — {{reason}}{{/reason}}`
            // shows nothing for no reason (Swift's Mustache would take "" as true).
            if let text = value as? String, text.isEmpty { return }
            try TemplateEncoder.encode(value, into: node.member(key.stringValue))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            TemplateEncoder(root: node.member(key.stringValue)).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            TemplateEncoder(root: node.member(key.stringValue)).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { TemplateEncoder(root: node.member("super")) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            TemplateEncoder(root: node.member(key.stringValue))
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] = []
        var count: Int {
            if case .array(let items) = node.content { return items.count }
            return 0
        }

        mutating func encodeNil() {}
        mutating func encode(_ value: some Encodable) throws { try TemplateEncoder.encode(value, into: node.append()) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            TemplateEncoder(root: node.append()).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            TemplateEncoder(root: node.append()).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { TemplateEncoder(root: node.append()) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] = []

        mutating func encodeNil() {}
        mutating func encode(_ value: some Encodable) throws { try TemplateEncoder.encode(value, into: node) }
    }
}

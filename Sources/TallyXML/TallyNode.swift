/// One element of a Tally object as read: its tag, attributes, text and children, in document order. Typed
/// masters and vouchers are read from nodes and written back to them, and children no type knows are kept as
/// they came, so a round trip loses nothing (UDFs, tags of newer TallyPrime releases).
public struct TallyNode: Hashable, Sendable {
    public var name: String
    public var attributes: [(String, String)] { get { attributePairs.map { ($0.name, $0.value) } } set { attributePairs = newValue.map(Attribute.init) } }
    public var text: String
    public var children: [TallyNode]

    struct Attribute: Hashable, Sendable { var name: String; var value: String }
    var attributePairs: [Attribute]

    public init(_ name: String, attributes: [(String, String)] = [], text: String = "", children: [TallyNode] = []) {
        self.name = name
        self.attributePairs = attributes.map(Attribute.init)
        self.text = text
        self.children = children
    }

    /// A leaf: `<NAME>text</NAME>`.
    public static func leaf(_ name: String, _ text: String, attributes: [(String, String)] = []) -> TallyNode {
        TallyNode(name, attributes: attributes, text: text)
    }

    public func attribute(_ name: String) -> String? { attributePairs.first { $0.name == name }?.value }

    public mutating func setAttribute(_ name: String, _ value: String) {
        if let i = attributePairs.firstIndex(where: { $0.name == name }) { attributePairs[i].value = value } else { attributePairs.append(.init(name: name, value: value)) }
    }

    public func child(_ name: String) -> TallyNode? { children.first { $0.name == name } }
    public func children(_ name: String) -> [TallyNode] { children.filter { $0.name == name } }

    /// A child's text, trimmed (Tally pads numbers with a leading space); nil when absent or blank.
    public func value(_ name: String) -> String? {
        guard let c = child(name) else { return nil }
        let t = c.text.trimmingWhitespace
        return t.isEmpty ? nil : t
    }

    /// All text of the repeated children of a list: `<ADDRESS.LIST><ADDRESS>a</ADDRESS>…` gives ["a", …].
    public func list(_ listName: String, _ itemName: String) -> [String] {
        child(listName)?.children(itemName).map(\.text.trimmingWhitespace).filter { !$0.isEmpty } ?? []
    }

    /// Counts elements in this subtree (bounds memory while reading).
    var size: Int { 1 + children.reduce(0) { $0 + $1.size } }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

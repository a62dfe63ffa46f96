import Foundation

/// Encodes a value straight into a `JSONValue`, with the result JSONEncoder-then-decode gave (numbers that are
/// whole become `.int`, dates their seconds since 2001, `Decimal` a number, `URL` its text, `Data` base64) but
/// without writing and parsing the text: every audit entry snapshots its DTO this way, and the round trip was a
/// tenth of a bulk import.
enum JSONValueEncoder {
    static func encode(_ value: some Encodable) throws -> JSONValue {
        let root = Node()
        try root.store(value, path: [])
        return root.json
    }

    /// One value being built: a scalar, an object or an array, filled in by the containers below.
    fileprivate final class Node {
        var scalar: JSONValue?
        var object: [String: Node]?
        var array: [Node]?

        var json: JSONValue {
            if let object { return .object(object.mapValues(\.json)) }
            if let array { return .array(array.map(\.json)) }
            return scalar ?? .object([:])
        }

        static func number(_ d: Double) -> JSONValue {
            d.rounded() == d && abs(d) < 9.2e18 ? .int(Int64(d)) : .double(d)
        }

        func store<T: Encodable>(_ value: T, path: [any CodingKey]) throws {
            switch value {
            case let d as Decimal: scalar = Self.number(NSDecimalNumber(decimal: d).doubleValue)
            case let u as URL: scalar = .string(u.absoluteString)
            case let d as Data: scalar = .string(d.base64EncodedString())
            default: try value.encode(to: NodeEncoder(node: self, codingPath: path))
            }
        }
    }

    fileprivate struct NodeEncoder: Encoder {
        let node: Node
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.object == nil { node.object = [:] }
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.array == nil { node.array = [] }
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
    }

    private struct PlainKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
    }

    fileprivate struct Keyed<K: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey]

        private func child(_ key: any CodingKey) -> Node {
            let n = Node()
            node.object?[key.stringValue] = n
            return n
        }

        mutating func encodeNil(forKey key: K) throws { child(key).scalar = .null }
        mutating func encode<T: Encodable>(_ value: T, forKey key: K) throws { try child(key).store(value, path: codingPath + [key]) }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: K) -> KeyedEncodingContainer<N> {
            NodeEncoder(node: child(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer(forKey key: K) -> any UnkeyedEncodingContainer {
            NodeEncoder(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { NodeEncoder(node: child(PlainKey(stringValue: "super")), codingPath: codingPath) }
        mutating func superEncoder(forKey key: K) -> any Encoder { NodeEncoder(node: child(key), codingPath: codingPath + [key]) }
    }

    fileprivate struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]
        var count: Int { node.array?.count ?? 0 }

        private func next() -> Node {
            let n = Node()
            node.array?.append(n)
            return n
        }

        mutating func encodeNil() throws { next().scalar = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try next().store(value, path: codingPath + [PlainKey(intValue: count)]) }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) -> KeyedEncodingContainer<N> {
            NodeEncoder(node: next(), codingPath: codingPath).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { NodeEncoder(node: next(), codingPath: codingPath).unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { NodeEncoder(node: next(), codingPath: codingPath) }
    }

    fileprivate struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.scalar = .null }
        mutating func encode(_ value: Bool) throws { node.scalar = .bool(value) }
        mutating func encode(_ value: String) throws { node.scalar = .string(value) }
        mutating func encode(_ value: Double) throws { node.scalar = Node.number(value) }
        mutating func encode(_ value: Float) throws { node.scalar = Node.number(Double(value)) }
        mutating func encode(_ value: Int) throws { node.scalar = .int(Int64(value)) }
        mutating func encode(_ value: Int8) throws { node.scalar = .int(Int64(value)) }
        mutating func encode(_ value: Int16) throws { node.scalar = .int(Int64(value)) }
        mutating func encode(_ value: Int32) throws { node.scalar = .int(Int64(value)) }
        mutating func encode(_ value: Int64) throws { node.scalar = .int(value) }
        mutating func encode(_ value: UInt) throws { node.scalar = value <= UInt(Int64.max) ? .int(Int64(value)) : .double(Double(value)) }
        mutating func encode(_ value: UInt8) throws { node.scalar = .int(Int64(value)) }
        mutating func encode(_ value: UInt16) throws { node.scalar = .int(Int64(value)) }
        mutating func encode(_ value: UInt32) throws { node.scalar = .int(Int64(value)) }
        mutating func encode(_ value: UInt64) throws { node.scalar = value <= UInt64(Int64.max) ? .int(Int64(value)) : .double(Double(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { try node.store(value, path: codingPath) }
    }
}

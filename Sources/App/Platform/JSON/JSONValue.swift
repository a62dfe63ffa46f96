import Foundation

/// A JSON document as a value: request bodies are first read into this so every bad field can be reported at once,
/// and audit snapshots are kept in it so their canonical form (sorted keys, no spaces) is stable for hashing.
enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The JSON type name used in error messages ("must be a string, got a number").
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }

    subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// Sorted keys, no insignificant white space, minimal string escapes: the same value always gives the same bytes.
    var canonical: String {
        var out = CanonicalJSON()
        out.write(self)
        return out.string
    }
}

/// The canonical JSON writer: the text audit hashes are taken over, written as bytes into a buffer that can be reused
/// row after row. Its output may never change (`CanonicalJSONTests` holds it): stored chains were hashed over it.
struct CanonicalJSON {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1_024) { bytes.reserveCapacity(capacity) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Empties the buffer, keeping its storage for the next document.
    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .int(let i): raw(String(i))
        case .double(let d): raw(d.isFinite ? "\(d)" : "null")
        case .string(let s): write(s)
        case .array(let a):
            bytes.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(v)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let o):
            // Keys in `String` order (Unicode canonical ordering), as they always were.
            bytes.append(UInt8(ascii: "{"))
            for (i, (key, v)) in o.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(key)
                bytes.append(UInt8(ascii: ":"))
                write(v)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A string with only the escapes JSON requires; every other byte (UTF-8 included) is copied as it is.
    mutating func write(_ s: String) { JSONString.write(s, into: &bytes, escaping: .minimal) }

    /// A string that may be absent (`null`).
    mutating func write(_ s: String?) {
        if let s { write(s) } else { raw("null") }
    }

    /// Text written as it is: punctuation, keys known to need no escaping, numbers.
    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
}

/// JSON string literals, for the two writers that write bytes themselves.
enum JSONString {
    enum Escaping {
        /// Only what JSON requires (`"`, `\\`, control characters), with `\n \r \t` short: the audit hash's form.
        case minimal
        /// What `JSONEncoder` writes: also `/` as `\/` and the `\b \f` short forms (`SortedJSON`).
        case asJSONEncoder
    }

    /// `s` between quotes, escaped as `escaping` says; every other byte (UTF-8 included) is copied as it is.
    static func write(_ s: String, into out: inout [UInt8], escaping: Escaping) {
        func raw(_ text: StaticString) { text.withUTF8Buffer { out.append(contentsOf: $0) } }
        let full = escaping == .asJSONEncoder
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "/") where full: raw("\\/")
            case 0x08 where full: raw("\\b")
            case 0x0C where full: raw("\\f")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
    init(nilLiteral: ()) { self = .null }
    init(_ optional: String?) { self = optional.map(JSONValue.string) ?? .null }
}

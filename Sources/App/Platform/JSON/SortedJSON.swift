import Foundation
import GSTKit

/// Writes what `JSONEncoder` with `.sortedKeys` writes, byte for byte, straight into one buffer.
///
/// `JSONEncoder` first builds a tree of every value and then serialises it: a month's GSTR-1 (26 MB of JSON) spent
/// 1.8 s and several hundred megabytes in that tree. Here each value is written where it goes as it is encoded; an
/// object whose keys arrived out of order is reordered in place when it closes (its entries are byte ranges of the
/// buffer), so no value is ever held twice. A test compares the output with `JSONEncoder`'s over the shapes we use.
enum SortedJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let writer = Writer()
        try writer.value(value, at: 0, path: [], key: nil)
        writer.close(downTo: 0)
        return writer.out
    }

    /// The buffer and the containers still open in it, innermost last.
    fileprivate final class Writer {
        var out: [UInt8] = []
        var open: [Frame] = []
        /// The open objects' entries, as a stack (containers close innermost first): each key and where its
        /// `"key":value` starts (after the comma before it).
        var entries: [(key: String, start: Int)] = []
        private var opened = 0

        init() { out.reserveCapacity(1 << 16) }

        struct Frame {
            let id: Int
            let isObject: Bool
            let entriesBase: Int
            var count = 0
            var sorted = true
        }

        /// A container as its encoding containers hold it: where it sits in `open`, and which one it was.
        struct Handle { let depth: Int; let id: Int }

        /// Closes every container deeper than `level` (a value may leave nested containers open until its parent
        /// writes its next entry or closes).
        func close(downTo level: Int) {
            while open.count > level {
                let frame = open.removeLast()
                if frame.isObject {
                    if !frame.sorted { reorder(entries[frame.entriesBase...]) }
                    entries.removeSubrange(frame.entriesBase...)
                    out.append(UInt8(ascii: "}"))
                } else {
                    out.append(UInt8(ascii: "]"))
                }
            }
        }

        private func reorder(_ entries: ArraySlice<(key: String, start: Int)>) {
            guard let first = entries.first?.start else { return }
            let ends = entries.dropFirst().map { $0.start - 1 } + [out.count]
            let ranges = zip(entries, ends).map { (key: $0.key, range: $0.start..<$1) }
            var region: [UInt8] = []
            region.reserveCapacity(out.count - first)
            for (i, entry) in ranges.sorted(by: { SortedJSON.before($0.key, $1.key) }).enumerated() {
                if i > 0 { region.append(UInt8(ascii: ",")) }
                region.append(contentsOf: out[entry.range])
            }
            out.replaceSubrange(first..<out.count, with: region)
        }

        /// Opens a container at `level` (closing whatever is open deeper) and returns it.
        func openFrame(object: Bool, at level: Int) -> Handle {
            close(downTo: level)
            opened += 1
            open.append(Frame(id: opened, isObject: object, entriesBase: entries.count))
            out.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
            return Handle(depth: level, id: opened)
        }

        /// The container of the value that started at `level`, when it has one of this kind open.
        func current(at level: Int, object: Bool) -> Handle? {
            guard open.count > level, open[level].isObject == object else { return nil }
            return Handle(depth: level, id: open[level].id)
        }

        /// Closes anything deeper than `frame`: the next write belongs to it. False when it has closed already.
        private func resume(_ frame: Handle) -> Bool {
            guard frame.depth < open.count, open[frame.depth].id == frame.id else { return false }
            close(downTo: frame.depth + 1)
            return true
        }

        /// Starts an entry of an object: comma, key, colon. Returns the level its value starts at.
        func key(_ key: String, in frame: Handle) -> Int {
            guard resume(frame) else { return open.count }
            if open[frame.depth].count > 0 { out.append(UInt8(ascii: ",")) }
            if let last = entries.last, entries.count > open[frame.depth].entriesBase, !SortedJSON.before(last.key, key) {
                open[frame.depth].sorted = false
            }
            entries.append((key, out.count))
            open[frame.depth].count += 1
            string(key)
            out.append(UInt8(ascii: ":"))
            return frame.depth + 1
        }

        /// Starts an element of an array. Returns the level it starts at.
        func element(in frame: Handle) -> Int {
            guard resume(frame) else { return open.count }
            if open[frame.depth].count > 0 { out.append(UInt8(ascii: ",")) }
            open[frame.depth].count += 1
            return frame.depth + 1
        }

        /// Any value. Scalars are recognised by their type (a comparison of metatypes, not a dynamic cast per value);
        /// everything else encodes itself, a level deeper in the coding path.
        func value<T: Encodable>(_ value: T, at level: Int, path: [any CodingKey], key: (any CodingKey)?) throws {
            if T.self == String.self, let v = value as? String { return string(v) }
            if T.self == Amount.self, let v = value as? Amount { return try amount(v, path: path, key: key) }
            if T.self == Double.self, let v = value as? Double { return try number(v, path: path, key: key) }
            if T.self == Int.self, let v = value as? Int { return integer(v) }
            if T.self == Int64.self, let v = value as? Int64 { return integer(v) }
            if T.self == Bool.self, let v = value as? Bool { return raw(v ? "true" : "false") }
            if T.self == Decimal.self, let v = value as? Decimal { return out.append(contentsOf: v.description.utf8) }
            if T.self == URL.self, let v = value as? URL { return string(v.absoluteString) }
            if T.self == Data.self, let v = value as? Data { return string(v.base64EncodedString()) }
            if T.self == Date.self, let v = value as? Date { return try number(v.timeIntervalSinceReferenceDate, path: path, key: key) }
            let before = out.count
            try value.encode(to: Encoder(writer: self, level: level, codingPath: key.map { path + [$0] } ?? path))
            // A value that encoded nothing at all is an empty object, as JSONEncoder writes it.
            if out.count == before && open.count == level { raw("{}") }
            close(downTo: level)
        }

        func raw(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }

        func integer<I: BinaryInteger>(_ v: I) { out.append(contentsOf: String(v).utf8) }

        func number(_ v: Double, path: [any CodingKey], key: (any CodingKey)?) throws {
            guard v.isFinite else {
                throw EncodingError.invalidValue(v, .init(codingPath: key.map { path + [$0] } ?? path, debugDescription: "\(v) is not a JSON number"))
            }
            var text = v.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out.append(contentsOf: text.utf8)
        }

        /// Rupees from paise without a `Double`: the shortest text of paise/100 is the paise with the point moved
        /// and trailing zeros dropped whenever the paise have at most 15 digits (a `Double` gives back any decimal of
        /// 15 significant digits), which every amount within the money limit has. Larger sums go through `Double`,
        /// as `Amount` encodes them.
        func amount(_ a: Amount, path: [any CodingKey], key: (any CodingKey)?) throws {
            guard a.paise.magnitude < 1_000_000_000_000_000 else { return try number(Double(a.paise) / 100, path: path, key: key) }
            SortedJSON.rupees(a.paise, into: &out)
        }

        /// One access to the buffer per string (each access to a class's property is checked for exclusivity at
        /// run time, and this runs for every byte of the document).
        func string(_ s: String) { JSONString.write(s, into: &out, escaping: .asJSONEncoder) }
    }

    /// `paise` (fewer than 16 digits) as the shortest decimal rupees: 12340 → 123.4, -5 → -0.05, 100 → 1.
    static func rupees(_ paise: Int64, into out: inout [UInt8]) {
        if paise < 0 { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: String(paise.magnitude / 100).utf8)
        let rest = paise.magnitude % 100
        guard rest != 0 else { return }
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(rest / 10))
        if rest % 10 != 0 { out.append(UInt8(ascii: "0") + UInt8(rest % 10)) }
    }

    /// The order `.sortedKeys` gives keys.
    static func before(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    fileprivate struct Encoder: Swift.Encoder {
        let writer: Writer
        /// How many containers were open when this value started: its own container goes at this depth.
        let level: Int
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        /// A second request for a container of the same value gets the one already open.
        private func frame(object: Bool) -> Writer.Handle {
            writer.current(at: level, object: object) ?? writer.openFrame(object: object, at: level)
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(writer: writer, frame: frame(object: true), codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            Unkeyed(writer: writer, frame: frame(object: false), codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(writer: writer, level: level, codingPath: codingPath) }
    }

    /// Synthesised conformances call the overloads for the standard scalars directly: those write at once.
    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let writer: Writer
        let frame: Writer.Handle
        var codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws {
            _ = writer.key(key.stringValue, in: frame)
            writer.raw("null")
        }

        mutating func encode(_ value: String, forKey key: Key) throws {
            _ = writer.key(key.stringValue, in: frame)
            writer.string(value)
        }

        mutating func encode(_ value: Int, forKey key: Key) throws {
            _ = writer.key(key.stringValue, in: frame)
            writer.integer(value)
        }

        mutating func encode(_ value: Int64, forKey key: Key) throws {
            _ = writer.key(key.stringValue, in: frame)
            writer.integer(value)
        }

        mutating func encode(_ value: Double, forKey key: Key) throws {
            _ = writer.key(key.stringValue, in: frame)
            try writer.number(value, path: codingPath, key: key)
        }

        mutating func encode(_ value: Bool, forKey key: Key) throws {
            _ = writer.key(key.stringValue, in: frame)
            writer.raw(value ? "true" : "false")
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            let level = writer.key(key.stringValue, in: frame)
            try writer.value(value, at: level, path: codingPath, key: key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let level = writer.key(key.stringValue, in: frame)
            return KeyedEncodingContainer(Keyed<NestedKey>(writer: writer, frame: writer.openFrame(object: true, at: level), codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let level = writer.key(key.stringValue, in: frame)
            return Unkeyed(writer: writer, frame: writer.openFrame(object: false, at: level), codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Swift.Encoder { superEncoder(key: "super") }
        mutating func superEncoder(forKey key: Key) -> any Swift.Encoder { superEncoder(key: key.stringValue) }

        private func superEncoder(key: String) -> any Swift.Encoder {
            Encoder(writer: writer, level: writer.key(key, in: frame), codingPath: codingPath)
        }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let writer: Writer
        let frame: Writer.Handle
        var codingPath: [any CodingKey]
        private(set) var count = 0

        mutating func encodeNil() throws {
            count += 1
            _ = writer.element(in: frame)
            writer.raw("null")
        }

        mutating func encode(_ value: String) throws {
            count += 1
            _ = writer.element(in: frame)
            writer.string(value)
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            count += 1
            let level = writer.element(in: frame)
            try writer.value(value, at: level, path: codingPath, key: nil)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            count += 1
            let level = writer.element(in: frame)
            return KeyedEncodingContainer(Keyed<NestedKey>(writer: writer, frame: writer.openFrame(object: true, at: level), codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            count += 1
            let level = writer.element(in: frame)
            return Unkeyed(writer: writer, frame: writer.openFrame(object: false, at: level), codingPath: codingPath)
        }

        mutating func superEncoder() -> any Swift.Encoder {
            count += 1
            return Encoder(writer: writer, level: writer.element(in: frame), codingPath: codingPath)
        }
    }

    private struct Single: SingleValueEncodingContainer {
        let writer: Writer
        let level: Int
        var codingPath: [any CodingKey]

        mutating func encodeNil() throws {
            writer.close(downTo: level)
            writer.raw("null")
        }

        mutating func encode(_ value: String) throws {
            writer.close(downTo: level)
            writer.string(value)
        }

        mutating func encode(_ value: Double) throws {
            writer.close(downTo: level)
            try writer.number(value, path: codingPath, key: nil)
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            writer.close(downTo: level)
            try writer.value(value, at: level, path: codingPath, key: nil)
        }
    }
}

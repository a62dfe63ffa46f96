import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Why a Tally file could not be read. Each case says what was wrong and where, in words for the person who
/// uploaded the file.
public enum TallyReadError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case notXML(line: Int, column: Int, detail: String)
    case wrongRoot(String)
    case truncated(insideOf: String)
    case declarationRefused(String, line: Int)
    case objectTooLarge(String, elements: Int)
    case textTooLong(String, bytes: Int)
    case attributeTooLong(String, bytes: Int)
    case tooDeep(String, depth: Int)

    public var description: String {
        switch self {
        case .empty: "is empty"
        case let .notXML(line, column, detail): "is not well-formed XML (line \(line), column \(column)): \(detail)"
        case let .wrongRoot(name): "starts with <\(name)>; a Tally export or response starts with <ENVELOPE>"
        case let .truncated(name): "ends inside <\(name)>: the file is cut short"
        case let .declarationRefused(what, line): "declares \(what) on line \(line); DTDs, entity declarations and processing instructions are refused (no entity is ever expanded)"
        case let .objectTooLarge(name, n): "has a <\(name)> of more than \(n) elements"
        case let .textTooLong(name, n): "has a <\(name)> whose text is longer than \(n) bytes"
        case let .attributeTooLong(name, n): "has a <\(name)> with an attribute longer than \(n) bytes"
        case let .tooDeep(name, n): "nests elements deeper than \(n) levels (at <\(name)>)"
        }
    }
}

/// What a read saw besides the objects it handed over.
public struct TallyReadSummary: Sendable, Equatable {
    public var encoding: TallyEncoding = .utf8
    public var objects = 0
    /// Objects by tag (`LEDGER`, `VOUCHER`, …).
    public var objectsByKind: [String: Int] = [:]
    /// Control characters and references dropped before parsing.
    public var controlCharactersDropped = 0
    /// Leaf values outside objects: header fields, static variables, import-response counters, by tag.
    public var envelope: [String: String] = [:]
    /// `LINEERROR`s of an import response, in order.
    public var lineErrors: [String] = []
    /// `LINEERROR`s past `TallyReader.maxLineErrors`, counted and not kept.
    public var lineErrorsNotKept = 0
    public var bytesRead = 0
}

/// A source of raw bytes, read in chunks: a file, a buffer, an HTTP response.
public protocol TallyByteSource {
    /// Up to `maxLength` bytes; an empty array at the end.
    mutating func read(maxLength: Int) throws -> [UInt8]
}

public struct TallyBytes: TallyByteSource {
    let bytes: [UInt8]
    var offset = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { self.bytes = Array(text.utf8) }
    public mutating func read(maxLength: Int) throws -> [UInt8] {
        let end = min(bytes.count, offset + maxLength)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

public struct TallyFile: TallyByteSource {
    let handle: FileHandle
    public init(path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        handle = h
    }
    public mutating func read(maxLength: Int) throws -> [UInt8] { Array(try handle.read(upToCount: maxLength) ?? Data()) }
}

/// Streams a Tally XML document (a file export, a Day Book or collection response, an import response) and hands
/// each object — every element directly inside a `TALLYMESSAGE` or a `COLLECTION` — to `handler` as soon as it
/// closes. Memory stays bounded by the largest single object, whatever the file's size.
public enum TallyReader {
    /// The most elements one object may have (a 1,000-line voucher has some 30,000).
    public static let maxObjectElements = 500_000
    /// The longest text one element may hold (a narration, an address): far above Tally's own field lengths.
    public static let maxTextBytes = 64 * 1024
    /// The longest attribute value (Tally's are names, GUIDs and ACTION words).
    public static let maxAttributeBytes = 4 * 1024
    /// The deepest nesting (a voucher's batch allocations sit about 8 levels down).
    public static let maxDepth = 64
    /// `LINEERROR`s an import response may have kept; the rest are counted.
    public static let maxLineErrors = 1_000

    /// Which objects to build and hand over; the others are parsed past (and counted) without building their tree,
    /// which is most of the work of a pass that wants only the masters, or only the vouchers.
    public enum Filter: Sendable {
        case all, only(Set<String>), except(Set<String>)
        func keeps(_ tag: String) -> Bool {
            switch self {
            case .all: true
            case let .only(tags): tags.contains(tag)
            case let .except(tags): !tags.contains(tag)
            }
        }
    }

    public static func read(_ source: some TallyByteSource, maxObjectElements: Int = maxObjectElements, filter: Filter = .all,
                            handler: (TallyNode) throws -> Void) throws -> TallyReadSummary {
        let stream = SanitizingStream(source: source)
        let parser = XMLParser(stream: stream)
        let collector = withoutActuallyEscaping(handler) { handler in
            let collector = Collector(handler: handler, limit: maxObjectElements, filter: filter)
            parser.delegate = collector
            parser.shouldResolveExternalEntities = false
            _ = parser.parse()
            parser.delegate = nil
            collector.handler = nil  // the handler must not outlive this call
            return collector
        }
        if let e = stream.failure { throw e }
        if let e = collector.failure { throw e }
        if let e = collector.parseError {
            if !stream.sawContent { throw TallyReadError.empty }
            throw e
        }
        guard collector.rootSeen else {
            throw stream.sawContent ? TallyReadError.notXML(line: 1, column: 1, detail: "no element found") : TallyReadError.empty
        }
        if let open = collector.stack.last { throw TallyReadError.truncated(insideOf: open) }
        var summary = collector.summary
        summary.encoding = stream.encoding
        summary.controlCharactersDropped = stream.dropped
        summary.bytesRead = stream.bytesRead
        return summary
    }

    /// Reads a whole small document (an import response, a test fixture) into memory.
    public static func objects(_ text: String) throws -> ([TallyNode], TallyReadSummary) {
        var out: [TallyNode] = []
        let summary = try read(TallyBytes(text)) { out.append($0) }
        return (out, summary)
    }
}

/// The parser's delegate: tracks the element stack, builds one object's tree at a time, keeps envelope leaves.
private final class Collector: XMLParserDelegate {
    var handler: ((TallyNode) throws -> Void)?
    var stack: [String] = []
    var building: [TallyNode] = []
    var elements = 0
    var rootSeen = false
    var summary = TallyReadSummary()
    var text = ""
    var failure: (any Error)?
    var parseError: TallyReadError?

    let limit: Int
    let filter: TallyReader.Filter
    /// Depth inside an object the filter passes over; 0 when not in one.
    var skipping = 0

    init(handler: @escaping (TallyNode) throws -> Void, limit: Int, filter: TallyReader.Filter) { self.handler = handler; self.limit = limit; self.filter = filter }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if !rootSeen {
            rootSeen = true
            guard name == "ENVELOPE" || name == "RESPONSE" else { return stop(parser, TallyReadError.wrongRoot(name)) }
        }
        let parent = stack.last
        stack.append(name)
        if stack.count > TallyReader.maxDepth { return stop(parser, TallyReadError.tooDeep(name, depth: TallyReader.maxDepth)) }
        if attributes.values.contains(where: { $0.utf8.count > TallyReader.maxAttributeBytes }) {
            return stop(parser, TallyReadError.attributeTooLong(name, bytes: TallyReader.maxAttributeBytes))
        }
        if skipping > 0 { skipping += 1; return }
        text = ""
        if building.isEmpty, parent == "TALLYMESSAGE" || parent == "COLLECTION", !filter.keeps(name) { skipping = 1; return }
        if !building.isEmpty || parent == "TALLYMESSAGE" || parent == "COLLECTION" {
            // Attributes come as a dictionary: sorted, so an object reads the same every time.
            building.append(TallyNode(name, attributes: attributes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
            elements += 1
            if elements > limit { stop(parser, TallyReadError.objectTooLarge(building[0].name, elements: limit)) }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if skipping > 0 { return }
        if building.isEmpty { text += string } else { building[building.count - 1].text += string }
        let held = building.isEmpty ? text.utf8.count : building[building.count - 1].text.utf8.count
        if held > TallyReader.maxTextBytes { stop(parser, TallyReadError.textTooLong(stack.last ?? "?", bytes: TallyReader.maxTextBytes)) }
    }

    /// A CDATA section is text like any other (its bytes are UTF-8 after the transcoder).
    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        self.parser(parser, foundCharacters: String(decoding: block, as: UTF8.self))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard stack.popLast() != nil else { return }
        if skipping > 0 {
            skipping -= 1
            if skipping == 0 { summary.objects += 1; summary.objectsByKind[name, default: 0] += 1 }
            return
        }
        if let node = building.popLast() {
            if building.isEmpty {
                elements = 0
                summary.objects += 1
                summary.objectsByKind[node.name, default: 0] += 1
                do { try handler?(node) } catch { stop(parser, error) }
            } else {
                building[building.count - 1].children.append(node)
            }
            return
        }
        let value = text.trimmingWhitespace
        if name == "LINEERROR" {
            if summary.lineErrors.count < TallyReader.maxLineErrors { summary.lineErrors.append(value) } else { summary.lineErrorsNotKept += 1 }
        } else if !value.isEmpty, summary.envelope.count < 200 { summary.envelope[name] = value }
        text = ""
    }

    func parser(_ parser: XMLParser, parseErrorOccurred error: any Error) {
        guard failure == nil, parseError == nil else { return }
        let detail = (error as NSError).localizedDescription
        parseError = .notXML(line: parser.lineNumber, column: parser.columnNumber, detail: detail.isEmpty ? "code \((error as NSError).code)" : detail)
        parser.abortParsing()
    }

    private func stop(_ parser: XMLParser, _ error: any Error) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }
}

/// An InputStream over a byte source that transcodes to UTF-8 and sanitises on the way to the parser.
private final class SanitizingStream: InputStream {
    private var source: any TallyByteSource
    private var transcoder = Transcoder()
    private var sanitizer = Sanitizer()
    private var buffer: [UInt8] = []
    private var offset = 0
    private var finished = false
    var failure: (any Error)?
    var bytesRead = 0
    var sawContent = false
    /// XMLParser on Linux never tells libxml2 that input ended, so the end tag of the root may be held back;
    /// a comment after the document (legal there) makes it go through.
    static let trailer = Array("\n<!-- end -->\n".utf8)

    var encoding: TallyEncoding { transcoder.encoding ?? .utf8 }
    var dropped: Int { sanitizer.dropped }

    init(source: some TallyByteSource) {
        self.source = source
        super.init(data: Data())
    }

    override func open() {}
    override func close() {}
    override var hasBytesAvailable: Bool { !finished || offset < buffer.count }
    override var streamStatus: Stream.Status { hasBytesAvailable ? .open : .atEnd }

    override func read(_ out: UnsafeMutablePointer<UInt8>, maxLength len: Int) -> Int {
        while offset >= buffer.count {
            if finished || failure != nil { return 0 }
            refill()
        }
        let n = min(len, buffer.count - offset)
        buffer.withUnsafeBufferPointer { b in out.update(from: b.baseAddress! + offset, count: n) }
        offset += n
        return n
    }

    private func refill() {
        buffer.removeAll(keepingCapacity: true)
        offset = 0
        do {
            let raw = try source.read(maxLength: 64 * 1024)
            bytesRead += raw.count
            var utf8: [UInt8] = []
            if raw.isEmpty {
                transcoder.finish(into: &utf8)
                try utf8.withUnsafeBufferPointer { try sanitizer.feed($0, into: &buffer) }
                try sanitizer.finish(into: &buffer)
                if !buffer.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { sawContent = true }
                if sawContent { buffer += Self.trailer }
                finished = true
            } else {
                raw.withUnsafeBufferPointer { transcoder.feed($0, into: &utf8) }
                try utf8.withUnsafeBufferPointer { try sanitizer.feed($0, into: &buffer) }
                if !sawContent, buffer.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) { sawContent = true }
            }
        } catch let Sanitizer.Refusal.declaration(what, line) {
            failure = TallyReadError.declarationRefused(what, line: line)
        } catch {
            failure = error
        }
    }
}

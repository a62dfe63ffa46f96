/// The text encodings Tally writes: UI exports are UTF-16LE with a BOM, some copies are re-saved as UTF-8, and
/// Tally's HTTP server may answer in either.
public enum TallyEncoding: String, Sendable {
    case utf8, utf16LE, utf16BE
}

/// Turns a Tally byte stream, in chunks of any size, into UTF-8. The encoding is taken from the BOM, or from NUL
/// bytes among the first 64 (UTF-16 without a BOM), else UTF-8 (reference §1.2 and §6.5 step 1).
struct Transcoder {
    private(set) var encoding: TallyEncoding?
    private var head: [UInt8] = []
    private var oddByte: UInt8?
    private var highSurrogate: UInt16?

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        guard let encoding else {
            head.append(contentsOf: bytes)
            if head.count >= 64 { settle(into: &out) }
            return
        }
        convert(bytes, encoding, into: &out)
    }

    /// End of input: settles a short file's encoding and flushes what is held.
    mutating func finish(into out: inout [UInt8]) {
        if encoding == nil { settle(into: &out) }
        if oddByte != nil || highSurrogate != nil { appendScalar(0xFFFD, into: &out) }
        oddByte = nil; highSurrogate = nil
    }

    private mutating func settle(into out: inout [UInt8]) {
        var skip = 0
        let e: TallyEncoding
        if head.starts(with: [0xFF, 0xFE]) { e = .utf16LE; skip = 2 }
        else if head.starts(with: [0xFE, 0xFF]) { e = .utf16BE; skip = 2 }
        else if head.starts(with: [0xEF, 0xBB, 0xBF]) { e = .utf8; skip = 3 }
        else if head.prefix(64).contains(0) { e = head.first == 0 ? .utf16BE : .utf16LE }
        else { e = .utf8 }
        encoding = e
        let rest = Array(head.dropFirst(skip))
        head = []
        rest.withUnsafeBufferPointer { convert($0, e, into: &out) }
    }

    private mutating func convert(_ bytes: UnsafeBufferPointer<UInt8>, _ e: TallyEncoding, into out: inout [UInt8]) {
        if e == .utf8 { out.append(contentsOf: bytes); return }
        var i = 0
        let n = bytes.count
        func unit(_ a: UInt8, _ b: UInt8) -> UInt16 { e == .utf16LE ? UInt16(a) | UInt16(b) << 8 : UInt16(a) << 8 | UInt16(b) }
        if let odd = oddByte, n > 0 {
            oddByte = nil
            take(unit(odd, bytes[0]), into: &out)
            i = 1
        }
        while i + 1 < n {
            take(unit(bytes[i], bytes[i + 1]), into: &out)
            i += 2
        }
        if i < n { oddByte = bytes[i] }
    }

    private mutating func take(_ u: UInt16, into out: inout [UInt8]) {
        if let high = highSurrogate {
            highSurrogate = nil
            if (0xDC00...0xDFFF).contains(u) {
                appendScalar(0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(u - 0xDC00), into: &out)
                return
            }
            appendScalar(0xFFFD, into: &out)
        }
        switch u {
        case 0xD800...0xDBFF: highSurrogate = u
        case 0xDC00...0xDFFF: appendScalar(0xFFFD, into: &out)
        default: appendScalar(UInt32(u), into: &out)
        }
    }

    private func appendScalar(_ s: UInt32, into out: inout [UInt8]) {
        switch s {
        case 0..<0x80: out.append(UInt8(s))
        case 0x80..<0x800: out.append(0xC0 | UInt8(s >> 6)); out.append(0x80 | UInt8(s & 0x3F))
        case 0x800..<0x10000:
            out.append(0xE0 | UInt8(s >> 12)); out.append(0x80 | UInt8((s >> 6) & 0x3F)); out.append(0x80 | UInt8(s & 0x3F))
        default:
            out.append(0xF0 | UInt8(s >> 18)); out.append(0x80 | UInt8((s >> 12) & 0x3F))
            out.append(0x80 | UInt8((s >> 6) & 0x3F)); out.append(0x80 | UInt8(s & 0x3F))
        }
    }
}

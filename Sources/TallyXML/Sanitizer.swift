/// Makes Tally's UTF-8 text acceptable to an XML 1.0 parser before the parser sees it (reference §1.3):
/// `&#4;` and a raw U+0004 (Tally's mark before reserved values such as "Primary" and "Not Applicable") become the
/// sentinel `␄` (U+2404, legal XML), other control characters — raw or as numeric references — are dropped, and an
/// `<?xml …?>` declaration is removed (it may name UTF-16 after we transcoded). A DOCTYPE or ENTITY declaration
/// is refused outright: Tally never writes one, and refusing it rules out entity expansion ("billion laughs") and
/// external entities whatever the parser would do with them.
struct Sanitizer {
    static let sentinel: [UInt8] = [0xE2, 0x90, 0x84]

    enum Refusal: Error { case declaration(String, line: Int) }

    private enum State { case text, reference, markup, declaration }
    private var state = State.text
    private var held: [UInt8] = []
    private var lastInDeclaration: UInt8 = 0
    private(set) var line = 1
    /// Control characters and references dropped, for the import report.
    private(set) var dropped = 0

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws(Refusal) {
        for b in bytes { try step(b, into: &out) }
    }

    /// End of input: whatever was held back is passed on as it was.
    mutating func finish(into out: inout [UInt8]) {
        out.append(contentsOf: held)
        held = []
        state = .text
    }

    private mutating func step(_ b: UInt8, into out: inout [UInt8]) throws(Refusal) {
        if b == 0x0A { line += 1 }
        switch state {
        case .text:
            plain(b, into: &out)
        case .reference:
            held.append(b)
            if held.count == 2 {
                if b != UInt8(ascii: "#") { return release(into: &out) }
            } else if b == UInt8(ascii: ";") {
                resolveReference(into: &out)
            } else if held.count > 12 || !(isHexDigit(b) || (held.count == 3 && (b == UInt8(ascii: "x") || b == UInt8(ascii: "X")))) {
                return release(into: &out)
            }
        case .markup:
            held.append(b)
            if held.count == 2 && b != UInt8(ascii: "!") && b != UInt8(ascii: "?") { return flushHeld(into: &out) }
            let text = String(decoding: held, as: UTF8.self)
            for refused in ["<!DOCTYPE", "<!ENTITY"] where text.hasPrefix(refused) {
                throw .declaration(String(refused.dropFirst(2)), line: line)
            }
            if text == "<?xml " || text == "<?xml\t" || text == "<?xml\r" || text == "<?xml\n" {
                held = []; state = .declaration; lastInDeclaration = 0; return
            }
            let candidates = ["<!DOCTYPE", "<!ENTITY", "<?xml "]
            if !candidates.contains(where: { $0.utf8.starts(with: held) }) { flushHeld(into: &out) }
        case .declaration:
            if lastInDeclaration == UInt8(ascii: "?") && b == UInt8(ascii: ">") { state = .text }
            lastInDeclaration = b
        }
    }

    private mutating func plain(_ b: UInt8, into out: inout [UInt8]) {
        switch b {
        case 0x04: out.append(contentsOf: Self.sentinel)
        case 0x09, 0x0A, 0x0D: out.append(b)
        case 0..<0x20: dropped += 1
        case UInt8(ascii: "&"): held = [b]; state = .reference
        case UInt8(ascii: "<"): held = [b]; state = .markup
        default: out.append(b)
        }
    }

    /// `&#NN;` / `&#xHH;`: 4 becomes the sentinel, other characters XML forbids are dropped, the rest pass.
    private mutating func resolveReference(into out: inout [UInt8]) {
        let body = held.dropFirst(2).dropLast()
        let hex = body.first == UInt8(ascii: "x") || body.first == UInt8(ascii: "X")
        let digits = String(decoding: hex ? body.dropFirst() : body, as: UTF8.self)
        guard !digits.isEmpty, let code = UInt32(digits, radix: hex ? 16 : 10) else { return release(into: &out) }
        held = []
        state = .text
        if code == 4 { out.append(contentsOf: Self.sentinel); return }
        let legal = code == 0x9 || code == 0xA || code == 0xD || (0x20...0xD7FF).contains(code) || (0xE000...0xFFFD).contains(code)
            || (0x10000...0x10FFFF).contains(code)
        if legal { out.append(contentsOf: Array("&#\(code);".utf8)) } else { dropped += 1 }
    }

    /// Not a character reference after all: the held bytes go through as text, the last one re-examined.
    private mutating func release(into out: inout [UInt8]) {
        let last = held.removeLast()
        out.append(contentsOf: held)
        held = []
        state = .text
        plain(last, into: &out)
    }

    private mutating func flushHeld(into out: inout [UInt8]) {
        let bytes = held
        held = []
        state = .text
        // The first byte is the '<' that opened the markup; the rest may hold another '<' or '&'.
        out.append(bytes[0])
        for b in bytes.dropFirst() { plain(b, into: &out) }
    }

    private func isHexDigit(_ b: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(b)
    }
}

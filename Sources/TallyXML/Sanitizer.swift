/// Makes Tally's UTF-8 text acceptable to an XML 1.0 parser before the parser sees it (reference §1.3):
/// `&#4;` and a raw U+0004 (Tally's mark before reserved values such as "Primary" and "Not Applicable") become the
/// sentinel `␄` (U+2404, legal XML), other control characters — raw or as numeric references — are dropped, and an
/// `<?xml …?>` declaration is removed (it may name UTF-16 after we transcoded).
///
/// Markup is judged on the bytes the parser will see, after control characters are gone: a control byte inside
/// `<!DOC␁TYPE` must not hide the declaration from us and then vanish before the parser reads it. Any `<!` other
/// than a comment or CDATA section, and any processing instruction other than the XML declaration, is refused:
/// Tally writes neither, and refusing them rules out entity expansion ("billion laughs") and external entities
/// whatever the parser would do with them.
struct Sanitizer {
    static let sentinel: [UInt8] = [0xE2, 0x90, 0x84]

    enum Refusal: Error { case declaration(String, line: Int) }

    private enum State { case text, reference, markup, naming, declaration, comment, cdata }
    private var state = State.text
    private var held: [UInt8] = []
    /// The last two bytes seen inside a declaration, comment or CDATA section, to find where it ends.
    private var tail: (UInt8, UInt8) = (0, 0)
    private var refusedPrefix = ""
    private(set) var line = 1
    /// Control characters and references dropped, for the import report.
    private(set) var dropped = 0

    private static let comment = Array("<!--".utf8)
    private static let cdata = Array("<![CDATA[".utf8)
    private static let xmlDeclaration = Array("<?xml".utf8)

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws(Refusal) {
        for b in bytes {
            if b == 0x0A { line += 1 }
            switch b {
            case 0x04: for s in Self.sentinel { try structure(s, into: &out) }
            case 0x09, 0x0A, 0x0D: try structure(b, into: &out)
            case 0..<0x20: dropped += 1
            default: try structure(b, into: &out)
            }
        }
    }

    /// End of input: whatever was held back is passed on as it was (the parser reports anything left unfinished).
    mutating func finish(into out: inout [UInt8]) throws(Refusal) {
        if state == .naming { throw refusal() }
        out.append(contentsOf: held)
        held = []
        state = .text
    }

    private mutating func structure(_ b: UInt8, into out: inout [UInt8]) throws(Refusal) {
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
            try markup(b, into: &out)
        case .naming:
            if isLetter(b) && refusedPrefix.utf8.count < 24 { refusedPrefix.append(Character(Unicode.Scalar(b))) } else { throw refusal() }
        case .declaration:
            if tail.1 == UInt8(ascii: "?") && b == UInt8(ascii: ">") { state = .text }
            tail = (tail.1, b)
        case .comment, .cdata:
            out.append(b)
            let closer = state == .comment ? UInt8(ascii: "-") : UInt8(ascii: "]")
            if tail.0 == closer && tail.1 == closer && b == UInt8(ascii: ">") { state = .text }
            tail = (tail.1, b)
        }
    }

    /// After `<`: an element passes at once; `<!` must become a comment or CDATA, `<?` the XML declaration.
    private mutating func markup(_ b: UInt8, into out: inout [UInt8]) throws(Refusal) {
        held.append(b)
        if held.count == 2 && b != UInt8(ascii: "!") && b != UInt8(ascii: "?") { return flushHeld(into: &out) }
        if held[1] == UInt8(ascii: "?") {
            if held.count <= Self.xmlDeclaration.count {
                if Self.xmlDeclaration.starts(with: held) { return }
            } else if [0x20, 0x09, 0x0D, 0x0A].contains(b) {
                held = []; state = .declaration; tail = (0, 0); return
            }
            return try startRefusing(kind: "a processing instruction <?", from: held.dropFirst(2))
        }
        if held == Self.comment || held == Self.cdata {
            out.append(contentsOf: held)
            state = held == Self.comment ? .comment : .cdata
            held = []; tail = (0, 0); return
        }
        if Self.comment.starts(with: held) || Self.cdata.starts(with: held) { return }
        try startRefusing(kind: "", from: held.dropFirst(2))
    }

    /// Names what is refused (`DOCTYPE`, `ENTITY`, …) by reading the letters that follow, then refuses it.
    private mutating func startRefusing(kind: String, from bytes: ArraySlice<UInt8>) throws(Refusal) {
        refusedPrefix = kind
        for b in bytes {
            guard isLetter(b) else { throw refusal() }
            refusedPrefix.append(Character(Unicode.Scalar(b)))
        }
        held = []
        state = .naming
    }

    private func refusal() -> Refusal {
        .declaration(refusedPrefix.isEmpty ? "a markup declaration <!" : refusedPrefix, line: line)
    }

    private mutating func plain(_ b: UInt8, into out: inout [UInt8]) {
        switch b {
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
        // The first byte is the '<' that opened the markup; the second may be another '<' or '&'.
        out.append(bytes[0])
        for b in bytes.dropFirst() { plain(b, into: &out) }
    }

    private func isLetter(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
    }

    private func isHexDigit(_ b: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(b)
    }
}

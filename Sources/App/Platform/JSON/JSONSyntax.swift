/// Finds where a malformed JSON document breaks, so a 400 can say "line 3, column 14: expected ',' or '}'".
/// Foundation's parser on Linux reports only that the data is invalid, not where.
struct JSONSyntax {
    struct Problem: Error, Equatable, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String
        var description: String { "line \(line), column \(column): \(message)" }
    }

    private let bytes: [UInt8]
    private var i = 0

    static func firstProblem(in bytes: [UInt8]) -> Problem? {
        var scanner = JSONSyntax(bytes: bytes)
        do throws(Problem) {
            scanner.skipSpace()
            try scanner.value(depth: 0)
            scanner.skipSpace()
            if scanner.i < bytes.count { throw scanner.problem("unexpected text after the JSON value") }
            return nil
        } catch {
            return error
        }
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func problem(_ message: String) -> Problem {
        var line = 1
        var column = 1
        for b in bytes[..<min(i, bytes.count)] {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return Problem(line: line, column: column, message: message)
    }

    private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
    }

    private mutating func value(depth: Int) throws(Problem) {
        guard depth < 512 else { throw problem("nested too deeply") }
        guard let c = current else { throw problem("unexpected end of input, expected a value") }
        switch c {
        case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), depth: depth, keyed: true)
        case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), depth: depth, keyed: false)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: throw problem("unexpected character '\(Character(Unicode.Scalar(c)))', expected a value")
        }
    }

    private mutating func container(close: UInt8, depth: Int, keyed: Bool) throws(Problem) {
        i += 1
        skipSpace()
        if current == close { i += 1; return }
        while true {
            if keyed {
                guard current == UInt8(ascii: "\"") else { throw problem("expected a quoted field name") }
                try string()
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw problem("expected ':' after the field name") }
                i += 1
                skipSpace()
            }
            try value(depth: depth + 1)
            skipSpace()
            if current == UInt8(ascii: ",") { i += 1; skipSpace(); continue }
            if current == close { i += 1; return }
            let closeText = keyed ? "'}'" : "']'"
            throw problem(current == nil ? "unexpected end of input, expected ',' or \(closeText)" : "expected ',' or \(closeText)")
        }
    }

    private mutating func string() throws(Problem) {
        i += 1
        while let c = current {
            switch c {
            case UInt8(ascii: "\""): i += 1; return
            case UInt8(ascii: "\\"): i += 2
            case 0..<0x20: throw problem("control character inside a string (escape it)")
            default: i += 1
            }
        }
        throw problem("unterminated string")
    }

    private mutating func number() throws(Problem) {
        let start = i
        if current == UInt8(ascii: "-") { i += 1 }
        let digitsStart = i
        while let c = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
        { i += 1 }
        if i == digitsStart || Double(String(decoding: bytes[start..<i], as: UTF8.self)) == nil {
            i = start
            throw problem("malformed number")
        }
    }

    private mutating func literal(_ word: String) throws(Problem) {
        for expected in word.utf8 {
            guard current == expected else { throw problem("expected '\(word)'") }
            i += 1
        }
    }
}

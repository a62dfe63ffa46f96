@testable import App
import Foundation
import GSTKit
import Ledger
import Testing

/// `SortedJSON` must write exactly what `JSONEncoder` with `.sortedKeys` writes: the returns were downloaded and
/// compared in that form before it, and a byte that differs would make the same return look changed.
@Suite struct SortedJSONTests {
    func expectSame<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
        let written = String(decoding: try SortedJSON.encode(value), as: UTF8.self)
        #expect(written == expected, sourceLocation: sourceLocation)
    }

    struct Shapes: Encodable {
        struct Inner: Encodable { var zeta = 1, alpha: String? = "a/b", mid: [Int] = [] }
        var z_last = "z", a_first = 0.25, b: Bool = true, nothing: String? = nil, list = [Inner(), Inner(alpha: nil, mid: [1, -2])]
        var nested: [[Double]] = [[], [1.5, -0.0, 1e-7, 123_456_789_012.34, 1e300]], byNumber: [Int: String] = [10: "ten", 9: "nine", 100: "c"]
        var byName: [String: Inner] = ["b": Inner(), "a_b": Inner(), "aB": Inner(), "a": Inner(), "A": Inner(), "a10": Inner(), "a9": Inner()]
        var empty = Empty(), date = Date(timeIntervalSinceReferenceDate: 1_234.5), url = URL(string: "https://x.in/a?b=c")!
        var extremes: [Int64] = [Int64.min, Int64.max, 0], decimal = Decimal(string: "12.34")!
        struct Empty: Encodable {}

        /// Containers asked for by hand: nested ones left open until the next key, and a second request for the same one.
        func encode(to encoder: any Encoder) throws {
            enum K: String, CodingKey {
                case z_last, a_first, b, nothing, list, nested, byNumber, byName, empty, date, url, extremes, decimal, hand, again
            }
            var c = encoder.container(keyedBy: K.self)
            try c.encode(z_last, forKey: .z_last)
            try c.encode(a_first, forKey: .a_first)
            var hand = c.nestedContainer(keyedBy: K.self, forKey: .hand)
            try hand.encode("x", forKey: .url)
            var list = hand.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            try list.encodeNil()
            var inner = list.nestedContainer(keyedBy: K.self)
            try inner.encode(false, forKey: .b)
            try c.encode(b, forKey: .b)
            try c.encodeIfPresent(nothing, forKey: .nothing)
            try c.encodeNil(forKey: .again)
            var same = encoder.container(keyedBy: K.self)
            try same.encode(list.count, forKey: .empty)
            try c.encode(self.list, forKey: .list)
            try c.encode(nested, forKey: .nested)
            try c.encode(byNumber, forKey: .byNumber)
            try c.encode(byName, forKey: .byName)
            try c.encode(date, forKey: .date)
            try c.encode(url, forKey: .url)
            try c.encode(extremes, forKey: .extremes)
            try c.encode(decimal, forKey: .decimal)
            _ = empty
        }
    }

    @Test func writes_what_json_encoder_writes_for_every_shape_we_use() throws {
        try expectSame(Shapes())
        try expectSame(Shapes.Empty())
        try expectSame([Shapes.Empty(), Shapes.Empty()])
        try expectSame("a fragment")
        try expectSame(42)
        try expectSame([String: Int]())
        try expectSame(JSONValue.object(["q": .array([.null, .bool(false), .object([:]), .array([])])]))
        // Every control character, quotes, backslashes, slashes and text beyond ASCII.
        let awkward = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "\u{2028}₹ नमस्ते 😀 \u{7F}"
        try expectSame([awkward: awkward])
    }

    @Test func writes_what_json_encoder_writes_for_random_documents() throws {
        var g = SystemRandomNumberGenerator()
        let alphabet = Array("aAbB_09/\" ₹\n\u{1}zZ-.")
        func text() -> String { String((0..<Int.random(in: 0...6, using: &g)).map { _ in alphabet.randomElement(using: &g)! }) }
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0...(depth > 3 ? 4 : 6), using: &g) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &g))
            case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &g))
            // Amounts as the returns write them: paise over 100, within the money limit.
            case 3: return .double(Double(Int64.random(in: -Money.limit.paise...Money.limit.paise, using: &g)) / 100)
            case 4: return .string(text())
            case 5: return .array((0..<Int.random(in: 0...4, using: &g)).map { _ in value(depth + 1) })
            default:
                return .object(Dictionary((0..<Int.random(in: 0...5, using: &g)).map { _ in (text(), value(depth + 1)) }, uniquingKeysWith: { a, _ in a }))
            }
        }
        for _ in 0..<300 { try expectSame(value(0)) }
        // Amounts are written from their paise without a Double: every size, both signs, and past 2^53 paise.
        let paise = (0..<2_000).map { _ in Int64.random(in: -(1 << Int64.random(in: 1...62, using: &g))...(1 << 40), using: &g) }
            + ([0, 1, -1, 5, -5, 10, -10, 99, -99, 100, -100, 101, -101, 1 << 53, -(1 << 53), (1 << 53) - 1, Int64.max, Int64.min + 1] as [Int64])
        let encoder = JSONEncoder()
        let differ = try paise.filter { try SortedJSON.encode(Amount(paise: $0)) != Array(encoder.encode(Amount(paise: $0))) }
        #expect(differ.isEmpty, "amounts written otherwise than JSONEncoder: \(differ.prefix(5))")
    }

    @Test func a_gstr1_is_written_byte_for_byte() throws {
        func line(_ hsn: String, taxable: Int64, rate: Int64, inter: Bool) -> GSTDocument.Line {
            let tax = inter
                ? LineTax(treatment: .interState, taxable: taxable, rate: TaxRate(milli: rate), cessRate: .zero, igst: taxable * rate / 100_000)
                : LineTax(treatment: .intraState, taxable: taxable, rate: TaxRate(milli: rate), cessRate: .zero,
                          cgst: taxable * rate / 200_000, sgst: taxable * rate / 200_000)
            return GSTDocument.Line(hsn: hsn, description: "Item \(hsn) \"quoted\"/slashed", uqc: "NOS", quantity: Quantity(thousandths: 2_500), tax: tax)
        }
        let docs = (1...40).map { n in
            let inter = n % 3 == 0, b2b = n % 2 == 0
            let lines = [line("8471\(n % 4)0", taxable: Int64(n) * 1_234_567, rate: [5_000, 18_000, 28_000][n % 3], inter: inter),
                         line("9983", taxable: 99_999, rate: 18_000, inter: inter)]
            return GSTDocument(id: "d\(n)", series: "INV", number: "INV/26-27/\(n)", date: CalendarDate(year: 2026, month: 8, day: 1 + n % 28)!,
                               partyName: "P\(n)", partyGSTIN: b2b ? ["29AABCR1718E1ZL", "24AAQCA8719H1ZC"][n % 2 == 0 && n % 4 == 0 ? 0 : 1] : nil,
                               partyRegistration: b2b ? .regular : .unregistered, supplierState: "27", placeOfSupply: inter ? "29" : "27",
                               value: lines.reduce(0) { $0 + $1.tax.invoiceValue }, cancelled: n == 7, lines: lines)
        }
        let built = try GSTR1.build(filer: try GSTIN("27AAPFU0939F1ZV"), period: ReturnPeriod("2026-08")!, documents: docs)
        #expect(built.b2b != nil && built.b2cs != nil && built.hsn != nil && built.doc_issue != nil)
        try expectSame(built)
    }
}

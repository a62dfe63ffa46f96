@testable import App
import Foundation
import Testing

/// The direct encoder gives what JSONEncoder followed by decoding into JSONValue gave, for every shape our DTOs use.
@Suite struct JSONValueEncoderTests {
    struct Sample: Encodable {
        enum Kind: String, Encodable { case a, b }
        struct Line: Encodable { var item: String; var quantity: Double; var note: String? }
        var id = UUID(uuidString: "5D2B9A10-0000-4000-8000-00000000C001")!
        var kind = Kind.b
        var whole = 42, negative: Int64 = -7, big = UInt64.max, small: UInt8 = 3
        var half = 0.5, integral = 18.0, tiny = 1e-9, huge = 1e20, minusZero = -0.0
        var flag = true
        var missing: String? = nil
        var present: String? = "x \"quoted\" \\ and ₹ and \n"
        var at = Date(timeIntervalSinceReferenceDate: 786_000_000.25)
        var day = Date(timeIntervalSinceReferenceDate: 786_000_000)
        var amount = Decimal(string: "1234.50")!
        var link = URL(string: "https://example.test/a?b=c")!
        var bytes = Data([0, 1, 2, 250])
        var lines = [Line(item: "Widget", quantity: 2, note: nil), Line(item: "Kit", quantity: 0.125, note: "n")]
        var nested: [String: [Int]] = ["a": [1, 2], "b": []]
        var empty: [String] = []
    }

    @Test func direct_encoding_matches_the_text_round_trip() throws {
        let sample = Sample()
        let viaText = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(sample))
        let direct = try JSONValueEncoder.encode(sample)
        #expect(direct == viaText)
        #expect(direct.canonical == viaText.canonical)
        #expect(direct["integral"] == .int(18) && direct["half"] == .double(0.5) && direct["missing"] == nil)
        // A real DTO as the audit trail snapshots it.
        let entry = VoucherDTO.Entry(ledgerId: sample.id, ledger: "Sales", debit: nil, credit: "100.00")
        #expect(try JSONValueEncoder.encode(entry) == (try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(entry))))
    }
}

import Foundation
import Testing
@testable import App

/// The audit chain hashes canonical JSON, so its bytes may never change: chains written by earlier versions must
/// still verify. The expected text and hash below were produced by the first canonical writer (a `String` built
/// scalar by scalar) before it was replaced by the byte writer; any difference breaks every stored chain.
@Suite struct CanonicalJSONTests {
    static let tricky: JSONValue = [
        "zeta": .array([.int(Int64.max), .int(Int64.min), .double(0.1), .double(1e300), .double(-2.5), .double(.infinity), .null, .bool(true)]),
        "Alpha": "quote \" backslash \\ slash / tab \t cr \r lf \n bell \u{07} nul \u{00} unit-sep \u{1F} del \u{7F}",
        "नाम": "राम ₹1,00,000 — 😀 \u{E9} (e\u{301})",
        "nested": ["b": .object([:]), "a": .array([]), "B": .string("")],
        "e\u{301}x": "a key with a combining accent",
        "empty": "",
    ]

    static let expectedText = #"{"Alpha":"quote \" backslash \\ slash / tab \t cr \r lf \n bell \u0007 nul \u0000 unit-sep \u001f del "# + "\u{7F}"
        + #"","empty":"","nested":{"B":"","a":[],"b":{}},"zeta":[9223372036854775807,-9223372036854775808,0.1,1e+300,-2.5,null,null,true],"#
        + "\"e\u{301}x\":\"a key with a combining accent\",\"नाम\":\"राम ₹1,00,000 — 😀 \u{E9} (e\u{301})\"}"

    @Test func canonical_text_is_byte_for_byte_the_first_writers() {
        #expect(Array(Self.tricky.canonical.utf8) == Array(Self.expectedText.utf8))
    }

    @Test func an_audit_rows_hash_is_the_one_earlier_versions_stored() throws {
        let row = AuditRow(
            id: try #require(UUID(uuidString: "0190B1E2-7C3D-7000-8000-00000000AB12")), chainKey: "company:demo", seq: 42,
            companyID: UUID(uuidString: "11111111-2222-3333-4444-555555555555"), actorID: nil, at: "2026-12-07T10:11:12.345Z",
            action: "voucher.create", entityType: "voucher", entityID: "0190b1e2-7c3d-7000-8000-00000000ab13",
            beforeJSON: nil, afterJSON: Self.tricky.canonical, requestID: "req-\"1\"", clientAddress: "127.0.0.1",
            prevHash: String(repeating: "0", count: 64), hash: "")
        #expect(row.computedHash == Self.expectedHash)
    }

    static let expectedHash = "6a39ee707da0728a6a2b99f54acb6c279bb43eb6f50de717ec08587001df1bf2"
}

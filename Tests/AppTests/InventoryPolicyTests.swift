@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Expiry policy, stock ageing and compound units.
extension InventoryTests {
    @Test func expired_batches_are_refused_or_let_through_with_a_notice() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            _ = try await g.f.post("items", ["name": "Eye Drops", "hsn": "300490", "unit": "BTL", "gstRate": "12", "batchWise": true, "trackExpiry": true,
                                             "openingStock": [["batch": "E1", "quantity": "5", "rate": "30.00", "expiryDate": "2026-05-01"]]])
            let sale = [L("Eye Drops", "1", "60.00", ["batch": "E1"])]
            #expect(try await g.invoice("sales", "Pune Retail", "2026-06-01", sale).errorFields == ["lines[0].batch"])
            func patch(_ json: JSONValue) async throws -> TestResponse {
                try await g.f.client.send(.PATCH, "/api/v1/companies/\(g.f.company)", token: g.f.owner.accessToken, json: json)
            }
            #expect(try await patch(["expiredBatchIssues": "maybe"]).errorFields == ["expiredBatchIssues"])
            #expect(try await patch(["expiredBatchIssues": "warn"]).json["expiredBatchIssues"]?.stringValue == "warn")
            #expect(try await g.invoice("sales", "Pune Retail", "2026-06-01", sale).status == .created)
            let kinds = try await g.f.get("notifications").json["items"]?.arrayValue.compactMap { $0["kind"]?.stringValue } ?? []
            #expect(kinds.contains("expired-batch-issue"))
            // Without a batch named, the expired one is still never picked.
            #expect(try await g.invoice("sales", "Pune Retail", "2026-06-02", [L("Eye Drops", "1", "60.00")]).errorFields == ["lines[0].quantity"])
        }
    }

    @Test func stock_ageing_puts_what_is_on_hand_in_the_latest_receipts() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            // 1,000 keyboards opened on 1 April; 10 more bought on 20 August; 5 sold (from the oldest) on 25 August.
            #expect(try await g.invoice("purchase", "Gujarat Supplies", "2026-08-20", [L("USB Keyboard", "10", "310.00")], extra: ["number": "GS-1"]).status == .created)
            #expect(try await g.invoice("sales", "Pune Retail", "2026-08-25", [L("USB Keyboard", "5", "900.00")]).status == .created)
            func buckets(_ asOf: String) async throws -> [String] {
                let rows = try await g.f.get("reports/stock-ageing?asOf=\(asOf)").json["rows"]?.arrayValue ?? []
                return rows.first { $0["item"]?.stringValue == "USB Keyboard" }?["buckets"]?.arrayValue.compactMap(\.stringValue) ?? []
            }
            // On 1 September: the 10 are 12 days old, 995 of the opening 1,000 are 153 days old.
            #expect(try await buckets("2026-09-01") == ["10", "0", "0", "995", "0"])
            #expect(try await buckets("2026-11-01") == ["0", "0", "10", "0", "995"])
            #expect(try await g.f.get("reports/stock-ageing?asOf=yesterday").errorFields == ["asOf"])
        }
    }

    @Test func lines_in_a_compound_unit_move_stock_in_the_items_unit() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            #expect(try await g.f.post("units", ["symbol": "BOX", "base": "NOS", "conversion": "12"]).status == .created)
            #expect(try await g.f.post("units", ["symbol": "CTN", "base": "BOX", "conversion": "10"]).status == .created)
            #expect(try await g.f.post("units", ["symbol": "box"]).errorFields == ["symbol"])
            #expect(try await g.f.post("units", ["symbol": "PACKET"]).errorFields == ["uqc"])
            #expect(try await g.f.post("units", ["symbol": "DOZ", "uqc": "DOZ", "base": "NOS"]).errorFields == ["conversion"])
            #expect(try await g.f.post("units", ["symbol": "CRATE", "uqc": "BOX", "base": "BUNDLE", "conversion": "4"]).errorFields == ["base"])
            // Two boxes of keyboards at ₹12,000 a box: 24 keyboards leave stock; the line reports in boxes.
            let sale = try await g.invoice("sales", "Pune Retail", "2026-08-01", [L("USB Keyboard", "2", "12000.00", ["unit": "BOX"])])
            #expect(sale.status == .created, "\(sale.text)")
            #expect(sale.json["totals"]?["taxable"]?.stringValue == "24000.00" && sale.json["lines"]?[0]?["unit"]?.stringValue == "BOX")
            #expect(try await summary(g, "2026-08-01")["USB Keyboard"]?.0 == "976")
            // A carton is ten boxes: 120 keyboards.
            #expect(try await g.invoice("sales", "Pune Retail", "2026-08-02", [L("USB Keyboard", "1", "100000.00", ["unit": "CTN"])]).status == .created)
            #expect(try await summary(g, "2026-08-02")["USB Keyboard"]?.0 == "856")
            let wrong = try await g.invoice("sales", "Pune Retail", "2026-08-03", [L("USB Keyboard", "1", "10.00", ["unit": "KGS"])])
            #expect(wrong.errorFields == ["lines[0].unit"], "\(wrong.text)")
            #expect(wrong.text.contains("cannot be converted to NOS"))
        }
    }
}

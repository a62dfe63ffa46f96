@testable import App
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Tally's orders, notes, physical stock and manufacturing journals (TallyXMLTests/Golden/inventory-vouchers.xml,
/// taken after the masters-and-vouchers export it builds on).
@Suite(.serialized) struct TallyInventoryImportTests {
    static let file: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TallyXMLTests/Golden/inventory-vouchers.xml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    @Test func orders_notes_counts_and_manufacturing_come_in_and_a_second_import_changes_nothing() async throws {
        try await withApp { app in
            let t = try await TallyFixture.make(app)
            #expect(try await t.upload(TallyFixture.golden).status == .ok)
            let first = try await t.upload(Self.file)
            #expect(first.status == .ok, "\(first.text.prefix(2000))")
            let r = first.json
            #expect(t.outcome(r, "stock-item", "Widget Kit").0 == "created")
            #expect(t.outcome(r, "voucher-type", "Counter Order") == ("skipped", "its vouchers become sales orders here"))
            for name in ["Counter Order SO-1 of 2025-05-01", "Purchase Order PO-1 of 2025-05-02", "Delivery Note DN-1 of 2025-05-05",
                         "Receipt Note RN-1 of 2025-05-07", "Physical Stock 1 of 2025-05-10", "Stock Journal MJ-1 of 2025-05-12"] {
                #expect(t.outcome(r, "voucher", name).0 == "created", "\(name): \(t.outcome(r, "voucher", name))")
            }
            // More than the order still awaits: refused with the reason, nothing written.
            let tooMuch = t.outcome(r, "voucher", "Delivery Note DN-2 of 2025-05-06")
            #expect(tooMuch.0 == "rejected" && tooMuch.1.contains("the order awaits only 15"), "\(tooMuch)")
            let rejection = t.outcome(r, "voucher", "Rejections In RI-1 of 2025-05-13")
            #expect(rejection.0 == "rejected" && rejection.1.contains("'Rejections In'"), "\(rejection)")

            // The sales order: its due date kept, fifteen still to deliver after DN-1; the purchase order awaits thirty.
            let orders = try await t.get("sales-orders").json["items"]?.arrayValue ?? []
            #expect(orders.count == 1 && orders.first?["lines"]?[0]?["dueDate"]?.stringValue == "2025-05-15", "\(orders)")
            #expect(orders.first?["lines"]?[0]?["pending"]?.stringValue == "15" && orders.first?["party"]?.stringValue == "Sharma Traders")
            let notes = try await t.get("delivery-notes").json["items"]?.arrayValue ?? []
            #expect(notes.count == 1 && notes.first?["orderId"]?.stringValue == orders.first?["id"]?.stringValue, "DN-1 fulfils SO-1")
            let purchase = try await t.get("purchase-orders").json["items"]?.arrayValue ?? []
            #expect(purchase.first?["lines"]?[0]?["pending"]?.stringValue == "30")

            // Batches: W-01 lost five to DN-1; W-02 counted 18 (books 20), then four went into a kit; W-03 came in.
            let batches = try await t.get("reports/batches").json["rows"]?.arrayValue ?? []
            #expect(Set(batches.map { "\($0["batch"]?.stringValue ?? "") \($0["godown"]?.stringValue ?? "") \($0["quantity"]?.stringValue ?? "")" })
                    == ["W-01 Main Location 15", "W-02 Back Store 14", "W-03 Back Store 10"], "\(batches)")
            let kits = try await t.get("reports/stock-summary?asOf=2025-05-31").json["rows"]?.arrayValue.first { $0["item"]?.stringValue == "Widget Kit" }
            #expect(kits?["quantity"]?.stringValue == "1" && kits?["value"]?.stringValue == "300.00", "\(kits ?? .null)")
            struct Kind: Decodable { var kind: String }
            let kinds = try await app.db.sql().raw("SELECT kind FROM stock_journals ORDER BY number").all(decoding: Kind.self).map(\.kind)
            #expect(kinds == ["verification", "production"])

            // Again: nothing new, the refusals refused again.
            let counts = (try await t.count(app, "trade_documents"), try await t.count(app, "stock_journals"), try await t.count(app, "stock_movements"))
            let again = try await t.upload(Self.file).json
            #expect(again["totals"]?["created"]?.intValue == 0 && again["totals"]?["rejected"]?.intValue == 2, "\(again["totals"] ?? .null)")
            #expect((try await t.count(app, "trade_documents"), try await t.count(app, "stock_journals"), try await t.count(app, "stock_movements")) == counts)
        }
    }
}

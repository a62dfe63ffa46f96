@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Compound units on stock journal and order/note lines, and the stock master pages (units, stock groups,
/// physical count) with their drill-downs.
extension InventoryTests {
    @Test func journal_and_note_lines_in_a_compound_unit() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            #expect(try await g.f.post("units", ["symbol": "BOX", "base": "NOS", "conversion": "12"]).status == .created)
            #expect(try await g.f.post("godowns", ["name": "Shop"]).status == .created)
            // Two boxes to the shop: 24 keyboards move; the value stays with the item.
            let transfer = try await g.f.post("stock-journals", ["date": "2026-05-01", "kind": "transfer", "lines": [
                ["item": "USB Keyboard", "quantity": "2", "unit": "BOX", "fromGodown": "Main Location", "toGodown": "Shop"]]])
            #expect(transfer.status == .created, "\(transfer.text)")
            #expect(try await summary(g, "2026-05-01", by: "godown")["USB Keyboard @ Shop"]?.0 == "24")
            // Found a box at ₹3,720 a box: 12 keyboards in, worth ₹3,720 (₹310 each).
            let found = try await g.f.post("stock-journals", ["date": "2026-05-02", "kind": "adjustment", "lines": [
                ["item": "USB Keyboard", "quantity": "1", "unit": "BOX", "toGodown": "Main Location", "rate": "3720.00"]]])
            #expect(found.status == .created, "\(found.text)")
            #expect(try await summary(g, "2026-05-02")["USB Keyboard"]! == ("1012", "303720.00"))

            // An order for 3 boxes awaits 36 keyboards; a note for 1 box leaves 24 pending; the order reads back in boxes.
            let order = try await g.f.post("sales-orders", ["date": "2026-05-03", "party": "Pune Retail", "lines": [
                ["item": "USB Keyboard", "quantity": "3", "unit": "BOX", "rate": "10800.00"]]])
            #expect(order.status == .created, "\(order.text)")
            let line = order.json["lines"]?[0]
            #expect(line?["quantity"]?.stringValue == "3" && line?["unit"]?.stringValue == "BOX" && line?["inItemUnit"]?.stringValue == "36"
                    && line?["rate"]?.stringValue == "10800.00" && line?["pending"]?.stringValue == "36", "\(order.text)")
            let orderID = JSONValue.string(order.json["id"]?.stringValue ?? "")
            let note = try await g.f.post("delivery-notes", ["date": "2026-05-04", "party": "Pune Retail", "order": orderID, "lines": [
                ["item": "USB Keyboard", "quantity": "1", "unit": "BOX", "rate": "10800.00"]]])
            #expect(note.status == .created, "\(note.text)")
            #expect(try await summary(g, "2026-05-04")["USB Keyboard"]?.0 == "1000")
            let outstanding = try await g.f.get("reports/order-outstanding?kind=sales").json["rows"]?.arrayValue ?? []
            #expect(outstanding.map { [$0["ordered"]?.stringValue ?? "", $0["pending"]?.stringValue ?? ""] } == [["36", "24"]])
            // Three more boxes is more than the order awaits; a unit that is not the item's is refused by field; nothing written.
            struct Count: Decodable { var n: Int }
            func rows(_ table: String) async throws -> Int {
                try await app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(decoding: Count.self)?.n ?? -1
            }
            let before = (try await rows("stock_movements"), try await rows("trade_documents"), try await rows("stock_journals"))
            let over = try await g.f.post("delivery-notes", ["date": "2026-05-05", "party": "Pune Retail", "order": orderID, "lines": [
                ["item": "USB Keyboard", "quantity": "3", "unit": "BOX", "rate": "10800.00"]]])
            #expect(over.errorFields == ["lines[0].quantity"] && over.text.contains("awaits only 24"), "\(over.text)")
            let kgs = try await g.f.post("sales-orders", ["date": "2026-05-05", "party": "Pune Retail", "lines": [
                ["item": "USB Keyboard", "quantity": "1", "unit": "KGS", "rate": "1.00"]]])
            #expect(kgs.errorFields == ["lines[0].unit"] && kgs.text.contains("cannot be converted to NOS"), "\(kgs.text)")
            let journal = try await g.f.post("stock-journals", ["date": "2026-05-05", "kind": "consumption", "lines": [
                ["item": "USB Keyboard", "quantity": "1", "unit": "LTR"]]])
            #expect(journal.errorFields == ["lines[0].unit"], "\(journal.text)")
            #expect((try await rows("stock_movements"), try await rows("trade_documents"), try await rows("stock_journals")) == before)
        }
    }

    @Test func unit_stock_group_and_count_pages_with_drill_downs() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            _ = try await g.f.post("items", ["name": "Vitamin C", "hsn": "300450", "unit": "BOX", "gstRate": "12", "batchWise": true, "trackExpiry": true,
                                             "reorderLevel": "5", "openingStock": [["batch": "V1", "quantity": "3", "rate": "40.00", "expiryDate": "2027-03-01"]]])
            let vitaminID = (try await g.f.get("items/Vitamin%20C").json["id"]?.stringValue ?? "?").lowercased()
            let browser = try await WebTestSession.start(for: g.f.owner.userID, on: app)
            let base = "/app/c/\(g.f.company.lowercased())"

            // Units: created from the page; a bad base comes back beside its field.
            #expect(try await browser.send(.POST, base + "/stock/units", form: ["symbol": "CASE", "uqc": "BOX", "conversion": "24", "base": "NOS"]).status == .seeOther)
            let badUnit = try await browser.send(.POST, base + "/stock/units", form: ["symbol": "TRAY", "uqc": "BOX", "conversion": "6", "base": "EGGS"])
            #expect(badUnit.status == .unprocessableEntity && badUnit.text.contains(#"id="f-base-error""#), "\(badUnit.status)")
            let units = try await browser.send(.GET, base + "/stock/units")
            #expect(units.text.contains("CASE") && units.text.contains("24 NOS"))
            #expect(try await g.f.get("units").json["items"]?.arrayValue.map { $0["symbol"]?.stringValue ?? "" } == ["CASE"])

            // Stock groups nest from the page.
            #expect(try await browser.send(.POST, base + "/stock/groups", form: ["name": "Pharma"]).status == .seeOther)
            #expect(try await browser.send(.POST, base + "/stock/groups", form: ["name": "Tablets", "parent": "Pharma"]).status == .seeOther)
            let noParent = try await browser.send(.POST, base + "/stock/groups", form: ["name": "Syrups", "parent": "Liquids"])
            #expect(noParent.status == .unprocessableEntity && noParent.text.contains(#"id="f-parent-error""#))
            #expect(try await g.f.get("stock-groups").json["items"]?.arrayValue.first { $0["name"]?.stringValue == "Tablets" }?["parent"]?.stringValue == "Pharma")

            // A physical count: 990 keyboards counted where the books have 1,000 posts 10 out.
            #expect(try await browser.send(.GET, base + "/stock/count").status == .ok)
            let badCount = try await browser.send(.POST, base + "/stock/count", form: ["date": "2026-06-01", "item3": "USB Keyboard", "counted3": "1.2345"])
            #expect(badCount.status == .unprocessableEntity && badCount.text.contains(#"id="f-counted3-error""#), "\(badCount.status)")
            let counted = try await browser.send(.POST, base + "/stock/count", form: ["date": "2026-06-01", "item0": "USB Keyboard", "counted0": "990"])
            #expect(counted.status == .ok && counted.text.contains("1 difference(s)"), "\(counted.text.prefix(400))")
            #expect(try await summary(g, "2026-06-01")["USB Keyboard"]?.0 == "990")
            let same = try await browser.send(.POST, base + "/stock/count", form: ["date": "2026-06-01", "item0": "USB Keyboard", "counted0": "990"])
            #expect(same.status == .unprocessableEntity && same.text.contains("error-box"))

            // Batch, reorder and ageing rows drill down to the item's stock ledger.
            let ledgerLink = "\(base)/stock/ledger?item=\(vitaminID)"
            for page in ["batches", "reorder", "ageing"] {
                let r = try await browser.send(.GET, base + "/stock/" + page)
                #expect(r.text.contains(ledgerLink), "\(page) has no link to the ledger")
            }
        }
    }
}

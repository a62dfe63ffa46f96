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
            // Orders, notes and rejections carry ledger lines, but they move no balance in Tally: nothing to compare.
            #expect(r["parity"]?["ledgersCompared"]?.intValue == 0 && r["parity"]?["agrees"]?.boolValue == true, "\(r["parity"] ?? .null)")
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
            #expect(try await StockBalanceTests.mismatches(app.db) == [])
        }
    }

    @Test func godowns_stock_groups_and_items_altered_in_tally_are_altered_here() async throws {
        try await withApp { app in
            let t = try await TallyFixture.make(app)
            #expect(try await t.upload(TallyFixture.golden).status == .ok)
            let altered = TallyFixture.envelope("""
                <TALLYMESSAGE><GODOWN NAME="Rear Store"><GUID>5d2b9a10-0000-4000-8000-00000000c001-00000060</GUID><PARENT>Main Location</PARENT><ALTERID> 120</ALTERID></GODOWN></TALLYMESSAGE>
                <TALLYMESSAGE><STOCKGROUP NAME="Hardware &amp; Tools"><GUID>5d2b9a10-0000-4000-8000-00000000c001-00000061</GUID><PARENT>&#4; Primary</PARENT><ALTERID> 121</ALTERID></STOCKGROUP></TALLYMESSAGE>
                <TALLYMESSAGE><STOCKITEM NAME="Widget Pro"><GUID>5d2b9a10-0000-4000-8000-00000000c001-00000062</GUID><PARENT>Hardware &amp; Tools</PARENT>
                <BASEUNITS>Nos</BASEUNITS><ISBATCHWISEON>No</ISBATCHWISEON><COSTINGMETHOD>Avg. Cost</COSTINGMETHOD><ALTERID> 122</ALTERID>
                <GSTDETAILS.LIST><APPLICABLEFROM>20251001</APPLICABLEFROM><TAXABILITY>Taxable</TAXABILITY><STATEWISEDETAILS.LIST><STATENAME>&#4; Any</STATENAME>
                <RATEDETAILS.LIST><GSTRATEDUTYHEAD>IGST</GSTRATEDUTYHEAD><GSTRATE> 12</GSTRATE></RATEDETAILS.LIST></STATEWISEDETAILS.LIST></GSTDETAILS.LIST>
                <HSNDETAILS.LIST><HSNCODE>84718000</HSNCODE></HSNDETAILS.LIST></STOCKITEM></TALLYMESSAGE>
                """)
            let r = try await t.upload(altered).json
            #expect(t.outcome(r, "godown", "Rear Store").0 == "updated" && t.outcome(r, "stock-group", "Hardware & Tools").0 == "updated", "\(r["objects"] ?? .null)")
            let item = t.outcome(r, "stock-item", "Widget Pro")
            #expect(item.0 == "updated" && item.1.contains("batch-wise off in Tally; kept as it was"), "\(item)")

            let godowns = try await t.get("godowns").json["items"]?.arrayValue ?? []
            #expect(godowns.contains { $0["name"]?.stringValue == "Rear Store" && $0["parent"]?.stringValue == "Main Location" } && !godowns.contains { $0["name"]?.stringValue == "Back Store" })
            let widget = try await t.get("items/Widget%20Pro").json
            let tools = try await t.get("stock-groups").json["items"]?.arrayValue.first { $0["name"]?.stringValue == "Hardware & Tools" }?["id"]
            #expect(widget["hsn"]?.stringValue == "84718000" && tools != nil && widget["stockGroupId"] == tools && widget["batchWise"]?.boolValue == true, "\(widget)")
            #expect(widget["gstRate"]?.stringValue == "12", "the new rate applies from today: \(widget)")
            // Stock stayed where it was, under the new names.
            let batches = try await t.get("reports/batches").json["rows"]?.arrayValue ?? []
            #expect(batches.contains { $0["godown"]?.stringValue == "Rear Store" && $0["quantity"]?.stringValue == "20" && $0["item"]?.stringValue == "Widget Pro" })
            // The same alterations again change nothing.
            #expect(try await t.upload(altered).json["totals"]?["updated"]?.intValue == 0)
            struct N: Decodable { var n: Int }
            let audits = try await app.db.sql().raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action IN ('godown.update', 'stock-group.update', 'item.update')").first(decoding: N.self)?.n
            #expect(audits == 3)

            // The same update through the API: a move under itself, Main Location renamed and a taken name are refused.
            let patch = { (path: String, body: JSONValue) in try await t.client.send(.PATCH, "\(t.base)/\(path)", token: t.owner.accessToken, json: body) }
            #expect(try await patch("godowns/Main%20Location", ["name": "Front Store"]).errorFields == ["name"])
            #expect(try await patch("godowns/Main%20Location", ["name": "Main Location", "parent": "Rear Store"]).errorFields == ["parent"])
            #expect(try await patch("stock-groups/Hardware%20%26%20Tools", ["name": "Tools", "parent": "Nowhere"]).errorFields == ["parent"])
            #expect(try await patch("godowns/Nowhere", ["name": "X"]).status == .notFound)
            let renamed = try await patch("stock-groups/Hardware%20%26%20Tools", ["name": "Tools"])
            #expect(renamed.status == .ok && renamed.json["name"]?.stringValue == "Tools")
        }
    }
}

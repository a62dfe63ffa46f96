@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Export → import into an empty company → the same books.
@Suite(.serialized) struct TallyExportTests {
    @Test func what_we_export_imports_into_an_empty_company_as_the_same_books() async throws {
        try await withApp { app in
            let a = try await TallyFixture.make(app)
            #expect(try await a.upload(TallyFixture.golden).json["totals"]?["rejected"]?.intValue == 0)
            // Books of our own on top: a journal posted through the API, with a bill-wise party line.
            let posted = try await a.client.send(.POST, "\(a.base)/vouchers", token: a.owner.accessToken, json: [
                "type": "sales", "date": "2025-05-10", "narration": "Counter sale & delivery <Bengaluru>",
                "entries": [["ledger": "Sharma Traders", "debit": "590.00", "bills": [["type": "new", "reference": "S-99", "amount": "590.00"]]],
                            ["ledger": "Sales GST 18%", "credit": "500.00"], ["ledger": "Output CGST", "credit": "45.00"], ["ledger": "Output SGST", "credit": "45.00"]],
            ])
            #expect(posted.status == .created, "\(posted.text)")

            let export = try await a.get("tally/export?what=all")
            #expect(export.status == .ok && export.headers.contentType?.subType == "xml")
            #expect(export.text.contains("<REPORTNAME>All Masters</REPORTNAME>") && export.text.contains("REMOTEID="))
            #expect(export.text.contains("Counter sale &amp; delivery &lt;Bengaluru&gt;"))
            #expect(try await a.get("tally/export?what=everything").errorFields == ["what"])
            #expect(try await a.get("tally/export?from=2025-05-01&to=2025-04-01").errorFields == ["to"])

            let b = try await TallyFixture.make(app)
            let imported = try await b.upload(export.text)
            #expect(imported.status == .ok)
            let rejected = imported.json["objects"]?.arrayValue.filter { $0["outcome"]?.stringValue == "rejected" } ?? []
            #expect(rejected.isEmpty, "\(rejected)")
            #expect(imported.json["parity"]?["agrees"]?.boolValue == true, "\(imported.json["parity"] ?? .null)")

            // Same trial balance, ledger by ledger; same vouchers with the same numbers and states; same open bills.
            func balances(_ f: TallyFixture) async throws -> [String: String] {
                let rows = try await f.get("reports/trial-balance?asOf=2025-05-31").json["rows"]?.arrayValue ?? []
                return Dictionary(uniqueKeysWithValues: rows.map { ($0["ledger"]?.stringValue ?? "", "\($0["closing"]?["amount"]?.stringValue ?? "") \($0["closing"]?["side"]?.stringValue ?? "")") })
            }
            let before = try await balances(a), after = try await balances(b)
            #expect(!before.isEmpty && before == after)
            func vouchers(_ f: TallyFixture) async throws -> Set<String> {
                Set((try await f.get("vouchers?from=2025-04-01&to=2025-05-31&limit=100").json["items"]?.arrayValue ?? []).map {
                    "\($0["type"]?.stringValue ?? "") \($0["number"]?.stringValue ?? "") \($0["date"]?.stringValue ?? "") \($0["status"]?.stringValue ?? "") \($0["total"]?.stringValue ?? "")"
                })
            }
            let va = try await vouchers(a), vb = try await vouchers(b)
            #expect(va.count == 5 && va == vb, "\(va.symmetricDifference(vb))")
            let openA = try await a.get("reports/outstanding?kind=receivable&asOf=2025-05-31").json["pending"]?.stringValue
            let openB = try await b.get("reports/outstanding?kind=receivable&asOf=2025-05-31").json["pending"]?.stringValue
            #expect(openA == "590.00" && openB == openA)
            // The item and its opening stock by godown and batch came across too.
            let stockA = try await a.get("reports/stock-summary?asOf=2025-04-01&by=godown").json["rows"]?.arrayValue.map { "\($0["godown"]?.stringValue ?? "") \($0["quantity"]?.stringValue ?? "") \($0["value"]?.stringValue ?? "")" }
            let stockB = try await b.get("reports/stock-summary?asOf=2025-04-01&by=godown").json["rows"]?.arrayValue.map { "\($0["godown"]?.stringValue ?? "") \($0["quantity"]?.stringValue ?? "") \($0["value"]?.stringValue ?? "")" }
            #expect(stockA != nil && Set(stockA ?? []) == Set(stockB ?? []))

            // Exporting the second company and importing it back into itself changes nothing.
            let again = try await b.upload(try await b.get("tally/export").text)
            #expect(again.json["totals"]?["created"]?.intValue == 0 && again.json["totals"]?["rejected"]?.intValue == 0, "\(again.json["totals"] ?? .null)")
        }
    }

    @Test func stock_orders_notes_and_journals_make_the_round_trip_too() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            #expect(try await g.f.post("godowns", ["name": "Warehouse B", "parent": "Main Location"]).status == .created)
            #expect(try await g.f.post("items", [
                "name": "Cough Syrup", "hsn": "300490", "unit": "BTL", "gstRate": "12", "batchWise": true, "trackExpiry": true, "valuationMethod": "fifo",
                "openingStock": [["batch": "B1", "quantity": "10", "rate": "50.00", "expiryDate": "2027-07-01"],
                                 ["batch": "B2", "quantity": "10", "rate": "55.00", "expiryDate": "2027-12-31", "godown": "Warehouse B"]],
            ]).status == .created)
            let syrupIn: JSONValue = ["item": "Cough Syrup", "quantity": "20", "rate": "40.00", "batch": "B3", "godown": "Warehouse B", "expiryDate": "2028-01-31"]
            let purchase = try await g.invoice("purchase", "Gujarat Supplies", "2026-07-02", [syrupIn], extra: ["number": "GS-77"])
            #expect(purchase.status == .created, "\(purchase.text)")
            let syrupOut: JSONValue = ["item": "Cough Syrup", "quantity": "3", "rate": "90.00", "batch": "B1"]
            let sale = try await g.invoice("sales", "Pune Retail", "2026-07-03", [GSTFixture.line("USB Keyboard", "5", "500.00"), syrupOut, GSTFixture.line("Road Freight", "1", "100.00")])
            #expect(sale.status == .created, "\(sale.text)")
            #expect(try await g.f.post("stock-journals", ["date": "2026-07-04", "kind": "transfer", "lines": [
                ["item": "Cough Syrup", "quantity": "6", "batch": "B2", "fromGodown": "Warehouse B", "toGodown": "Main Location"]]]).status == .created)
            let order = try await g.f.post("sales-orders", ["date": "2026-07-05", "party": "Pune Retail", "lines": [
                ["item": "USB Keyboard", "quantity": "10", "rate": "480.00", "dueDate": "2026-07-20"]]])
            #expect(order.status == .created, "\(order.text)")
            #expect(try await g.f.post("delivery-notes", ["date": "2026-07-06", "party": "Pune Retail", "order": order.json["id"] ?? .null,
                                                          "lines": [["item": "USB Keyboard", "quantity": "4", "rate": "480.00"]]]).status == .created)

            let export = try await g.f.get("tally/export")
            #expect(export.status == .ok)
            #expect(export.text.contains("<ISINVOICE>Yes</ISINVOICE>") && export.text.contains("<ACCOUNTINGALLOCATIONS.LIST>"))
            #expect(export.text.contains("VCHTYPE=\"Sales Order\"") && export.text.contains("<INVENTORYENTRIESOUT.LIST>"))

            let other = try await g.f.client.createCompany(g.f.owner, name: "Acme Again")
            let b = TallyFixture(client: g.f.client, owner: g.f.owner, company: other)
            let imported = try await b.upload(export.text)
            let rejected = imported.json["objects"]?.arrayValue.filter { $0["outcome"]?.stringValue == "rejected" } ?? []
            #expect(imported.status == .ok && rejected.isEmpty, "\(rejected)")
            #expect(imported.json["parity"]?["agrees"]?.boolValue == true, "\(imported.json["parity"] ?? .null)")

            func look(_ path: String, _ f: (JSONValue) -> String) async throws -> (Set<String>, Set<String>) {
                (Set((try await g.f.get(path).json["rows"]?.arrayValue ?? []).map(f)), Set((try await b.get(path).json["rows"]?.arrayValue ?? []).map(f)))
            }
            let tb = try await look("reports/trial-balance?asOf=2026-07-31") { "\($0["ledger"]?.stringValue ?? "") \($0["closing"]?["amount"]?.stringValue ?? "")" }
            #expect(!tb.0.isEmpty && tb.0 == tb.1, "\(tb.0.symmetricDifference(tb.1))")
            let stock = try await look("reports/stock-summary?asOf=2026-07-31&by=godown") {
                "\($0["item"]?.stringValue ?? "") @ \($0["godown"]?.stringValue ?? "") \($0["quantity"]?.stringValue ?? "") \($0["value"]?.stringValue ?? "")"
            }
            #expect(stock.0.contains("USB Keyboard @ Main Location 991 297300.00") && stock.0 == stock.1, "\(stock.0) vs \(stock.1)")
            let batches = try await look("reports/batches") { "\($0["batch"]?.stringValue ?? "") \($0["godown"]?.stringValue ?? "") \($0["quantity"]?.stringValue ?? "") \($0["expiresOn"]?.stringValue ?? "")" }
            #expect(batches.0.count == 4 && batches.0 == batches.1, "\(batches.0) vs \(batches.1)")
            let orders = try await b.get("sales-orders").json["items"]?.arrayValue ?? []
            #expect(orders.count == 1 && orders.first?["lines"]?[0]?["pending"]?.stringValue == "6" && orders.first?["lines"]?[0]?["dueDate"]?.stringValue == "2026-07-20")
            #expect(try await b.get("delivery-notes").json["items"]?.arrayValue.first?["orderId"] == orders.first?["id"])
            #expect(try await StockBalanceTests.mismatches(app.db) == [])

            // The second company's own export, imported back into it, changes nothing.
            let again = try await b.upload(try await b.get("tally/export").text)
            #expect(again.json["totals"]?["created"]?.intValue == 0 && again.json["totals"]?["rejected"]?.intValue == 0, "\(again.json["totals"] ?? .null)")
        }
    }
}

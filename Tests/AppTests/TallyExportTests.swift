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
}

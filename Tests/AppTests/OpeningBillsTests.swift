@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Bills open at books-beginning, given with a bill-wise ledger when it is created.
@Suite struct OpeningBillsTests {
    @Test func opening_bills_add_up_to_the_opening_balance_and_can_be_settled() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let body: JSONValue = ["name": "Verma Stores", "group": "Sundry Debtors", "billWise": true, "creditPeriodDays": .int(15),
                                   "openingBalance": ["amount": "2500.00", "side": "Dr"],
                                   "openingBills": [["reference": "OB-1", "date": "2026-03-01", "amount": "3000.00", "side": "Dr"],
                                                    ["reference": "OB-2", "date": "2026-03-20", "dueDate": "2026-04-30", "amount": "500.00", "side": "Cr"]]]
            func with(_ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
                guard case .object(var o) = body else { return body }
                change(&o)
                return .object(o)
            }
            struct Count: Decodable { var n: Int }
            func ledgers() async throws -> Int { try await app.db.sql().raw("SELECT COUNT(*) AS n FROM ledgers").first(decoding: Count.self)?.n ?? -1 }
            let before = try await ledgers()
            #expect(try await f.post("ledgers", with { $0["name"] = "A"; $0["billWise"] = false }).errorFields == ["openingBills"])
            #expect(try await f.post("ledgers", with { $0["openingBalance"] = ["amount": "2000.00", "side": "Dr"] }).errorFields == ["openingBills"])
            let twice = try await f.post("ledgers", with { $0["openingBills"] = [["reference": "X", "date": "2026-03-01", "amount": "1250.00", "side": "Dr"],
                                                                              ["reference": "x", "date": "2026-03-02", "amount": "1250.00", "side": "Dr"]] })
            #expect(twice.errorFields == ["openingBills[1].reference"])
            #expect(try await ledgers() == before, "nothing half-written")

            let created = try await f.post("ledgers", body)
            #expect(created.status == .created, "\(created.text)")
            let open = try await f.get("reports/outstanding?kind=receivable&asOf=2026-04-01").json
            let verma = open["parties"]?.arrayValue.first { $0["party"]?.stringValue == "Verma Stores" }
            #expect(verma?["pending"]?.stringValue == "2500.00")
            #expect(verma?["bills"]?.arrayValue.map { "\($0["reference"]?.stringValue ?? "") \($0["pending"]?.stringValue ?? "") \($0["dueDate"]?.stringValue ?? "")" }
                    == ["OB-1 3000.00 2026-03-16", "OB-2 -500.00 2026-04-30"])
            // A receipt settles the opening bill like any other.
            let receipt = try await f.post("vouchers", ["type": "receipt", "date": "2026-04-10", "entries": [
                ["ledger": "HDFC Bank", "debit": "3000.00"],
                ["ledger": "Verma Stores", "credit": "3000.00", "bills": [["type": "against", "reference": "OB-1", "amount": "3000.00"]]]]])
            #expect(receipt.status == .created, "\(receipt.text)")
            let over = try await f.post("vouchers", ["type": "receipt", "date": "2026-04-11", "entries": [
                ["ledger": "HDFC Bank", "debit": "1.00"],
                ["ledger": "Verma Stores", "credit": "1.00", "bills": [["type": "against", "reference": "OB-1", "amount": "1.00"]]]]])
            #expect(over.errorFields == ["entries[1].bills[0].reference"], "\(over.text)")
            #expect(try await f.client.send(.PATCH, "\(f.base)/ledgers/Verma%20Stores", token: f.owner.accessToken,
                                            json: ["openingBills": [["reference": "OB-3", "date": "2026-03-01", "amount": "1.00", "side": "Dr"]]]).errorFields == ["openingBills"])
        }
    }
}

@testable import App
import Fluent
import Foundation
import Ledger
import SQLKit
import Testing
import Vapor

/// A company with its chart, a bank, a customer and a sales ledger, ready for vouchers.
struct BooksFixture {
    let client: TestClient
    let owner: TestClient.Session
    let company: String
    var base: String { "/api/v1/companies/\(company)" }

    static func make(_ app: Application) async throws -> BooksFixture {
        let client = TestClient(app: app)
        let owner = try await client.register()
        let company = try await client.createCompany(owner)
        let f = BooksFixture(client: client, owner: owner, company: company)
        for (name, group, extra) in [
            ("HDFC Bank", "Bank Accounts", [String: JSONValue]()),
            ("Sharma Traders", "Sundry Debtors", ["gstin": "29AABCR1718E1ZL", "stateCode": "29", "billWise": true,
                                                  "creditPeriodDays": .int(30), "openingBalance": ["amount": "1000.00", "side": "Dr"]]),
            ("Sales", "Sales Accounts", [:]), ("Rent", "Indirect Expenses", [:]),
        ] {
            var body = extra
            body["name"] = .string(name)
            body["group"] = .string(group)
            let r = try await f.post("ledgers", .object(body))
            #expect(r.status == .created, "ledger \(name): \(r.text)")
        }
        return f
    }

    @discardableResult
    func post(_ path: String, _ json: JSONValue) async throws -> TestResponse {
        try await client.send(.POST, "\(base)/\(path)", token: owner.accessToken, json: json)
    }

    func get(_ path: String) async throws -> TestResponse {
        try await client.send(.GET, "\(base)/\(path)", token: owner.accessToken)
    }

    static func entry(_ ledger: String, dr: String? = nil, cr: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["ledger": .string(ledger)]
        if let dr { o["debit"] = .string(dr) }
        if let cr { o["credit"] = .string(cr) }
        return .object(o)
    }

    func voucher(_ type: String, _ date: String, _ entries: [JSONValue], number: String? = nil) async throws -> TestResponse {
        var body: [String: JSONValue] = ["type": .string(type), "date": .string(date), "entries": .array(entries)]
        if let number { body["number"] = .string(number) }
        return try await post("vouchers", .object(body))
    }
}

@Suite struct ChartTests {
    @Test func a_new_company_starts_with_tallys_chart() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let groups = try await f.get("groups").json["items"]?.arrayValue ?? []
            #expect(groups.count == 28)
            let debtors = try await f.get("groups/sundry%20debtors").json
            #expect(debtors["path"]?.arrayValue.compactMap(\.stringValue) == ["Current Assets", "Sundry Debtors"])
            #expect(debtors["isPartyGroup"]?.boolValue == true)
            let ledgers = try await f.get("ledgers").json["items"]?.arrayValue.compactMap { $0["name"]?.stringValue } ?? []
            #expect(Set(ledgers) == ["Cash", "Profit & Loss A/c", "HDFC Bank", "Sharma Traders", "Sales", "Rent"])
            let sharma = try await f.get("ledgers/Sharma%20Traders").json
            #expect(sharma["openingBalance"] == ["amount": "1000.00", "side": "Dr"])
            #expect(sharma["groupPath"]?.arrayValue.count == 2)
        }
    }

    @Test func groups_nest_and_names_are_unique_across_groups_and_ledgers() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let retail = try await f.post("groups", ["name": "Retail Debtors", "parent": "Sundry Debtors"])
            #expect(retail.status == .created)
            #expect(retail.json["nature"]?.stringValue == "assets")
            #expect(retail.json["isPartyGroup"]?.boolValue == true)
            let deeper = try await f.post("groups", ["name": "Mumbai Retail", "parent": "Retail Debtors"])
            #expect(deeper.json["path"]?.arrayValue.count == 4)

            let clash = try await f.post("groups", ["name": "sharma traders", "parent": "Sundry Debtors"])
            #expect(clash.status == .unprocessableEntity)
            #expect(clash.errorFields == ["name"])
            let clash2 = try await f.post("ledgers", ["name": "SUNDRY DEBTORS", "group": "Sundry Debtors"])
            #expect(clash2.errorFields == ["name"])
            let primary = try await f.post("groups", ["name": "Odd Primary"])
            #expect(primary.errorFields == ["nature"])

            // Renaming frees the old name and is audited with before and after.
            let renamed = try await f.client.send(.PATCH, "\(f.base)/ledgers/Rent", token: f.owner.accessToken, json: ["name": "Office Rent"])
            #expect(renamed.json["name"]?.stringValue == "Office Rent")
            #expect(try await f.post("ledgers", ["name": "Rent", "group": "Indirect Expenses"]).status == .created)
            let audit = try await f.get("audit-log?action=ledger.update").json["items"]?[0]
            #expect(audit?["before"]?["name"]?.stringValue == "Rent")

            let reserved = try await f.client.send(.PATCH, "\(f.base)/groups/Sundry%20Debtors", token: f.owner.accessToken,
                                                   json: ["parent": "Fixed Assets"])
            #expect(reserved.errorFields == ["parent"])
            let busy = try await f.client.send(.PATCH, "\(f.base)/groups/Retail%20Debtors", token: f.owner.accessToken, json: ["active": false])
            #expect(busy.status == .conflict)
        }
    }

    @Test func party_ledger_fields_are_validated_together() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let bad = try await f.post("ledgers", [
                "name": "Bad Party", "group": "No Such Group", "gstin": "27AAPFU0939F1ZO", "stateCode": "99",
                "openingBalance": ["amount": "1.005", "side": "Dr"], "creditLimit": "-5", "registrationType": "alien",
            ])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.errorFields == ["registrationType"])  // the schema speaks first
            let bad2 = try await f.post("ledgers", [
                "name": "Bad Party", "group": "No Such Group", "gstin": "27AAPFU0939F1ZO", "stateCode": "99",
                "openingBalance": ["amount": "1.005", "side": "Dr"], "creditLimit": "-5",
            ])
            #expect(Set(bad2.errorFields) == ["group", "gstin", "stateCode", "openingBalance.amount", "creditLimit"])
            #expect(try await f.get("ledgers/Bad%20Party").status == .notFound)
        }
    }
}

@Suite struct VoucherTests {
    @Test func post_number_show_cancel_and_trial_balance() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let sale = try await f.voucher("sales", "2026-05-10", [
                BooksFixture.entry("Sharma Traders", dr: "1180.00"), BooksFixture.entry("Sales", cr: "1180.00"),
            ])
            #expect(sale.status == .created, "\(sale.text)")
            #expect(sale.json["number"]?.stringValue == "INV/26-27/0001")
            let receipt = try await f.voucher("receipt", "2026-05-20", [
                BooksFixture.entry("HDFC Bank", dr: "500.00"), BooksFixture.entry("Sharma Traders", cr: "500.00"),
            ])
            #expect(receipt.json["number"]?.stringValue == "RCT/2026-27/0001")
            let rent = try await f.voucher("payment", "2026-05-31", [
                BooksFixture.entry("Rent", dr: "300.00"), BooksFixture.entry("Cash", cr: "300.00"),
            ])
            #expect(rent.status == .created)

            var tb = try await f.get("reports/trial-balance?asOf=2027-03-31").json
            #expect(tb["totals"]?["debit"] == tb["totals"]?["credit"])
            #expect(tb["totals"]?["debit"]?.stringValue == "1980.00")
            let sharma = tb["rows"]?.arrayValue.first { $0["ledger"]?.stringValue == "Sharma Traders" }
            #expect(sharma?["opening"] == ["amount": "1000.00", "side": "Dr"])
            #expect(sharma?["closing"] == ["amount": "1680.00", "side": "Dr"])
            // Only the customer's opening balance was entered, so the opening difference is exactly that.
            #expect(tb["totals"]?["openingDifference"] == ["amount": "1000.00", "side": "Dr"])
            let cash = tb["rows"]?.arrayValue.first { $0["ledger"]?.stringValue == "Cash" }
            #expect(cash?["closing"] == ["amount": "300.00", "side": "Cr"])

            let id = try #require(sale.json["id"]?.stringValue)
            let shown = try await f.get("vouchers/\(id)").json
            #expect(shown["entries"]?.arrayValue.count == 2)
            let cancelled = try await f.post("vouchers/\(id)/cancel", [:])
            #expect(cancelled.json["status"]?.stringValue == "cancelled")
            #expect(cancelled.json["number"]?.stringValue == "INV/26-27/0001")
            #expect(try await f.post("vouchers/\(id)/cancel", [:]).status == .conflict)
            tb = try await f.get("reports/trial-balance?asOf=2027-03-31").json
            #expect(tb["totals"]?["debit"]?.stringValue == "800.00")
            let next = try await f.voucher("sales", "2026-06-01", [
                BooksFixture.entry("Sharma Traders", dr: "10.00"), BooksFixture.entry("Sales", cr: "10.00"),
            ])
            #expect(next.json["number"]?.stringValue == "INV/26-27/0002")

            let list = try await f.get("vouchers?type=sales").json["items"]?.arrayValue ?? []
            #expect(list.map { $0["number"]?.stringValue } == ["INV/26-27/0002", "INV/26-27/0001"])
            let byLedger = try await f.get("vouchers?ledger=Rent").json["items"]?.arrayValue ?? []
            #expect(byLedger.count == 1)
            let csv = try await f.client.send(.GET, "\(f.base)/reports/trial-balance?asOf=2027-03-31&format=csv", token: f.owner.accessToken)
            #expect(csv.text.hasPrefix("ledger,group,opening"))
            #expect(csv.text.contains("Rent,Indirect Expenses,0.00,Dr,300.00,0.00,300.00,Dr"))
        }
    }

    @Test func bad_vouchers_are_refused_with_field_errors_and_write_nothing() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let other = try await f.client.createCompany(f.owner, name: "Other Co")
            let otherCash = try await f.client.send(.GET, "/api/v1/companies/\(other)/ledgers/Cash", token: f.owner.accessToken)
                .json["id"]?.stringValue ?? ""
            let e = BooksFixture.entry
            let cases: [(String, String, [JSONValue], Set<String>)] = [
                ("unbalanced", "journal", [e("Rent", "100.00", nil), e("Sharma Traders", nil, "90.00")], ["entries"]),
                ("zero", "journal", [e("Rent", "0.00", nil), e("Sharma Traders", nil, "0.00")], ["entries[0].debit", "entries[1].credit"]),
                ("negative", "journal", [e("Rent", "-5.00", nil), e("Sharma Traders", nil, "-5.00")], ["entries[0].debit", "entries[1].credit"]),
                ("three decimals", "journal", [e("Rent", "1.005", nil), e("Sharma Traders", nil, "1.005")], ["entries[0].debit", "entries[1].credit"]),
                ("one entry", "journal", [e("Rent", "1.00", nil)], ["entries"]),
                ("unknown ledger", "journal", [e("Nobody", "1.00", nil), e("Rent", nil, "1.00")], ["entries[0].ledger"]),
                ("contra with rent", "contra", [e("Cash", "1.00", nil), e("Rent", nil, "1.00")], ["entries[1].ledger"]),
                ("receipt without cash", "receipt", [e("Rent", "1.00", nil), e("Sharma Traders", nil, "1.00")], ["entries"]),
                ("unknown type", "gift", [e("Rent", "1.00", nil), e("Sharma Traders", nil, "1.00")], ["type"]),
            ]
            for (name, type, entries, fields) in cases {
                let r = try await f.voucher(type, "2026-05-10", entries)
                #expect(r.status == .unprocessableEntity, "\(name): \(r.status)")
                #expect(Set(r.errorFields) == fields, "\(name): \(r.errorFields)")
            }
            let foreign = try await f.post("vouchers", ["type": "payment", "date": "2026-05-10", "entries": [
                ["ledgerId": .string(otherCash), "credit": "1.00"], e("Rent", "1.00", nil),
            ]])
            #expect(foreign.errorFields.contains("entries[0].ledger"))
            let early = try await f.voucher("journal", "2026-03-31", [e("Rent", "1.00", nil), e("Sharma Traders", nil, "1.00")])
            #expect(early.errorFields == ["date"])
            let huge = try await f.voucher("journal", "2026-05-10",
                                           (0..<10_000).map { i in i % 2 == 0 ? e("Rent", "1.00", nil) : e("Sharma Traders", nil, "1.00") })
            #expect(huge.status == .unprocessableEntity)
            #expect(huge.text.contains("at most 1000 entries"))
            struct Count: Decodable { var n: Int }
            let sql = app.db.sql()
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM vouchers").first(decoding: Count.self)?.n == 0)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM voucher_entries").first(decoding: Count.self)?.n == 0)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM ledger_day_totals").first(decoding: Count.self)?.n == 0)
        }
    }

    @Test func period_locks_refuse_writes_inside_them() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            let early = try await f.voucher("journal", "2026-06-15", [e("Rent", "5.00", nil), e("Sharma Traders", nil, "5.00")])
            #expect(try await f.post("period-locks", ["lockedThrough": "2026-06-30", "reason": "Q1 filed"]).status == .created)
            let locked = try await f.voucher("journal", "2026-06-30", [e("Rent", "1.00", nil), e("Sharma Traders", nil, "1.00")])
            #expect(locked.status == .conflict)
            #expect(locked.errorCode == "period_locked")
            #expect(locked.text.contains("Q1 filed"))
            let cancel = try await f.post("vouchers/\(early.json["id"]?.stringValue ?? "")/cancel", [:])
            #expect(cancel.status == .conflict)
            #expect(try await f.voucher("journal", "2026-07-01", [e("Rent", "1.00", nil), e("Sharma Traders", nil, "1.00")]).status == .created)

            // A viewer cannot lift the lock; the owner can, and it is audited.
            let viewer = try await f.client.register("viewer@example.com")
            _ = try await f.client.addMember(f.owner, company: f.company, email: "viewer@example.com", role: "viewer")
            let refused = try await f.client.send(.POST, "\(f.base)/period-locks/unlock", token: viewer.accessToken, json: [:])
            #expect(refused.status == .forbidden)
            #expect(try await f.post("period-locks/unlock", [:]).status == .noContent)
            #expect(try await f.voucher("journal", "2026-06-30", [e("Rent", "1.00", nil), e("Sharma Traders", nil, "1.00")]).status == .created)
            let actions = try await f.get("audit-log?entityType=period_lock").json["items"]?.arrayValue.compactMap { $0["action"]?.stringValue }
            #expect(actions == ["period.unlock", "period.lock"])
        }
    }

    @Test func concurrent_posts_to_one_series_get_every_number_once() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let numbers = try await withThrowingTaskGroup(of: String?.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        // A client retries a 503 (every connection busy; nothing saved), as Retry-After asks.
                        for _ in 0..<5 {
                            let r = try await f.voucher("sales", "2026-08-01", [
                                BooksFixture.entry("Sharma Traders", dr: "\(i + 1).00"), BooksFixture.entry("Sales", cr: "\(i + 1).00"),
                            ])
                            if r.status != .serviceUnavailable { return r.json["number"]?.stringValue }
                            try await Task.sleep(for: .seconds(1))
                        }
                        return nil
                    }
                }
                var out: [String] = []
                for try await n in group { if let n { out.append(n) } }
                return out
            }
            let expected = (1...50).map { String(format: "INV/26-27/%04d", $0) }
            #expect(numbers.sorted() == expected)
            let tb = try await f.get("reports/trial-balance?asOf=2026-08-01").json
            #expect(tb["totals"]?["debit"]?.stringValue == "1275.00")
        }
    }

    @Test func a_new_year_carries_income_into_profit_and_loss() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            _ = try await f.voucher("sales", "2026-12-01", [BooksFixture.entry("Sharma Traders", dr: "700.00"), BooksFixture.entry("Sales", cr: "700.00")])
            let tb = try await f.get("reports/trial-balance?asOf=2027-04-30").json
            let rows = tb["rows"]?.arrayValue ?? []
            #expect(tb["from"]?.stringValue == "2027-04-01")
            #expect(rows.first { $0["ledger"]?.stringValue == "Sales" } == nil)
            #expect(rows.first { $0["ledger"]?.stringValue == "Profit & Loss A/c" }?["opening"] == ["amount": "700.00", "side": "Cr"])
            #expect(rows.first { $0["ledger"]?.stringValue == "Sharma Traders" }?["opening"] == ["amount": "1700.00", "side": "Dr"])
        }
    }
}

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
            #expect(sale.json["number"]?.stringValue == "INV/2026-27/0001")
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
            #expect(cancelled.json["number"]?.stringValue == "INV/2026-27/0001")
            #expect(try await f.post("vouchers/\(id)/cancel", [:]).status == .conflict)
            tb = try await f.get("reports/trial-balance?asOf=2027-03-31").json
            #expect(tb["totals"]?["debit"]?.stringValue == "800.00")
            let next = try await f.voucher("sales", "2026-06-01", [
                BooksFixture.entry("Sharma Traders", dr: "10.00"), BooksFixture.entry("Sales", cr: "10.00"),
            ])
            #expect(next.json["number"]?.stringValue == "INV/2026-27/0002")

            let list = try await f.get("vouchers?type=sales").json["items"]?.arrayValue ?? []
            #expect(list.map { $0["number"]?.stringValue } == ["INV/2026-27/0002", "INV/2026-27/0001"])
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
                        let r = try await f.voucher("sales", "2026-08-01", [
                            BooksFixture.entry("Sharma Traders", dr: "\(i + 1).00"), BooksFixture.entry("Sales", cr: "\(i + 1).00"),
                        ])
                        return r.json["number"]?.stringValue
                    }
                }
                var out: [String] = []
                for try await n in group { if let n { out.append(n) } }
                return out
            }
            let expected = (1...50).map { String(format: "INV/2026-27/%04d", $0) }
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

@Suite struct BooksVerifierTests {
    @Test func verifier_finds_a_tampered_day_total() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            _ = try await f.voucher("sales", "2026-05-10", [BooksFixture.entry("Sharma Traders", dr: "50.00"), BooksFixture.entry("Sales", cr: "50.00")])
            #expect(try await BooksVerifier.verify(on: app.db).isEmpty)
            try await app.db.sql().raw("UPDATE ledger_day_totals SET debit_paise = debit_paise + 1 WHERE debit_paise > 0").run()
            let differences = try await BooksVerifier.verify(on: app.db)
            #expect(differences.count == 1)
            #expect(differences.first?.description.contains("day totals disagree") == true)
            try await app.db.sql().raw("UPDATE ledger_day_totals SET debit_paise = debit_paise - 1 WHERE debit_paise > 0").run()
        }
    }
}

@Suite struct ReportTests {
    /// Opening: capital 5,000 in the bank. Then a sale, a purchase and rent.
    static func books(_ app: Application) async throws -> BooksFixture {
        let f = try await BooksFixture.make(app)
        _ = try await f.post("ledgers", ["name": "Owner Capital", "group": "Capital Account", "openingBalance": ["amount": "6000.00", "side": "Cr"]])
        _ = try await f.client.send(.PATCH, "\(f.base)/ledgers/HDFC%20Bank", token: f.owner.accessToken,
                                    json: ["openingBalance": ["amount": "5000.00", "side": "Dr"]])
        _ = try await f.post("ledgers", ["name": "Purchases", "group": "Purchase Accounts"])
        let e = BooksFixture.entry
        #expect(try await f.voucher("sales", "2026-05-01", [e("Sharma Traders", "1000.00", nil), e("Sales", nil, "1000.00")]).status == .created)
        #expect(try await f.voucher("purchase", "2026-05-02", [e("Purchases", "600.00", nil), e("HDFC Bank", nil, "600.00")]).status == .created)
        #expect(try await f.voucher("payment", "2026-05-03", [e("Rent", "150.00", nil), e("HDFC Bank", nil, "150.00")]).status == .created)
        #expect(try await f.voucher("receipt", "2026-05-04", [e("HDFC Bank", "400.00", nil), e("Sharma Traders", nil, "400.00")]).status == .created)
        return f
    }

    @Test func profit_and_loss_and_balance_sheet_agree() async throws {
        try await withApp { app in
            let f = try await Self.books(app)
            let pl = try await f.get("reports/profit-and-loss?from=2026-04-01&to=2027-03-31").json
            #expect(pl["grossProfit"]?.stringValue == "400.00")
            #expect(pl["netProfit"]?.stringValue == "250.00")
            #expect(pl["indirectExpenses"]?[0]?["group"]?.stringValue == "Indirect Expenses")

            let bs = try await f.get("reports/balance-sheet?asOf=2027-03-31").json
            #expect(bs["currentYearProfit"]?.stringValue == "250.00")
            #expect(bs["openingDifference"]?.stringValue == "0.00")
            #expect(bs["totalAssets"]?.stringValue == "6250.00")
            #expect(bs["totalAssets"] == bs["totalLiabilities"])
            let bad = try await f.get("reports/profit-and-loss?from=2027-01-01&to=2026-01-01")
            #expect(bad.errorFields == ["to"])
        }
    }

    @Test func ledger_statement_runs_a_balance_across_pages() async throws {
        try await withApp { app in
            let f = try await Self.books(app)
            let page1 = try await f.get("reports/ledger-statement?ledger=HDFC%20Bank&from=2026-04-01&to=2027-03-31&limit=2").json
            #expect(page1["opening"] == ["amount": "5000.00", "side": "Dr"])
            #expect(page1["lines"]?.arrayValue.map { $0["balance"]?["amount"]?.stringValue } == ["4400.00", "4250.00"])
            let cursor = try #require(page1["nextCursor"]?.stringValue)
            let page2 = try await f.get("reports/ledger-statement?ledger=HDFC%20Bank&from=2026-04-01&to=2027-03-31&limit=2&cursor=\(cursor)").json
            #expect(page2["broughtForward"] == ["amount": "4250.00", "side": "Dr"])
            #expect(page2["lines"]?[0]?["balance"] == ["amount": "4650.00", "side": "Dr"])
            #expect(page2["closing"] == ["amount": "4650.00", "side": "Dr"])
            #expect(page2["nextCursor"] == .null)
            #expect(try await f.get("reports/ledger-statement?ledger=Nobody").errorFields == ["ledger"])

            let day = try await f.get("reports/day-book?from=2026-05-02&to=2026-05-03").json["items"]?.arrayValue ?? []
            #expect(day.map { $0["type"]?.stringValue } == ["Purchase", "Payment"])
        }
    }
}

@Suite struct AmendAndBatchTests {
    @Test func amend_replaces_lines_keeps_the_number_and_is_audited() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            let sale = try await f.voucher("sales", "2026-05-10", [e("Sharma Traders", "100.00", nil), e("Sales", nil, "100.00")])
            let id = try #require(sale.json["id"]?.stringValue)
            let amended = try await f.client.send(.PUT, "\(f.base)/vouchers/\(id)", token: f.owner.accessToken, json: [
                "type": "sales", "date": "2026-05-11", "narration": "corrected rate",
                "entries": [e("Sharma Traders", "120.00", nil), e("Sales", nil, "120.00")],
            ])
            #expect(amended.status == .ok, "\(amended.text)")
            #expect(amended.json["number"] == sale.json["number"])
            #expect(amended.json["total"]?.stringValue == "120.00")
            let tb = try await f.get("reports/trial-balance?asOf=2027-03-31").json
            #expect(tb["totals"]?["debit"]?.stringValue == "120.00")
            let audit = try await f.get("audit-log?action=voucher.amend").json["items"]?[0]
            #expect(audit?["before"]?["total"]?.stringValue == "100.00")
            #expect(audit?["after"]?["total"]?.stringValue == "120.00")
            struct Count: Decodable { var n: Int }
            #expect(try await app.db.sql().raw("SELECT COUNT(*) AS n FROM voucher_entries").first(decoding: Count.self)?.n == 4)

            let unbalanced = try await f.client.send(.PUT, "\(f.base)/vouchers/\(id)", token: f.owner.accessToken, json: [
                "type": "sales", "date": "2026-05-11", "entries": [e("Sharma Traders", "1.00", nil), e("Sales", nil, "2.00")],
            ])
            #expect(unbalanced.status == .unprocessableEntity)
            _ = try await f.post("vouchers/\(id)/cancel", [:])
            let afterCancel = try await f.client.send(.PUT, "\(f.base)/vouchers/\(id)", token: f.owner.accessToken, json: [
                "type": "sales", "date": "2026-05-11", "entries": [e("Sharma Traders", "1.00", nil), e("Sales", nil, "1.00")],
            ])
            #expect(afterCancel.status == .conflict)
        }
    }

    @Test func batch_is_all_or_nothing_and_names_every_bad_voucher() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            func v(_ amount: String, _ date: String = "2026-06-01") -> JSONValue {
                ["type": "sales", "date": .string(date), "entries": [e("Sharma Traders", amount, nil), e("Sales", nil, amount)]]
            }
            let bad = try await f.post("vouchers/batch", ["vouchers": [v("10.00"), v("0.00"), v("5.00", "2020-01-01"), v("7.00")]])
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.errorFields) == ["vouchers[1].entries[0].debit", "vouchers[1].entries[1].credit", "vouchers[2].date"])
            #expect(bad.json["error"]?["message"]?.stringValue == "2 of 4 vouchers are invalid; none was posted")
            #expect(try await f.get("vouchers").json["items"]?.arrayValue.isEmpty == true)

            let good = try await f.post("vouchers/batch", ["vouchers": [v("10.00"), v("20.00"), v("30.00")]])
            #expect(good.status == .created)
            #expect(good.json["items"]?.arrayValue.compactMap { $0["number"]?.stringValue } == ["INV/2026-27/0001", "INV/2026-27/0002", "INV/2026-27/0003"])
            #expect(try await f.post("vouchers/batch", ["vouchers": []]).errorFields == ["vouchers"])
        }
    }
}

@Suite struct JournalExportTests {
    /// hledger re-adds our export independently; its balances must equal our trial balance, ledger by ledger.
    @Test func hledger_balances_equal_the_trial_balance() async throws {
        try await withApp { app in
            let f = try await ReportTests.books(app)
            let e = BooksFixture.entry
            // A generated spread of vouchers over the year, including a cancelled and an amended one.
            for i in 0..<40 {
                let day = String(format: "2026-%02d-%02d", 5 + i % 7, 1 + i % 27)
                let amount = "\(100 + i * 37).\(i % 10)0"
                switch i % 4 {
                case 0: _ = try await f.voucher("sales", day, [e("Sharma Traders", amount, nil), e("Sales", nil, amount)])
                case 1: _ = try await f.voucher("receipt", day, [e("HDFC Bank", amount, nil), e("Sharma Traders", nil, amount)])
                case 2: _ = try await f.voucher("payment", day, [e("Rent", amount, nil), e("Cash", nil, amount)])
                default: _ = try await f.voucher("purchase", day, [e("Purchases", amount, nil), e("HDFC Bank", nil, amount)])
                }
            }
            let victim = try await f.voucher("sales", "2026-09-09", [e("Sharma Traders", "999.00", nil), e("Sales", nil, "999.00")])
            _ = try await f.post("vouchers/\(victim.json["id"]?.stringValue ?? "")/cancel", [:])

            let journal = try await f.client.send(.GET, "\(f.base)/export/journal?from=2026-04-01&to=2027-03-31", token: f.owner.accessToken)
            #expect(journal.status == .ok)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-\(UUID()).journal")
            try journal.text.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }

            let hledger = try #require(["/usr/bin/hledger", "/usr/local/bin/hledger"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                       "hledger is not installed (scripts/test installs Debian's hledger)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: hledger)
            process.arguments = ["-f", file.path, "balance", "--flat", "--no-total", "-O", "csv", "-e", "2027-04-01"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "hledger failed: \(output)")
            var theirs: [String: Int64] = [:]
            for line in output.split(separator: "\n").dropFirst() {
                let cols = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
                guard cols.count >= 2 else { continue }
                let amountText = cols[1].replacingOccurrences(of: "INR", with: "").trimmingCharacters(in: .whitespaces)
                theirs[cols[0]] = try Money(parsing: amountText).paise
            }
            let tb = try await f.get("reports/trial-balance?asOf=2027-03-31").json
            var ours: [String: Int64] = [:]
            for row in tb["rows"]?.arrayValue ?? [] {
                let path = (row["groupPath"]?.arrayValue.compactMap(\.stringValue) ?? []) + [row["ledger"]?.stringValue ?? ""]
                let closing = row["closing"]
                let paise = try Money(parsing: closing?["amount"]?.stringValue ?? "0").paise
                let signed = closing?["side"]?.stringValue == "Cr" ? -paise : paise
                if signed != 0 { ours[path.joined(separator: ":")] = signed }
            }
            theirs.removeValue(forKey: JournalExport.differenceAccount)
            #expect(ours.count >= 6)
            #expect(ours == theirs)
        }
    }
}

@Suite struct BillWiseTests {
    static func entry(_ ledger: String, dr: String? = nil, cr: String? = nil, bills: [JSONValue]) -> JSONValue {
        guard case .object(var o) = BooksFixture.entry(ledger, dr: dr, cr: cr) else { return .null }
        o["bills"] = .array(bills)
        return .object(o)
    }

    static func bill(_ type: String, _ reference: String?, _ amount: String, due: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["type": .string(type), "amount": .string(amount)]
        if let reference { o["reference"] = .string(reference) }
        if let due { o["dueDate"] = .string(due) }
        return .object(o)
    }

    @Test func sales_create_bills_receipts_settle_them_and_outstanding_ages_them() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            // Sharma's credit period is 30 days, so INV-1 falls due on 2026-05-31.
            let s1 = try await f.voucher("sales", "2026-05-01", [Self.entry("Sharma Traders", dr: "1000.00", bills: [Self.bill("new", "INV-1", "1000.00")]),
                                                               e("Sales", nil, "1000.00")])
            #expect(s1.status == .created, "\(s1.text)")
            _ = try await f.voucher("sales", "2026-08-01", [Self.entry("Sharma Traders", dr: "500.00", bills: [Self.bill("new", "INV-2", "500.00", due: "2026-08-15")]),
                                                          e("Sales", nil, "500.00")])
            let r1 = try await f.voucher("receipt", "2026-06-10", [e("HDFC Bank", "600.00", nil),
                                                                 Self.entry("Sharma Traders", cr: "600.00", bills: [Self.bill("against", "INV-1", "400.00"), Self.bill("on-account", nil, "200.00")])])
            #expect(r1.status == .created, "\(r1.text)")

            let out = try await f.get("reports/outstanding?kind=receivable&asOf=2026-09-30").json
            let party = try #require(out["parties"]?[0])
            #expect(party["party"]?.stringValue == "Sharma Traders")
            let bills = party["bills"]?.arrayValue ?? []
            let inv1 = bills.first { $0["reference"]?.stringValue == "INV-1" }
            #expect(inv1?["pending"]?.stringValue == "600.00")
            #expect(inv1?["dueDate"]?.stringValue == "2026-05-31")
            #expect(inv1?["overdueDays"]?.intValue == 122)
            #expect(inv1?["bucket"]?.stringValue == "91-180")
            let onAccount = bills.first { $0["reference"] == nil || $0["reference"] == .null }
            #expect(onAccount?["pending"]?.stringValue == "-200.00")
            // The opening 1000 Dr is not bill-wise allocated, so outstanding is 600 + 500 - 200.
            #expect(out["pending"]?.stringValue == "900.00")
            #expect(out["buckets"]?["0-30"] != nil)
            #expect(out["scheduleIII"]?["<6m"]?.stringValue == "900.00")

            // Cancelling the receipt re-opens INV-1 in full.
            _ = try await f.post("vouchers/\(r1.json["id"]?.stringValue ?? "")/cancel", [:])
            let after = try await f.get("reports/outstanding?kind=receivable&asOf=2026-09-30").json
            #expect(after["pending"]?.stringValue == "1500.00")
            #expect(try await f.get("reports/outstanding?kind=payable&asOf=2026-09-30").json["parties"]?.arrayValue.isEmpty == true)
        }
    }

    @Test func bad_allocations_are_refused() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            _ = try await f.post("ledgers", ["name": "Gupta Stores", "group": "Sundry Debtors", "billWise": true])
            _ = try await f.voucher("sales", "2026-05-01", [Self.entry("Sharma Traders", dr: "100.00", bills: [Self.bill("new", "INV-9", "100.00")]),
                                                          e("Sales", nil, "100.00")])
            let cases: [(String, [JSONValue], String)] = [
                ("unknown bill", [Self.bill("against", "NOPE", "10.00")], "entries[1].bills[0].reference"),
                ("other party's bill", [Self.bill("against", "INV-9", "10.00")], "entries[1].bills[0].reference"),
                ("over-allocated", [Self.bill("against", "INV-9", "150.00")], "entries[1].bills[0].amount"),
                ("duplicate new", [Self.bill("new", "INV-9", "10.00")], "entries[1].bills[0].reference"),
                ("sum differs", [Self.bill("on-account", nil, "5.00")], "entries[1].bills"),
            ]
            for (name, bills, field) in cases {
                let party = name == "other party's bill" ? "Gupta Stores" : "Sharma Traders"
                let amount = name == "over-allocated" ? "150.00" : (name == "sum differs" ? "10.00" : "10.00")
                let r = try await f.voucher("receipt", "2026-06-01", [e("HDFC Bank", amount, nil), Self.entry(party, cr: amount, bills: bills)])
                #expect(r.status == .unprocessableEntity, "\(name)")
                #expect(r.errorFields.contains(field), "\(name): \(r.errorFields)")
            }
            let notBillWise = try await f.voucher("payment", "2026-06-01", [Self.entry("Rent", dr: "10.00", bills: [Self.bill("new", "X", "10.00")]), e("Cash", nil, "10.00")])
            #expect(notBillWise.errorFields == ["entries[0].bills"])
            // Settling INV-9 fully closes it: a second settlement finds no open bill.
            let full = try await f.voucher("receipt", "2026-06-02", [e("HDFC Bank", "100.00", nil), Self.entry("Sharma Traders", cr: "100.00", bills: [Self.bill("against", "INV-9", "100.00")])])
            #expect(full.status == .created)
            let closed = try await f.voucher("receipt", "2026-06-03", [e("HDFC Bank", "1.00", nil), Self.entry("Sharma Traders", cr: "1.00", bills: [Self.bill("against", "INV-9", "1.00")])])
            #expect(closed.errorFields == ["entries[1].bills[0].reference"])
        }
    }
}

@Suite struct VoucherTypeTests {
    @Test func user_defined_types_follow_their_base_and_can_be_numbered_by_hand() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            #expect(try await f.post("voucher-types", ["name": "Counter Sales", "kind": "sales", "prefix": "CS"]).status == .created)
            #expect(try await f.post("voucher-types", ["name": "Manual Journal", "kind": "journal", "automatic": false]).status == .created)
            #expect(try await f.post("voucher-types", ["name": "counter sales", "kind": "sales"]).errorFields == ["name"])
            let cs = try await f.voucher("Counter Sales", "2026-05-01", [e("Sharma Traders", "5.00", nil), e("Sales", nil, "5.00")])
            #expect(cs.json["number"]?.stringValue == "CS/2026-27/0001")
            #expect(try await f.voucher("Counter Sales", "2026-05-01", [e("Rent", "5.00", nil), e("Cash", nil, "5.00")]).status == .unprocessableEntity)
            let m1 = try await f.voucher("Manual Journal", "2026-05-01", [e("Rent", "5.00", nil), e("Sharma Traders", nil, "5.00")], number: "MJ-7")
            #expect(m1.json["number"]?.stringValue == "MJ-7")
            let dup = try await f.voucher("Manual Journal", "2026-05-02", [e("Rent", "5.00", nil), e("Sharma Traders", nil, "5.00")], number: "MJ-7")
            #expect(dup.errorFields == ["number"])
            let missing = try await f.voucher("Manual Journal", "2026-05-02", [e("Rent", "5.00", nil), e("Sharma Traders", nil, "5.00")])
            #expect(missing.errorFields == ["number"])
            let types = try await f.get("voucher-types").json["items"]?.arrayValue.count
            #expect(types == 10)
        }
    }
}

@testable import App
import Fluent
import Foundation
import Ledger
import SQLKit
import Testing
import Vapor

@Suite struct BooksVerifierTests {
    @Test func verifier_finds_a_tampered_day_total() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            _ = try await f.voucher("sales", "2026-05-10", [BooksFixture.entry("Sharma Traders", dr: "50.00"), BooksFixture.entry("Sales", cr: "50.00")])
            #expect(try await BooksVerifier.verify(on: app.db).isEmpty)
            try await app.db.sql().raw("UPDATE ledger_day_totals SET debit_paise = debit_paise + 1 WHERE debit_paise > 0").run()
            let differences = try await BooksVerifier.verify(on: app.db).map(\.description)
            #expect(differences.count == 2)
            #expect(differences.contains { $0.contains("day totals disagree") })
            #expect(differences.contains { $0.contains("month totals disagree") })
            try await app.db.sql().raw("UPDATE ledger_day_totals SET debit_paise = debit_paise - 1 WHERE debit_paise > 0").run()
            try await app.db.sql().raw("UPDATE ledger_month_totals SET credit_paise = credit_paise + 1 WHERE credit_paise > 0").run()
            #expect(try await BooksVerifier.verify(on: app.db).map(\.description).allSatisfy { $0.contains("month totals disagree") })
            try await app.db.sql().raw("UPDATE ledger_month_totals SET credit_paise = credit_paise - 1 WHERE credit_paise > 0").run()
        }
    }

    /// Month roll-ups plus part months must give exactly what the day totals give, for every shape of range.
    @Test func movements_from_months_and_days_equal_the_day_totals() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            let start = CalendarDate("2026-04-01")!
            let vouchers: [JSONValue] = (0..<60).map { i in
                let amount = "\(i * 7 + 3).00"
                return ["type": "sales", "date": .string(start.adding(days: i * 6).description),
                        "entries": [e("Sharma Traders", amount, nil), e("Sales", nil, amount)]]
            }
            #expect(try await f.post("vouchers/batch", ["vouchers": .array(vouchers)]).status == .created)
            let company = try #require(UUID(uuidString: f.company))
            struct Row: Decodable { var ledger_id: UUID; var debit: Int64; var credit: Int64 }
            let ranges = [("2026-04-01", "2027-03-31"), ("2026-04-15", "2026-04-20"), ("2026-04-15", "2026-06-10"), ("2026-05-01", "2026-05-31"),
                          ("2026-05-01", "2026-07-12"), ("2026-04-09", "2026-08-31"), ("2026-06-30", "2026-07-01"), ("2026-09-20", "2026-09-19")]
            for (a, b) in ranges {
                let from = CalendarDate(a)!, to = CalendarDate(b)!
                let direct = try await app.db.sql().raw("""
                    SELECT ledger_id, CAST(SUM(debit_paise) AS BIGINT) AS debit, CAST(SUM(credit_paise) AS BIGINT) AS credit
                    FROM ledger_day_totals WHERE company_id = \(bind: company) AND date >= \(bind: a) AND date <= \(bind: b) GROUP BY ledger_id
                    """).all(decoding: Row.self)
                let expected = Dictionary(uniqueKeysWithValues: direct.map { ($0.ledger_id, [$0.debit, $0.credit]) })
                let got = try await Movements.sums(company: company, from: from, to: to, on: app.db).mapValues { [$0.debit, $0.credit] }
                #expect(got == expected, "\(a)...\(b)")
            }
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
            // A made-up or negative cursor and a bad limit are field errors, never a silent restart or a 500.
            #expect(Set(try await f.get("reports/ledger-statement?ledger=Cash&cursor=-5&limit=abc").errorFields) == ["cursor", "limit"])
            #expect(Set(try await f.get("vouchers?cursor=x&limit=0").errorFields) == ["cursor", "limit"])

            let day = try await f.get("reports/day-book?from=2026-05-02&to=2026-05-03").json["items"]?.arrayValue ?? []
            #expect(day.map { $0["type"]?.stringValue } == ["Purchase", "Payment"])
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
            let run = try await ChildProcess.run(hledger, ["-f", file.path, "balance", "--flat", "--no-total", "-O", "csv", "-e", "2027-04-01"])
            let output = String(decoding: run.standardOutput, as: UTF8.self)
            #expect(run.status == 0, "hledger failed: \(run.errorText)")
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

@testable import App
import Foundation
import Testing
import Vapor

/// A restricted ledger (a director's salary) is seen by owner, admin, accountant and auditor only: for every other
/// role it, its rows and the vouchers touching it are withheld in every list, report, export and page, while totals
/// stay whole.
@Suite struct RestrictedLedgerTests {
    struct Books {
        let s: AccessTests.Staff
        let salary: String
        let rent: String
    }

    private func books(_ app: Application) async throws -> Books {
        let s = try await AccessTests.Staff.make(app)
        let ledger = try await s.send(.owner, .POST, "ledgers", ["name": "Director Salary", "group": "Indirect Expenses", "restricted": true])
        #expect(ledger.status == .created, "\(ledger.text)")
        #expect(ledger.json["restricted"]?.boolValue == true)
        func e(_ l: String, dr: String? = nil, cr: String? = nil) -> JSONValue { BooksFixture.entry(l, dr: dr, cr: cr) }
        let salary = try await s.send(.owner, .POST, "vouchers", [
            "type": "payment", "date": "2026-06-30", "narration": "June pay of Mr Rao",
            "entries": [e("Director Salary", dr: "50000.00"), e("HDFC Bank", cr: "50000.00")],
        ])
        #expect(salary.status == .created, "\(salary.text)")
        let rent = try await s.send(.owner, .POST, "vouchers", [
            "type": "payment", "date": "2026-06-30", "narration": "June rent",
            "entries": [e("Rent", dr: "8000.00"), e("HDFC Bank", cr: "8000.00")],
        ])
        #expect(rent.status == .created, "\(rent.text)")
        return Books(s: s, salary: salary.json["id"]?.stringValue ?? "", rent: rent.json["id"]?.stringValue ?? "")
    }

    private let seeing: [Role] = [.owner, .admin, .accountant, .auditor]
    private let notSeeing: [Role] = [.sales, .purchase, .inventory, .viewer]

    @Test func the_ledger_and_its_vouchers_are_withheld_from_roles_below_accountant() async throws {
        try await withApp { app in
            let b = try await books(app)
            for role in seeing + notSeeing {
                let sees = seeing.contains(role)
                let ledgers = try await b.s.send(role, .GET, "ledgers?limit=500").json["items"]?.arrayValue.compactMap { $0["name"]?.stringValue } ?? []
                #expect(ledgers.contains("Director Salary") == sees, "\(role) ledger list")
                #expect(ledgers.contains("Rent"), "\(role) sees ordinary ledgers")
                #expect(try await b.s.send(role, .GET, "ledgers/Director%20Salary").status == (sees ? .ok : .notFound), "\(role)")
                let vouchers = try await b.s.send(role, .GET, "vouchers").json["items"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
                #expect(vouchers.contains(b.salary) == sees, "\(role) voucher list")
                #expect(vouchers.contains(b.rent), "\(role) sees the rent")
                #expect(try await b.s.send(role, .GET, "vouchers/\(b.salary)").status == (sees ? .ok : .notFound), "\(role)")
                // Searching by the ledger's name is the same as naming a ledger that does not exist.
                let search = try await b.s.send(role, .GET, "vouchers?ledger=Director%20Salary")
                #expect(search.status == (sees ? .ok : .unprocessableEntity), "\(role) search")
                #expect(!sees || search.text.contains("June pay of Mr Rao"))
                let dayBook = try await b.s.send(role, .GET, "reports/day-book?from=2026-06-30&to=2026-06-30")
                #expect(dayBook.text.contains("June pay of Mr Rao") == sees, "\(role) day book")
                #expect(dayBook.text.contains("June rent"), "\(role) day book shows the rest")
            }
        }
    }

    @Test func a_member_who_cannot_see_it_cannot_post_to_it_or_change_what_touches_it() async throws {
        try await withApp { app in
            let b = try await books(app)
            func e(_ l: String, dr: String? = nil, cr: String? = nil) -> JSONValue { BooksFixture.entry(l, dr: dr, cr: cr) }
            let posted = try await b.s.send(.purchase, .POST, "vouchers", [
                "type": "payment", "date": "2026-07-01", "entries": [e("Director Salary", dr: "1.00"), e("HDFC Bank", cr: "1.00")],
            ])
            #expect(posted.status == .unprocessableEntity, "\(posted.text)")
            #expect(posted.text.contains("Director Salary"))
            #expect(try await b.s.send(.purchase, .PUT, "vouchers/\(b.salary)", [
                "type": "payment", "date": "2026-06-30", "entries": [e("Rent", dr: "1.00"), e("HDFC Bank", cr: "1.00")],
            ]).status == .notFound)
            #expect(try await b.s.send(.purchase, .POST, "vouchers/\(b.salary)/cancel").status == .notFound)
            let still = try await b.s.send(.owner, .GET, "vouchers/\(b.salary)")
            #expect(still.json["status"]?.stringValue == "active")
            // Only the people who see restricted ledgers set the flag, and the predefined ledgers cannot carry it.
            #expect(try await b.s.send(.sales, .PATCH, "ledgers/Rent", ["restricted": true]).status == .forbidden)
            let cash = try await b.s.send(.owner, .PATCH, "ledgers/Cash", ["restricted": true])
            #expect(cash.status == .unprocessableEntity)
            #expect(cash.errorFields == ["restricted"])
        }
    }

    @Test func reports_withhold_its_rows_but_keep_the_totals_whole() async throws {
        try await withApp { app in
            let b = try await books(app)
            let asOf = "2026-07-31"
            let full = try await b.s.send(.accountant, .GET, "reports/trial-balance?asOf=\(asOf)").json
            let viewer = try await b.s.send(.viewer, .GET, "reports/trial-balance?asOf=\(asOf)").json
            func names(_ tb: JSONValue) -> [String] { tb["rows"]?.arrayValue.compactMap { $0["ledger"]?.stringValue } ?? [] }
            #expect(names(full).contains("Director Salary"))
            #expect(!names(viewer).contains("Director Salary"))
            #expect(names(viewer).contains("HDFC Bank"))
            #expect(viewer["totals"] == full["totals"])
            #expect(viewer["groups"] == full["groups"])
            let csv = try await b.s.send(.viewer, .GET, "reports/trial-balance?asOf=\(asOf)&format=csv").text
            #expect(csv.contains("HDFC Bank") && !csv.contains("Director Salary"))

            let pl = try await b.s.send(.viewer, .GET, "reports/profit-and-loss?from=2026-04-01&to=\(asOf)").json
            let plFull = try await b.s.send(.accountant, .GET, "reports/profit-and-loss?from=2026-04-01&to=\(asOf)").json
            #expect(pl["netProfit"] == plFull["netProfit"])
            let expenses = pl["indirectExpenses"]?.arrayValue ?? []
            #expect(expenses.first?["amount"]?.stringValue == "58000.00")
            #expect(expenses.flatMap { $0["ledgers"]?.arrayValue ?? [] }.compactMap { $0["ledger"]?.stringValue } == ["Rent"])
            #expect(!(try await b.s.send(.viewer, .GET, "reports/profit-and-loss?from=2026-04-01&to=\(asOf)").text.contains("Director")))
            let bs = try await b.s.send(.viewer, .GET, "reports/balance-sheet?asOf=\(asOf)").json
            let bsFull = try await b.s.send(.accountant, .GET, "reports/balance-sheet?asOf=\(asOf)").json
            #expect(bs["totalAssets"] == bsFull["totalAssets"] && bs["currentYearProfit"] == bsFull["currentYearProfit"])

            // Its own statement is not there; the bank's keeps the line (the balance stays true) without its narration.
            #expect(try await b.s.send(.viewer, .GET, "reports/ledger-statement?ledger=Director%20Salary").status == .unprocessableEntity)
            let bank = try await b.s.send(.viewer, .GET, "reports/ledger-statement?ledger=HDFC%20Bank&from=2026-04-01&to=\(asOf)")
            let bankFull = try await b.s.send(.accountant, .GET, "reports/ledger-statement?ledger=HDFC%20Bank&from=2026-04-01&to=\(asOf)")
            #expect(bank.json["closing"] == bankFull.json["closing"])
            #expect(bank.json["lines"]?.arrayValue.count == 2)
            #expect(!bank.text.contains("Mr Rao") && bank.text.contains("June rent"))
            #expect(bankFull.text.contains("Mr Rao"))
        }
    }

    @Test func exports_and_pages_leave_it_out() async throws {
        try await withApp { app in
            let b = try await books(app)
            let journal = try await b.s.send(.viewer, .GET, "export/journal?from=2026-04-01&to=2026-07-31")
            #expect(journal.status == .ok)
            #expect(!journal.text.contains("Director Salary") && !journal.text.contains("Mr Rao") && journal.text.contains("June rent"))
            #expect(try await b.s.send(.accountant, .GET, "export/journal?from=2026-04-01&to=2026-07-31").text.contains("Mr Rao"))
            let tally = try await b.s.send(.viewer, .GET, "tally/export")
            #expect(tally.status == .forbidden)
            #expect(tally.text.contains("restricted"))
            #expect(try await b.s.send(.auditor, .GET, "tally/export").text.contains("Director Salary"))

            let base = "/app/c/\(b.s.f.company)"
            for role in [Role.viewer, .sales] {
                let web = try await WebTestSession.start(for: b.s.members[role]?.userID ?? "", on: app)
                for path in ["/accounts", "/vouchers", "/reports/day-book?from=2026-06-30&to=2026-06-30", "/reports/ledger?ledger=HDFC%20Bank",
                             "/vouchers/new"] {
                    let page = try await web.send(.GET, base + path)
                    #expect(!page.text.contains("Director Salary") && !page.text.contains("Mr Rao"), "\(role) \(path)")
                }
                #expect(try await web.send(.GET, base + "/vouchers/\(b.salary)").status == .notFound, "\(role)")
            }
            let accountant = try await WebTestSession.start(for: b.s.members[.accountant]?.userID ?? "", on: app)
            #expect(try await accountant.send(.GET, base + "/accounts").text.contains("Director Salary"))
            #expect(try await accountant.send(.GET, base + "/vouchers").text.contains("Mr Rao"))
        }
    }
}

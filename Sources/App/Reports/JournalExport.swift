import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// The books as a plain-text hledger / ledger-cli journal: opening balances, then every active voucher in range,
/// accounts named by their group path. An independent tool can then re-add everything and check our figures.
enum JournalExport {
    static let differenceAccount = "Equity:Opening Balance Difference"

    static func journal(company: Company, from: CalendarDate, to: CalendarDate, on db: any Database) async throws -> String {
        let companyID = try company.requireID()
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: companyID, on: db).map { ($0.id, $0) })
        let ledgers = try await Chart.ledgers(company: companyID, on: db)
        let accounts = Dictionary(uniqueKeysWithValues: ledgers.map { l in
            (l.id, (Chart.path(of: l.group_id, in: groups) + [l.name]).map(accountPart).joined(separator: ":"))
        })
        var out = "; FinSync360 journal of \(company.name.replacingOccurrences(of: "\n", with: " ")), \(from) to \(to)\n\n"
        let openings = ledgers.filter { $0.opening_paise != 0 }.sorted { accounts[$0.id]! < accounts[$1.id]! }
        if !openings.isEmpty {
            out += "\(company.booksBeginning) * Opening balances\n"
            var sum: Int64 = 0
            for l in openings {
                out += "    \(accounts[l.id]!)  \(amount(l.opening_paise))\n"
                sum += l.opening_paise
            }
            if sum != 0 { out += "    \(differenceAccount)  \(amount(-sum))\n" }
            out += "\n"
        }
        struct Row: Decodable { var id: UUID; var date: String; var number: String; var narration: String?; var ledger_id: UUID; var amount_paise: Int64 }
        let rows = try await db.sql().raw("""
            SELECT v.id, v.date, v.number, v.narration, e.ledger_id, e.amount_paise
            FROM vouchers v JOIN voucher_entries e ON e.voucher_id = v.id
            WHERE v.company_id = \(bind: companyID) AND v.status = 'active' AND e.superseded = \(bind: false)
              AND v.date >= \(bind: from.description) AND v.date <= \(bind: to.description)
            ORDER BY v.date, v.number, e.line_no
            """).all(decoding: Row.self)
        var current: UUID?
        for r in rows {
            if r.id != current {
                if current != nil { out += "\n" }
                current = r.id
                let narration = (r.narration ?? "").replacingOccurrences(of: "\n", with: " ")
                out += "\(r.date) * (\(r.number)) \(narration)\n"
            }
            out += "    \(accounts[r.ledger_id] ?? "Unknown")  \(amount(r.amount_paise))\n"
        }
        return out
    }

    /// hledger reads `:` as the account separator and two spaces as the end of the name.
    static func accountPart(_ s: String) -> String {
        s.replacingOccurrences(of: ":", with: "-").replacingOccurrences(of: "  ", with: " ").replacingOccurrences(of: ";", with: ",")
    }

    static func amount(_ paise: Int64) -> String { "INR " + Money(paise: paise).description }

    @Sendable static func export(req: Request) async throws -> Response {
        let context = try req.company
        let company = try await CompanyController.find(context, on: req.db)
        let (from, to) = try ReportDates.range(req, defaultFrom: (try CalendarDate(stored: company.booksBeginning)), defaultTo: Format.today())
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"books-\(from)-\(to).journal\"")
        return Response(status: .ok, headers: headers, body: .init(string: try await journal(company: company, from: from, to: to, on: req.db)))
    }
}

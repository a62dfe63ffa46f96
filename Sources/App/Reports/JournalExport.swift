import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// The books as a plain-text hledger / ledger-cli journal: opening balances, then every active voucher in range,
/// accounts named by their group path. An independent tool can then re-add everything and check our figures.
enum JournalExport {
    static let differenceAccount = "Equity:Opening Balance Difference"

    /// The whole journal in memory: for tests and small books. The endpoint streams `write` instead.
    static func journal(company: Company, from: CalendarDate, to: CalendarDate, on db: any Database) async throws -> String {
        var out = ""
        try await write(company: company, from: from, to: to, on: db) { out += $0 }
        return out
    }

    /// Hands the journal over a page of vouchers at a time, so memory stays bounded by the page, not the books.
    /// Restricted ledgers hidden from the reader, and vouchers touching them, are left out.
    static func write(company: Company, from: CalendarDate, to: CalendarDate, pageSize: Int = 500, visibility: LedgerVisibility = .everything,
                      on db: any Database, _ emit: (String) async throws -> Void) async throws {
        let companyID = try company.requireID()
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: companyID, on: db).map { ($0.id, $0) })
        let ledgers = try await Chart.ledgers(company: companyID, on: db).filter { visibility.allows(ledger: $0.id) }
        let accounts = Dictionary(uniqueKeysWithValues: ledgers.map { l in
            (l.id, (Chart.path(of: l.group_id, in: groups) + [l.name]).map(accountPart).joined(separator: ":"))
        })
        var out = "; FinSync360 journal of \(company.name.replacingOccurrences(of: "\n", with: " ")), \(from) to \(to)\n\n"
        let openings = ledgers.filter { $0.opening_paise != 0 }.sorted { (accounts[$0.id] ?? "") < (accounts[$1.id] ?? "") }
        if !openings.isEmpty {
            out += "\(company.booksBeginning) * Opening balances\n"
            var sum: Int64 = 0
            for l in openings {
                out += "    \(accounts[l.id] ?? "Unknown")  \(amount(l.opening_paise))\n"
                sum = try Checked.add(sum, l.opening_paise)
            }
            if sum != 0 { out += "    \(differenceAccount)  \(amount(0 &- sum))\n" }
            out += "\n"
        }
        try await emit(out)
        struct Voucher: Decodable { var id: UUID; var date: String; var number: String; var narration: String? }
        struct Entry: Decodable { var voucher_id: UUID; var ledger_id: UUID; var amount_paise: Int64 }
        var after: Voucher?
        let hidden = visibility.voucherCondition("vouchers.id").map { SQLQueryString("AND ") + $0 } ?? ""
        while true {
            let keyset: SQLQueryString = after.map {
                "AND (date > \(bind: $0.date) OR (date = \(bind: $0.date) AND (number > \(bind: $0.number) OR (number = \(bind: $0.number) AND id > \(bind: $0.id)))))"
            } ?? ""
            let vouchers = try await db.sql().raw("""
                SELECT id, date, number, narration FROM vouchers
                WHERE company_id = \(bind: companyID) AND status = 'active' AND date >= \(bind: from.description) AND date <= \(bind: to.description) \(keyset) \(hidden)
                ORDER BY date, number, id LIMIT \(bind: pageSize)
                """).all(decoding: Voucher.self)
            guard let last = vouchers.last else { return }
            let entries = Dictionary(grouping: try await db.sql().raw("""
                SELECT voucher_id, ledger_id, amount_paise FROM voucher_entries
                WHERE voucher_id IN (\(binds: vouchers.map(\.id))) AND superseded = \(bind: false) ORDER BY line_no
                """).all(decoding: Entry.self), by: \.voucher_id)
            var chunk = ""
            for v in vouchers {
                chunk += "\(v.date) * (\(v.number)) \((v.narration ?? "").replacingOccurrences(of: "\n", with: " "))\n"
                for e in entries[v.id] ?? [] { chunk += "    \(accounts[e.ledger_id] ?? "Unknown")  \(amount(e.amount_paise))\n" }
                chunk += "\n"
            }
            try await emit(chunk)
            after = last
        }
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
        let db = req.db
        let visibility = try await req.ledgerVisibility()
        return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
            do {
                try await write(company: company, from: from, to: to, visibility: visibility, on: db) { try await writer.write(.buffer(ByteBuffer(string: $0))) }
                try await writer.write(.end)
            } catch {
                try await writer.write(.error(error))
            }
        }))
    }
}

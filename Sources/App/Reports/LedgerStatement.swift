import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

struct LedgerStatementDTO: APIResponseBody {
    struct Line: Codable, Sendable {
        var date: String
        var voucherId: UUID
        var type: String
        var number: String
        var narration: String?
        var debit: String?
        var credit: String?
        var balance: BalanceDTO
    }

    var ledger: String
    var ledgerId: UUID
    var from: String
    var to: String
    var opening: BalanceDTO
    /// Balance brought forward to the first line of this page.
    var broughtForward: BalanceDTO
    var lines: [Line]
    var closing: BalanceDTO
    var nextCursor: String?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ledger, forKey: .ledger)
        try c.encode(ledgerId, forKey: .ledgerId)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(opening, forKey: .opening)
        try c.encode(broughtForward, forKey: .broughtForward)
        try c.encode(lines, forKey: .lines)
        try c.encode(closing, forKey: .closing)
        try c.encode(nextCursor, forKey: .nextCursor)  // null on the last page
    }

    static let schema = Schema.ref("LedgerStatement", .object([
        .required("ledger", .text()), .required("ledgerId", .uuid), .required("from", .date), .required("to", .date),
        .required("opening", BalanceDTO.schema), .required("broughtForward", BalanceDTO.schema),
        .required("lines", .array(.object([
            .required("date", .date), .required("voucherId", .uuid), .required("type", .string()), .required("number", .string()),
            .optional("narration", .nullable(.text())), .optional("debit", .nullable(.string())), .optional("credit", .nullable(.string())),
            .required("balance", BalanceDTO.schema),
        ]))),
        .required("closing", BalanceDTO.schema), .required("nextCursor", .nullable(.string())),
    ]))
}

/// A ledger's entries over a range with a running balance, page by page; each line names its voucher for drill-down.
enum LedgerStatement {
    @Sendable static func report(req: Request) async throws -> LedgerStatementDTO {
        let context = try req.company
        let company = try await CompanyController.find(context, on: req.db)
        guard let ref = req.query[String.self, at: "ledger"] else { throw APIError.validation(field: "ledger", "is required (name or id)") }
        let fyMonth = CalendarDate(company.financialYearStart)?.month ?? 4
        let today = Format.today()
        let (from, to) = try ReportDates.range(req, defaultFrom: today.financialYearStart(month: fyMonth), defaultTo: today)
        let paging = try OffsetPaging(req)
        return try await compute(company: company, ledgerReference: ref, from: from, to: to, limit: paging.limit, offset: paging.offset,
                                 visibility: try await req.ledgerVisibility(), on: req.db)
    }

    /// A line whose voucher also touches a ledger hidden from the reader stays (so the balance is true) without its
    /// narration; the voucher itself is not found for them.
    static func compute(company: Company, ledgerReference ref: String, from: CalendarDate, to: CalendarDate, limit: Int, offset: Int,
                        visibility: LedgerVisibility = .everything, on db: any Database) async throws -> LedgerStatementDTO
    {
        let companyID = try company.requireID()
        guard let ledger = try await Chart.ledger(ref, company: companyID, on: db), visibility.allows(ledger: ledger.id) else {
            throw APIError.validation(field: "ledger", "no ledger '\(ref)' in this company")
        }
        let fyMonth = CalendarDate(company.financialYearStart)?.month ?? 4
        // Income and expense ledgers restart each financial year; balance-sheet ledgers carry everything before.
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: companyID, on: db).map { ($0.id, $0) })
        let revenue = groups[ledger.group_id]?.nature.isRevenue == true
        let carryFrom = revenue ? from.financialYearStart(month: fyMonth) : CalendarDate.earliest
        let before = try await Movements.between(company: companyID, from: carryFrom, to: from.adding(days: -1), ledger: ledger.id, on: db)[ledger.id] ?? 0
        let opening = (revenue ? 0 : ledger.opening_paise) + before

        struct Row: Decodable { var date: String; var voucher_id: UUID; var name: String; var number: String; var narration: String?; var amount_paise: Int64 }
        let sql = db.sql()
        let rows = try await sql.raw("""
            SELECT v.date, e.voucher_id, t.name, v.number, v.narration, e.amount_paise
            FROM voucher_entries e JOIN vouchers v ON v.id = e.voucher_id JOIN voucher_types t ON t.id = v.voucher_type_id
            WHERE e.ledger_id = \(bind: ledger.id) AND e.date >= \(bind: from.description) AND e.date <= \(bind: to.description)
              AND e.superseded = \(bind: false) AND v.status = 'active'
            ORDER BY e.date, e.number, e.line_no LIMIT \(bind: limit + 1) OFFSET \(bind: offset)
            """).all(decoding: Row.self)
        struct Sum: Decodable { var s: Int64? }
        let earlier = offset == 0 ? 0 : (try await sql.raw("""
            SELECT CAST(SUM(amount_paise) AS BIGINT) AS s FROM (
                SELECT e.amount_paise FROM voucher_entries e JOIN vouchers v ON v.id = e.voucher_id
                WHERE e.ledger_id = \(bind: ledger.id) AND e.date >= \(bind: from.description) AND e.date <= \(bind: to.description)
                  AND e.superseded = \(bind: false) AND v.status = 'active'
                ORDER BY e.date, e.number, e.line_no LIMIT \(bind: offset)) page
            """).first(decoding: Sum.self)?.s ?? 0)
        let inRange = try await Movements.between(company: companyID, from: from, to: to, ledger: ledger.id, on: db)[ledger.id] ?? 0
        var running = opening + earlier
        let broughtForward = running
        let withheld = try await visibility.touching(rows.prefix(limit).map(\.voucher_id), on: db)
        let lines = rows.prefix(limit).map { r -> LedgerStatementDTO.Line in
            running += r.amount_paise
            return .init(date: r.date, voucherId: r.voucher_id, type: r.name, number: r.number,
                         narration: withheld.contains(r.voucher_id) ? nil : r.narration,
                         debit: r.amount_paise > 0 ? Money(paise: r.amount_paise).description : nil,
                         credit: r.amount_paise < 0 ? Money(paise: -r.amount_paise).description : nil,
                         balance: BalanceDTO(Balance(signed: running)))
        }
        return LedgerStatementDTO(
            ledger: ledger.name, ledgerId: ledger.id, from: from.description, to: to.description,
            opening: BalanceDTO(Balance(signed: opening)), broughtForward: BalanceDTO(Balance(signed: broughtForward)), lines: lines,
            closing: BalanceDTO(Balance(signed: opening + inRange)), nextCursor: rows.count > limit ? String(offset + limit) : nil)
    }
}

/// Every voucher of a day (or range), cancelled ones included, in entry order: Tally's Day Book.
enum DayBook {
    @Sendable static func report(req: Request) async throws -> Page<VoucherDTO> {
        let context = try req.company
        let today = Format.today()
        let (from, to) = try ReportDates.range(req, defaultFrom: today, defaultTo: today)
        let paging = try OffsetPaging(req)
        struct Row: Decodable { var id: UUID }
        let hidden = try await req.ledgerVisibility().voucherCondition("vouchers.id").map { SQLQueryString("AND ") + $0 } ?? ""
        let ids = try await req.db.sql().raw("""
            SELECT id FROM vouchers WHERE company_id = \(bind: context.companyID) \(hidden)
            AND date >= \(bind: from.description) AND date <= \(bind: to.description) ORDER BY date, created_at, number, id LIMIT \(bind: paging.limit + 1) OFFSET \(bind: paging.offset)
            """).all(decoding: Row.self)
        var items: [VoucherDTO] = []
        for row in ids.prefix(paging.limit) { items.append(try await VoucherController.load(row.id.uuidString, company: context.companyID, on: req.db)) }
        return Page(items: items, nextCursor: paging.next(fetched: ids.count))
    }
}

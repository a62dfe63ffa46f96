import Fluent
import Foundation
import SQLKit
import Vapor

/// Recomputes what the books maintain and reports every difference: unbalanced vouchers, day totals that disagree
/// with the entries behind them, month totals that disagree with their days, and bills whose kept balance disagrees
/// with their allocations, stock positions and GST day totals that disagree with what is behind them. Used by `finsync verify-books` and after every App test.
enum BooksVerifier {
    struct Difference: Sendable, Equatable, CustomStringConvertible {
        var description: String
    }

    static func verify(company: UUID? = nil, on db: any Database) async throws -> [Difference] {
        let sql = db.sql()
        var out: [Difference] = []
        struct Unbalanced: Decodable { var voucher_id: UUID; var net: Int64 }
        let filter: SQLQueryString = company.map { "AND v.company_id = \(bind: $0)" } ?? ""
        let unbalanced = try await sql.raw("""
            SELECT e.voucher_id, CAST(SUM(e.amount_paise) AS BIGINT) AS net
            FROM voucher_entries e JOIN vouchers v ON v.id = e.voucher_id
            WHERE v.status = 'active' AND e.superseded = \(bind: false) \(filter)
            GROUP BY e.voucher_id HAVING SUM(e.amount_paise) <> 0
            """).all(decoding: Unbalanced.self)
        out += unbalanced.map { Difference(description: "voucher \($0.voucher_id) does not balance: net \($0.net) paise") }

        struct Day: Decodable, Hashable { var ledger_id: UUID; var date: String; var debit: Int64; var credit: Int64 }
        let fromEntries = try await sql.raw("""
            SELECT e.ledger_id, v.date,
                   CAST(SUM(CASE WHEN e.amount_paise > 0 THEN e.amount_paise ELSE 0 END) AS BIGINT) AS debit,
                   CAST(SUM(CASE WHEN e.amount_paise < 0 THEN -e.amount_paise ELSE 0 END) AS BIGINT) AS credit
            FROM voucher_entries e JOIN vouchers v ON v.id = e.voucher_id
            WHERE v.status = 'active' AND e.superseded = \(bind: false) \(filter)
            GROUP BY e.ledger_id, v.date
            """).all(decoding: Day.self)
        let totalsFilter: SQLQueryString = company.map { "WHERE company_id = \(bind: $0)" } ?? ""
        let maintained = try await sql.raw("""
            SELECT ledger_id, date, debit_paise AS debit, credit_paise AS credit FROM ledger_day_totals \(totalsFilter)
            """).all(decoding: Day.self).filter { $0.debit != 0 || $0.credit != 0 }
        let expected = Set(fromEntries)
        let actual = Set(maintained)
        for d in expected.subtracting(actual) {
            out.append(Difference(description: "ledger \(d.ledger_id) on \(d.date): entries give Dr \(d.debit) Cr \(d.credit) paise; day totals disagree"))
        }
        for d in actual.subtracting(expected) where !expected.contains(where: { $0.ledger_id == d.ledger_id && $0.date == d.date }) {
            out.append(Difference(description: "ledger \(d.ledger_id) on \(d.date): day totals Dr \(d.debit) Cr \(d.credit) paise have no entries behind them"))
        }
        struct Stray: Decodable { var voucher_id: UUID }
        let stray = try await sql.raw("""
            SELECT DISTINCT e.voucher_id FROM voucher_entries e JOIN vouchers v ON v.id = e.voucher_id
            WHERE e.superseded = \(bind: false) AND (e.date IS NULL OR e.date <> v.date OR e.number <> v.number) \(filter)
            """).all(decoding: Stray.self)
        out += stray.map { Difference(description: "voucher \($0.voucher_id): its entries carry a date or number other than the voucher's") }
        struct Month: Decodable, Hashable { var ledger_id: UUID; var month: String; var debit: Int64; var credit: Int64 }
        let monthsFromDays = Set(try await sql.raw("""
            SELECT ledger_id, SUBSTR(date, 1, 7) AS month, CAST(SUM(debit_paise) AS BIGINT) AS debit, CAST(SUM(credit_paise) AS BIGINT) AS credit
            FROM ledger_day_totals \(totalsFilter) GROUP BY ledger_id, SUBSTR(date, 1, 7)
            """).all(decoding: Month.self).filter { $0.debit != 0 || $0.credit != 0 })
        let months = Set(try await sql.raw("""
            SELECT ledger_id, month, debit_paise AS debit, credit_paise AS credit FROM ledger_month_totals \(totalsFilter)
            """).all(decoding: Month.self).filter { $0.debit != 0 || $0.credit != 0 })
        let wrong = Set(months.symmetricDifference(monthsFromDays).map { "\($0.ledger_id) in \($0.month)" })
        out += wrong.sorted().map { Difference(description: "ledger \($0): month totals disagree with the day totals") }
        struct Kept: Decodable { var id: UUID; var kept: Int64; var actual: Int64 }
        let billFilter: SQLQueryString = company.map { "WHERE b.company_id = \(bind: $0)" } ?? ""
        let drifted = try await sql.raw("""
            SELECT b.id, b.outstanding_paise AS kept,
                   CAST(b.opening_paise + COALESCE(SUM(CASE WHEN v.status = 'active' AND a.superseded = \(bind: false) THEN a.amount_paise ELSE 0 END), 0) AS BIGINT) AS actual
            FROM bills b LEFT JOIN bill_allocations a ON a.bill_id = b.id LEFT JOIN vouchers v ON v.id = a.voucher_id \(billFilter)
            GROUP BY b.id, b.outstanding_paise, b.opening_paise
            HAVING b.outstanding_paise <> b.opening_paise + COALESCE(SUM(CASE WHEN v.status = 'active' AND a.superseded = \(bind: false) THEN a.amount_paise ELSE 0 END), 0)
            """).all(decoding: Kept.self)
        out += drifted.map { Difference(description: "bill \($0.id): keeps \($0.kept) paise outstanding; its allocations give \($0.actual)") }
        out += try await Stock.positionDifferences(company: company, on: db).map { Difference(description: $0) }
        out += try await GSTDayTotals.differences(company: company, on: sql).map { Difference(description: $0) }
        return out
    }
}

/// `finsync verify-books [--company ID]`: exits non-zero when the books disagree with themselves.
struct VerifyBooksCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "company", help: "Only this company (id); all companies when left out.")
        var company: String?

        @Flag(name: "deep", help: "Also compare every voucher, its entries and bills with the audit entry that last wrote it.")
        var deep: Bool

        init() {}
    }

    var help: String { "Recomputes every maintained balance from the vouchers and reports any difference." }

    func run(using context: CommandContext, signature: Signature) async throws {
        var company: UUID?
        if let raw = signature.company {
            guard let id = UUID(uuidString: raw) else { throw StartupError(setting: "--company", problem: "'\(raw)' is not a company id") }
            company = id
        }
        try await DatabaseStartup.migrate(context.application)
        var differences = try await BooksVerifier.verify(company: company, on: context.application.db)
        if signature.deep {
            let deep = try await BooksVerifier.deep(company: company, on: context.application.db)
            context.console.print("Deep check: \(deep.checked) voucher(s) compared with their audit entries, \(deep.untied) written before vouchers kept one.")
            differences += deep.differences
        }
        if differences.isEmpty {
            context.console.print("Books verified: every voucher balances and every day total matches its entries.")
        } else {
            differences.forEach { context.console.print("difference: \($0)") }
            throw StartupError(setting: "verify-books", problem: "found \(differences.count) difference(s)")
        }
    }
}

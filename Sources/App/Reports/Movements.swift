import Fluent
import Foundation
import Ledger
import SQLKit

/// Debit and credit per ledger over a date range, from the maintained totals: whole months come from the month
/// table, the part months at either end from the day table. Every report that needs balances asks here.
enum Movements {
    struct Sums: Decodable { var ledger_id: UUID; var debit: Int64; var credit: Int64 }

    static func sums(company: UUID, from: CalendarDate, to: CalendarDate, ledger: UUID? = nil,
                     on db: any Database) async throws -> [UUID: (debit: Int64, credit: Int64)] {
        guard from <= to else { return [:] }
        let sql = db.sql()
        let only: SQLQueryString = ledger.map { "AND ledger_id = \(bind: $0)" } ?? ""
        // Whole months lie between the first month start on or after `from` and the last month end on or before `to`.
        let firstWhole = from.day == 1 ? from : from.monthEnd.nextDay
        let lastWhole = to == to.monthEnd ? to : to.monthStart.adding(days: -1)
        var parts: [Sums] = []
        if firstWhole < lastWhole {
            parts += try await sql.raw("""
                SELECT ledger_id, CAST(SUM(debit_paise) AS BIGINT) AS debit, CAST(SUM(credit_paise) AS BIGINT) AS credit
                FROM ledger_month_totals WHERE company_id = \(bind: company) \(only)
                  AND month >= \(bind: firstWhole.monthKey) AND month <= \(bind: lastWhole.monthKey)
                GROUP BY ledger_id
                """).all(decoding: Sums.self)
            var days: [(CalendarDate, CalendarDate)] = []
            if from < firstWhole { days.append((from, firstWhole.adding(days: -1))) }
            if lastWhole < to { days.append((lastWhole.nextDay, to)) }
            for (a, b) in days { parts += try await daySums(company: company, from: a, to: b, only: only, on: sql) }
        } else {
            parts = try await daySums(company: company, from: from, to: to, only: only, on: sql)
        }
        var out: [UUID: (debit: Int64, credit: Int64)] = [:]
        for p in parts {
            let s = out[p.ledger_id] ?? (0, 0)
            out[p.ledger_id] = (s.debit + p.debit, s.credit + p.credit)
        }
        return out
    }

    /// Net movement (debit minus credit) per ledger.
    static func between(company: UUID, from: CalendarDate, to: CalendarDate, ledger: UUID? = nil,
                        on db: any Database) async throws -> [UUID: Int64] {
        try await sums(company: company, from: from, to: to, ledger: ledger, on: db).mapValues { $0.debit - $0.credit }
    }

    private static func daySums(company: UUID, from: CalendarDate, to: CalendarDate, only: SQLQueryString,
                                on sql: any SQLDatabase) async throws -> [Sums] {
        try await sql.raw("""
            SELECT ledger_id, CAST(SUM(debit_paise) AS BIGINT) AS debit, CAST(SUM(credit_paise) AS BIGINT) AS credit
            FROM ledger_day_totals WHERE company_id = \(bind: company) \(only)
              AND date >= \(bind: from.description) AND date <= \(bind: to.description)
            GROUP BY ledger_id
            """).all(decoding: Sums.self)
    }
}

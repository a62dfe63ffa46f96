import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// Per-ledger per-day debit and credit totals, maintained with every posting and cancellation so reports read
/// O(ledgers × days with activity) rows instead of every entry.
enum DayTotals {
    /// Adds (`sign` 1) or takes off (`sign` -1) the effect of one voucher's lines.
    static func apply(_ lines: [(UUID, VoucherLine)], date: CalendarDate, company: UUID, sign: Int64, on sql: any SQLDatabase) async throws {
        var byLedger: [UUID: VoucherPosting.DayTotalRow] = [:]
        for (ledger, line) in lines {
            var t = byLedger[ledger] ?? .init(company_id: company, ledger_id: ledger, date: date.description, debit_paise: 0, credit_paise: 0)
            if line.side == .debit { t.debit_paise += sign * line.amount.paise } else { t.credit_paise += sign * line.amount.paise }
            byLedger[ledger] = t
        }
        try await upsert(Array(byLedger.values), on: sql)
    }

    struct MonthTotalRow: Codable, BoundRow {
        var company_id: UUID; var ledger_id: UUID; var month: String; var debit_paise: Int64; var credit_paise: Int64
        static let columns = ["company_id", "ledger_id", "month", "debit_paise", "credit_paise"]
        var values: [BoundValue] { [.uuid(company_id), .uuid(ledger_id), .text(month), .int(debit_paise), .int(credit_paise)] }
    }

    /// Adds the rows to the stored day totals and to their months, 500 rows a statement, in a fixed order so
    /// concurrent writers on PostgreSQL take row locks in the same order and cannot deadlock.
    static func upsert(_ rows: [VoucherPosting.DayTotalRow], on sql: any SQLDatabase) async throws {
        let sorted = rows.sorted { ($0.ledger_id.uuidString, $0.date) < ($1.ledger_id.uuidString, $1.date) }
        try await add(sorted, into: "ledger_day_totals", key: "date", on: sql)
        var months: [String: MonthTotalRow] = [:]
        for r in sorted {
            let month = String(r.date.prefix(7))
            var m = months[r.ledger_id.uuidString + month] ?? .init(company_id: r.company_id, ledger_id: r.ledger_id, month: month, debit_paise: 0, credit_paise: 0)
            m.debit_paise += r.debit_paise
            m.credit_paise += r.credit_paise
            months[r.ledger_id.uuidString + month] = m
        }
        try await add(months.sorted { $0.key < $1.key }.map(\.value), into: "ledger_month_totals", key: "month", on: sql)
    }

    private static func add<Row: BoundRow>(_ rows: [Row], into table: String, key: String, on sql: any SQLDatabase) async throws {
        try await BoundRows.upsert(rows, into: table, conflict: ["ledger_id", key], update: [
            ("debit_paise", "\(table).debit_paise + excluded.debit_paise"), ("credit_paise", "\(table).credit_paise + excluded.credit_paise"),
        ], on: sql)
    }
}

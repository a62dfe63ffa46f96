import Fluent
import SQLKit

/// Migration 006: per-ledger per-month totals beside the day totals, so a report over a year reads about
/// ledgers × 12 month rows plus the days of at most two part months, not ledgers × 365 day rows.
struct CreateMonthTotals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("ledger_month_totals")
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("ledger_id", .uuid, .required, .references("ledgers", "id"))
            .field("month", .string, .required)
            .field("debit_paise", .int64, .required)
            .field("credit_paise", .int64, .required)
            .unique(on: "ledger_id", "month")
            .create()
        let sql = database.sql()
        try await sql.raw("CREATE INDEX ledger_month_totals_company ON ledger_month_totals (company_id, month)").run()
        // Books written before this migration get their months from their day totals.
        try await sql.raw("""
            INSERT INTO ledger_month_totals (company_id, ledger_id, month, debit_paise, credit_paise)
            SELECT company_id, ledger_id, SUBSTR(date, 1, 7), CAST(SUM(debit_paise) AS BIGINT), CAST(SUM(credit_paise) AS BIGINT)
            FROM ledger_day_totals GROUP BY company_id, ledger_id, SUBSTR(date, 1, 7)
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("ledger_month_totals").delete()
    }
}

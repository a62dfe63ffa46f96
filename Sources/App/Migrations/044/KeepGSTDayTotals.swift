import Fluent
import SQLKit

/// Migration 044: per-day GST totals by everything GSTR-3B's builder looks at, kept by invoice posting and
/// cancellation (`GSTDayTotals`), so a month's 3B reads a few hundred rows in index order instead of summing every
/// invoice line of the month. Existing invoices get theirs here.
struct KeepGSTDayTotals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("gst_day_totals")
            .field("company_id", .uuid, .required)
            .field("registration_id", .uuid, .required)
            .field("date", .string, .required)
            .field("direction", .string, .required)
            .field("kind", .string, .required)
            .field("party_registration", .string, .required)
            .field("supplier_state", .string, .required)
            .field("place_of_supply", .string, .required)
            .field("supply_type", .string, .required)
            .field("reverse_charge", .bool, .required)
            .field("treatment", .string, .required)
            .field("rate_milli", .int64, .required)
            .field("taxable_paise", .int64, .required)
            .field("cgst_paise", .int64, .required)
            .field("sgst_paise", .int64, .required)
            .field("igst_paise", .int64, .required)
            .field("cess_paise", .int64, .required)
            .create()
        let sql = database.sql()
        try await sql.raw("CREATE UNIQUE INDEX gst_day_totals_key ON gst_day_totals (\(unsafeRaw: GSTDayTotals.key.joined(separator: ", ")))").run()
        try await sql.raw("""
            INSERT INTO gst_day_totals (\(unsafeRaw: GSTDayTotals.columns))
            \(unsafeRaw: GSTDayTotals.select(sign: 1))
            WHERE i.registration_id IS NOT NULL AND v.status = 'active'
            GROUP BY \(unsafeRaw: GSTDayTotals.grouping)
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("gst_day_totals").delete()
    }
}

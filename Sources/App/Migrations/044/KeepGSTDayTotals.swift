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
        // Written out here rather than taken from `GSTDayTotals`: a migration stays what it was when it first ran.
        let sql = database.sql()
        try await sql.raw("""
            CREATE UNIQUE INDEX gst_day_totals_key ON gst_day_totals (company_id, registration_id, date, direction, kind,
                party_registration, supplier_state, place_of_supply, supply_type, reverse_charge, treatment, rate_milli)
            """).run()
        try await sql.raw("""
            INSERT INTO gst_day_totals (company_id, registration_id, date, direction, kind, party_registration, supplier_state,
                place_of_supply, supply_type, reverse_charge, treatment, rate_milli,
                taxable_paise, cgst_paise, sgst_paise, igst_paise, cess_paise)
            SELECT i.company_id, i.registration_id, i.date, i.direction, i.kind, i.party_registration, i.supplier_state,
                i.place_of_supply, i.supply_type, i.reverse_charge, l.treatment, l.rate_milli,
                CAST(SUM(l.taxable_paise) AS BIGINT), CAST(SUM(l.cgst_paise) AS BIGINT), CAST(SUM(l.sgst_paise) AS BIGINT),
                CAST(SUM(l.igst_paise) AS BIGINT), CAST(SUM(l.cess_paise + l.cess_non_advol_paise) AS BIGINT)
            FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id JOIN vouchers v ON v.id = i.voucher_id
            WHERE i.registration_id IS NOT NULL AND v.status = 'active'
            GROUP BY i.company_id, i.registration_id, i.date, i.direction, i.kind, i.party_registration, i.supplier_state,
                i.place_of_supply, i.supply_type, i.reverse_charge, l.treatment, l.rate_milli
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("gst_day_totals").delete()
    }
}

import Fluent
import SQLKit

/// Migration 007: GST registrations, items with effective-dated rates, invoices and their computed lines.
/// Every amount an invoice shows is stored as computed once (paise), so returns only add them up.
struct CreateGST: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("gst_registrations")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("gstin", .string, .required)
            .field("state_code", .string, .required)
            .field("kind", .string, .required)
            .field("turnover_above_5cr", .bool, .required)
            .field("legal_name", .string)
            .field("address", .string)
            .field("place", .string)
            .field("pincode", .string)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "company_id", "gstin")
            .create()

        // Parties need a place and PIN code for e-invoices and e-way bills.
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await database.schema("ledgers").field("place", .string).update()
        try await database.schema("ledgers").field("pincode", .string).update()

        try await database.schema("items")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("hsn", .string, .required)
            .field("unit", .string, .required)
            .field("kind", .string, .required)
            .field("taxability", .string, .required)
            .field("sales_ledger_id", .uuid, .references("ledgers", "id"))
            .field("purchase_ledger_id", .uuid, .references("ledgers", "id"))
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "company_id", "name_key")
            .create()

        try await database.schema("item_rates")
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("from_date", .string, .required)
            .field("rate_milli", .int64, .required)
            .field("cess_milli", .int64, .required)
            .unique(on: "item_id", "from_date")
            .create()

        try await database.schema("invoices")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("registration_id", .uuid, .references("gst_registrations", "id"))
            .field("kind", .string, .required)
            .field("direction", .string, .required)
            .field("number", .string, .required)
            .field("fy_start", .string, .required)
            .field("date", .string, .required)
            .field("party_ledger_id", .uuid, .required, .references("ledgers", "id"))
            .field("party_registration", .string, .required)
            .field("party_gstin", .string)
            .field("supplier_state", .string, .required)
            .field("place_of_supply", .string, .required)
            .field("supply_type", .string, .required)
            .field("reverse_charge", .bool, .required)
            .field("original_invoice_id", .uuid)
            .field("voucher_id", .uuid, .required, .references("vouchers", "id"))
            .field("taxable_paise", .int64, .required)
            .field("tax_paise", .int64, .required)
            .field("round_off_paise", .int64, .required)
            .field("total_paise", .int64, .required)
            .field("created_at", .datetime)
            .create()

        try await database.schema("invoice_lines")
            .id()
            .field("invoice_id", .uuid, .required, .references("invoices", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("line_no", .int, .required)
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("description", .string, .required)
            .field("hsn", .string, .required)
            .field("uqc", .string, .required)
            .field("quantity_milli", .int64, .required)
            .field("price_paise", .int64, .required)
            .field("discount_paise", .int64, .required)
            .field("taxable_paise", .int64, .required)
            .field("treatment", .string, .required)
            .field("rate_milli", .int64, .required)
            .field("cess_milli", .int64, .required)
            .field("cgst_paise", .int64, .required)
            .field("sgst_paise", .int64, .required)
            .field("igst_paise", .int64, .required)
            .field("cess_paise", .int64, .required)
            .field("utgst", .bool, .required)
            .create()

        let sql = database.sql()
        // Outward numbers are unique per registration and year (the voucher series guarantees it); a supplier's
        // number is unique per supplier and year.
        try await sql.raw("CREATE INDEX invoices_company_date ON invoices (company_id, date)").run()
        try await sql.raw("CREATE UNIQUE INDEX invoices_number ON invoices (company_id, direction, party_ledger_id, kind, fy_start, number)").run()
        try await sql.raw("CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["invoice_lines", "invoices", "item_rates", "items", "gst_registrations"] { try await database.schema(table).delete() }
        try await database.schema("ledgers").deleteField("place").update()
        try await database.schema("ledgers").deleteField("pincode").update()
    }
}

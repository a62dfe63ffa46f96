import Fluent
import Foundation
import SQLKit

/// Migration 003: chart of accounts, voucher types and numbering, vouchers, maintained day totals, period locks.
/// Amounts are BIGINT paise; calendar dates are YYYY-MM-DD text (they compare correctly as strings).
struct CreateBooks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("account_names")
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("name_key", .string, .required)
            .field("kind", .string, .required)
            .field("entity_id", .uuid, .required)
            .unique(on: "company_id", "name_key")
            .create()

        try await database.schema("account_groups")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("name", .string, .required)
            .field("parent_id", .uuid)
            .field("nature", .string, .required)
            .field("role", .string, .required)
            .field("affects_gross_profit", .bool, .required)
            .field("is_party_group", .bool, .required)
            .field("reserved", .bool, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .create()

        try await database.schema("ledgers")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("name", .string, .required)
            .field("group_id", .uuid, .required, .references("account_groups", "id"))
            .field("opening_paise", .int64, .required)
            .field("gstin", .string)
            .field("registration_type", .string)
            .field("state_code", .string)
            .field("address", .string)
            .field("contact", .string)
            .field("credit_period_days", .int)
            .field("credit_limit_paise", .int64)
            .field("bill_wise", .bool, .required)
            .field("reserved", .bool, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .create()

        try await database.schema("voucher_types")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("kind", .string, .required)
            .field("prefix", .string, .required)
            .field("suffix", .string, .required)
            .field("width", .int, .required)
            .field("automatic", .bool, .required)
            .field("reserved", .bool, .required)
            .unique(on: "company_id", "name_key")
            .create()

        try await database.schema("voucher_series")
            .field("voucher_type_id", .uuid, .required, .references("voucher_types", "id"))
            .field("fy_start", .string, .required)
            .field("last_number", .int64, .required)
            .unique(on: "voucher_type_id", "fy_start")
            .create()

        try await database.schema("vouchers")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("voucher_type_id", .uuid, .required, .references("voucher_types", "id"))
            .field("kind", .string, .required)
            .field("number", .string, .required)
            .field("date", .string, .required)
            .field("fy_start", .string, .required)
            .field("narration", .string)
            .field("reference", .string)
            .field("status", .string, .required)
            .field("total_paise", .int64, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .field("cancelled_at", .datetime)
            .unique(on: "company_id", "voucher_type_id", "fy_start", "number")
            .create()

        try await database.schema("voucher_entries")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("voucher_id", .uuid, .required, .references("vouchers", "id"))
            .field("line_no", .int, .required)
            .field("ledger_id", .uuid, .required, .references("ledgers", "id"))
            .field("amount_paise", .int64, .required)
            // An amendment supersedes the old lines instead of deleting them.
            .field("superseded", .bool, .required)
            .create()

        try await database.schema("bills")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("ledger_id", .uuid, .required, .references("ledgers", "id"))
            .field("reference", .string, .required)
            .field("date", .string, .required)
            .field("due_date", .string, .required)
            .unique(on: "ledger_id", "reference")
            .create()

        try await database.schema("bill_allocations")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("voucher_id", .uuid, .required, .references("vouchers", "id"))
            .field("ledger_id", .uuid, .required, .references("ledgers", "id"))
            .field("bill_id", .uuid, .references("bills", "id"))
            .field("type", .string, .required)
            .field("amount_paise", .int64, .required)
            .field("superseded", .bool, .required)
            .create()

        try await database.schema("ledger_day_totals")
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("ledger_id", .uuid, .required, .references("ledgers", "id"))
            .field("date", .string, .required)
            .field("debit_paise", .int64, .required)
            .field("credit_paise", .int64, .required)
            .unique(on: "ledger_id", "date")
            .create()

        try await database.schema("period_locks")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("locked_through", .string, .required)
            .field("reason", .string, .required)
            .field("active", .bool, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .field("unlocked_at", .datetime)
            .create()

        let sql = database.sql()
        try await sql.raw("CREATE INDEX account_groups_company ON account_groups (company_id, parent_id)").run()
        try await sql.raw("CREATE INDEX ledgers_company_group ON ledgers (company_id, group_id)").run()
        try await sql.raw("CREATE INDEX vouchers_company_date ON vouchers (company_id, date)").run()
        try await sql.raw("CREATE INDEX voucher_entries_voucher ON voucher_entries (voucher_id)").run()
        try await sql.raw("CREATE INDEX voucher_entries_ledger ON voucher_entries (company_id, ledger_id)").run()
        try await sql.raw("CREATE INDEX ledger_day_totals_company ON ledger_day_totals (company_id, date)").run()
        try await sql.raw("CREATE INDEX bill_allocations_bill ON bill_allocations (bill_id)").run()
        try await sql.raw("CREATE INDEX bill_allocations_voucher ON bill_allocations (voucher_id)").run()

        // Companies created before the books existed get the default chart now.
        struct Row: Decodable { var id: UUID; var financial_year_start: String }
        for company in try await sql.raw("SELECT id, financial_year_start FROM companies").all(decoding: Row.self) {
            try await ChartSeeder.seed(company: company.id, on: database)
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["period_locks", "ledger_day_totals", "bill_allocations", "bills", "voucher_entries", "vouchers", "voucher_series", "voucher_types",
                      "ledgers", "account_groups", "account_names"] {
            try await database.schema(table).delete()
        }
    }
}

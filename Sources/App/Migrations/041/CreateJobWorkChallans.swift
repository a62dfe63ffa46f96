import Fluent
import SQLKit

/// Migration 041: delivery challans for job work (CGST Act s.143, Rule 55): goods sent to a job worker and received back.
/// They move no stock in the books (the goods stay ours), but travel on an e-way bill and count in GSTR-1 Table 13.
struct CreateJobWorkChallans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("job_work_challans")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("registration_id", .uuid)
            .field("direction", .string, .required)
            .field("number", .string, .required)
            .field("fy_start", .string, .required)
            .field("date", .string, .required)
            .field("party_ledger_id", .uuid, .required, .references("ledgers", "id"))
            .field("narration", .string)
            .field("active", .bool, .required)
            .field("created_by", .uuid)
            .create()
        try await database.schema("job_work_challan_lines")
            .id()
            .field("challan_id", .uuid, .required, .references("job_work_challans", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("line_no", .int, .required)
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("quantity_milli", .int64, .required)
            .field("rate_paise", .int64, .required)
            .field("value_paise", .int64, .required)
            .create()
        try await database.sql().raw("CREATE INDEX job_work_challans_company_date ON job_work_challans (company_id, date)").run()
        try await database.sql().raw("CREATE INDEX job_work_challan_lines_challan ON job_work_challan_lines (challan_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("job_work_challan_lines").delete()
        try await database.schema("job_work_challans").delete()
    }
}

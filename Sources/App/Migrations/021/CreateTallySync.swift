import Fluent
import SQLKit

/// Migration 021: live sync with Tally's HTTP server — each company's settings and watermarks, and every conflict
/// (an object changed on both sides between two syncs) with how it was resolved.
struct CreateTallySync: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tally_sync")
            .field("company_id", .uuid, .identifier(auto: false), .references("companies", "id"))
            .field("url", .string, .required)
            .field("tally_company", .string, .required)
            .field("enabled", .bool, .required)
            .field("conflict_rule", .string, .required)
            .field("interval_minutes", .int, .required)
            .field("master_alter_id", .int64, .required)
            .field("voucher_alter_id", .int64, .required)
            .field("status", .string, .required)
            .field("last_run_at", .datetime)
            .field("last_success_at", .datetime)
            .field("last_error", .string)
            .field("failures", .int, .required)
            .field("last_report", .string)
            .create()
        try await database.schema("tally_conflicts")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("kind", .string, .required)
            .field("guid", .string, .required)
            .field("entity_id", .uuid)
            .field("name", .string, .required)
            .field("detected_at", .datetime, .required)
            .field("resolution", .string, .required)
            .field("detail", .string, .required)
            .create()
        try await database.sql().raw("CREATE INDEX tally_conflicts_company ON tally_conflicts (company_id, detected_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tally_conflicts").delete()
        try await database.schema("tally_sync").delete()
    }
}

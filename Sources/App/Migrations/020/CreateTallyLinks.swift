import Fluent
import SQLKit

/// Migration 020: what came from Tally. A link ties one Tally object (by kind and GUID) to our row, with the
/// AlterID we last applied, so a second import of the same data changes nothing and a higher AlterID amends.
/// Each import keeps its report.
struct CreateTallyLinks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tally_links")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("kind", .string, .required)
            .field("guid", .string, .required)
            .field("alter_id", .int64, .required)
            .field("entity_id", .uuid, .required)
            .field("name", .string, .required)
            // Live sync: where the object began, the hash of our copy when last in step with Tally, and how it stands.
            .field("origin", .string, .required, .sql(.default("tally")))
            .field("synced_hash", .string)
            .field("status", .string, .required, .sql(.default("synced")))
            .field("last_error", .string)
            .unique(on: "company_id", "kind", "guid")
            .create()
        try await database.sql().raw("CREATE INDEX tally_links_entity ON tally_links (entity_id)").run()
        try await database.schema("tally_imports")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid)
            .field("source", .string, .required)
            .field("report", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tally_imports").delete()
        try await database.schema("tally_links").delete()
    }
}

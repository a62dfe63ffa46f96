import Fluent
import SQLKit

/// Migration 011: the company notification centre. `key` makes each notice happen once (a batch expiring, a
/// stock level crossed), however often the condition is checked.
struct CreateNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("notifications")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("kind", .string, .required)
            .field("key", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .unique(on: "company_id", "key")
            .create()
        try await database.schema("companies").field("expiry_alert_days", .int, .required, .sql(.default(30))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("notifications").delete()
    }
}

import Fluent
import SQLKit

/// Migration 024: every server error caught at the edge, so it is tracked, not only logged (`finsync errors`).
/// Holds where and what, never request bodies or secrets.
struct CreateErrorEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("error_events")
            .id()
            .field("at", .datetime, .required)
            .field("request_id", .string, .required)
            .field("method", .string, .required)
            .field("route", .string, .required)
            .field("status", .int, .required)
            .field("user_id", .uuid)
            .field("company_id", .uuid)
            .field("error_type", .string, .required)
            .field("message", .string, .required)
            .create()
        try await database.sql().raw("CREATE INDEX error_events_at ON error_events (at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("error_events").delete()
    }
}

import Fluent

/// Migration 002: browser sessions for the web UI, kept in the database so any instance can serve any page.
struct CreateWebSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WebSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references(User.schema, .id))
            .field("csrf_token", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebSession.schema).delete()
    }
}

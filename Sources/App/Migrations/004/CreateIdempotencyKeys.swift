import Fluent

/// Migration 004: remembered responses for `Idempotency-Key`, so a retried write returns the first result.
struct CreateIdempotencyKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("idempotency_keys")
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("key", .string, .required)
            .field("request_hash", .string, .required)
            .field("status", .int, .required)
            .field("content_type", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("idempotency_keys").delete()
    }
}

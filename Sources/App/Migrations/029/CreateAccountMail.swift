import Fluent
import SQLKit

/// Migration 029: what accounts need to prove who they are. A user's email is verified or not; single-use tokens
/// (email verification, password reset) and invitations are stored as SHA-256 hashes only; email leaves through an
/// outbox written in the same transaction as the change that sends it; attempts that cost a bcrypt (registration,
/// reset requests) are counted per client in `rate_events`.
struct CreateAccountMail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("email_verified_at", .datetime).update()
        try await database.schema("account_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("purpose", .string, .required)
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        try await database.schema("invitations")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("email", .string, .required)
            .field("role", .string, .required)
            .field("token_hash", .string, .required)
            .field("invited_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("accepted_by", .uuid, .references("users", "id"))
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("email_outbox")
            .id()
            .field("to_address", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .field("attempts", .int64, .required, .sql(.default(0)))
            .field("next_attempt_at", .datetime, .required)
            .field("sent_at", .datetime)
            .field("last_error", .string)
            .create()
        try await database.schema("rate_events")
            .id()
            .field("kind", .string, .required)
            .field("key", .string, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = database.sql()
        try await sql.raw("CREATE INDEX invitations_company ON invitations (company_id, email)").run()
        try await sql.raw("CREATE INDEX email_outbox_pending ON email_outbox (sent_at, next_attempt_at)").run()
        try await sql.raw("CREATE INDEX rate_events_key ON rate_events (kind, key, at)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["rate_events", "email_outbox", "invitations", "account_tokens"] {
            try await database.schema(table).delete()
        }
        try await database.schema("users").deleteField("email_verified_at").update()
    }
}

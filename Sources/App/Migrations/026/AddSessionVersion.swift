import Fluent
import SQLKit

/// Migration 026: a user's session version, carried in every access token and checked per request, so that signing
/// out everywhere or changing the password ends every access token at once instead of when it expires.
struct AddSessionVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("session_version", .int64, .required, .sql(.default(0))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("session_version").update()
    }
}

import Fluent
import SQLKit

/// Migration 023: an `Idempotency-Key` is claimed before its request runs (status 0 while it runs) and marked
/// `applied` inside the transaction that makes the change, so concurrent retries wait for the first one instead of
/// running twice, and a crash can never leave a change without its key.
struct AddIdempotencyClaims: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("idempotency_keys")
            .field("applied", .bool, .required, .sql(.default(false)))
            .update()
        try await database.sql().raw("CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX idempotency_keys_created").run()
        try await database.schema("idempotency_keys").deleteField("applied").update()
    }
}

import Fluent

/// Migration 024 (second part): the last verified head of each audit chain, so verification resumes from it.
struct CreateAuditCheckpoints: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_checkpoints")
            .field("chain_key", .string, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .field("verified_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_checkpoints").delete()
    }
}

import Fluent

/// Migration 015: whether an issue from an expired batch is refused (the default) or allowed with a warning.
struct AddExpiredBatchPolicy: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("companies").field("expired_batch_issues", .string, .required, .sql(.default("refuse"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("companies").deleteField("expired_batch_issues").update()
    }
}

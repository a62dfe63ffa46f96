import Fluent
import SQLKit

/// Migration 030: a ledger may be restricted (salaries, directors' accounts): only roles holding `ledgers.restricted`
/// see it, its entries and the vouchers that touch it.
struct AddRestrictedLedgers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("ledgers").field("restricted", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("ledgers").deleteField("restricted").update()
    }
}

import Fluent
import SQLKit

/// Migration 019: bills a party already owed at books-beginning (Tally keeps them on the ledger master). Their
/// opening amount (debit positive) counts in the bill's outstanding beside the allocations of active vouchers.
struct AddOpeningBills: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bills").field("opening_paise", .int64, .required, .sql(.default(0))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bills").deleteField("opening_paise").update()
    }
}

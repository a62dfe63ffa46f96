import Fluent
import SQLKit

/// Migration 042: outstanding reads a company's party allocations by ledger; an index that leads with company and
/// ledger lets it skip every other ledger's rows.
struct IndexAllocationsByLedger: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql().raw("CREATE INDEX bill_allocations_company_ledger ON bill_allocations (company_id, ledger_id, superseded)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX bill_allocations_company_ledger").run()
    }
}

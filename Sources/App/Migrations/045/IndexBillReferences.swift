import Fluent
import SQLKit

/// Migration 045: posting looks a bill up by its party and its reference ignoring case (`Bills.known`); the unique
/// index on (ledger, reference) could only narrow that to the party, so a party with thousands of bills was scanned
/// for every voucher that named one.
struct IndexBillReferences: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql().raw("CREATE INDEX bills_ledger_reference_key ON bills (ledger_id, LOWER(reference))").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX bills_ledger_reference_key").run()
    }
}

import Fluent
import SQLKit

/// Migration 028: each voucher keeps the hash of the audit entry that last wrote it, so `verify-books --deep` can
/// compare the voucher, its entries and bill allocations with what the audit trail says was written. Vouchers written
/// before this have none and are counted, not judged.
struct AddVoucherAuditHash: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("vouchers").field("audit_hash", .string).update()
        try await database.sql().raw("CREATE INDEX audit_entries_hash ON audit_entries (hash)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX audit_entries_hash").run()
        try await database.schema("vouchers").deleteField("audit_hash").update()
    }
}

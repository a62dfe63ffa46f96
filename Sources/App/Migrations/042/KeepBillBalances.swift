import Fluent
import SQLKit

/// Migration 042: each bill keeps its balance (opening plus every allocation of an active voucher), maintained by
/// the posting module, so outstanding reads the open bills instead of every allocation ever made. Existing bills get
/// theirs computed here; open bills and on-account allocations get indexes of their own.
struct KeepBillBalances: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bills").field("outstanding_paise", .int64, .required, .sql(.default(0))).update()
        let sql = database.sql()
        try await sql.raw("""
            UPDATE bills SET outstanding_paise = opening_paise + COALESCE((
                SELECT SUM(a.amount_paise) FROM bill_allocations a JOIN vouchers v ON v.id = a.voucher_id
                WHERE a.bill_id = bills.id AND a.superseded = \(bind: false) AND v.status = 'active'), 0)
            """).run()
        try await sql.raw("CREATE INDEX bills_open ON bills (company_id, ledger_id) WHERE outstanding_paise <> 0").run()
        try await sql.raw("CREATE INDEX bill_allocations_on_account ON bill_allocations (company_id, ledger_id) WHERE bill_id IS NULL").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX bill_allocations_on_account").run()
        try await database.sql().raw("DROP INDEX bills_open").run()
        try await database.schema("bills").deleteField("outstanding_paise").update()
    }
}

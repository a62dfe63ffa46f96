import Fluent
import SQLKit

/// Migration 008: each entry carries its voucher's date and number, so a ledger statement page walks one index
/// in statement order and stops after a page, instead of sorting every entry of a busy ledger.
struct AddEntryDates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("voucher_entries").field("date", .string).update()
        try await database.schema("voucher_entries").field("number", .string).update()
        let sql = database.sql()
        try await sql.raw("""
            UPDATE voucher_entries SET date = (SELECT v.date FROM vouchers v WHERE v.id = voucher_entries.voucher_id),
                number = (SELECT v.number FROM vouchers v WHERE v.id = voucher_entries.voucher_id)
            """).run()
        try await sql.raw("CREATE INDEX voucher_entries_statement ON voucher_entries (ledger_id, date, number, line_no)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX voucher_entries_statement").run()
        try await database.schema("voucher_entries").deleteField("date").update()
        try await database.schema("voucher_entries").deleteField("number").update()
    }
}

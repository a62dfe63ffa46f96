import Fluent
import SQLKit

/// Migration 040: a reverse-charge purchase from a supplier who is not registered carries the self-invoice we issue for
/// it (CGST Act s.31(3)(f)), numbered in its own series and counted in GSTR-1 Table 13 as nature 2.
struct AddSelfInvoices: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("invoices").field("self_invoice_number", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("invoices").deleteField("self_invoice_number").update()
    }
}

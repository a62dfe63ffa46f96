import Fluent
import SQLKit

/// Migration 036: a sale's goods may leave from somewhere other than our registered address (bill-from
/// dispatch-from); the address is kept as JSON with the invoice for the e-invoice's `DispDtls` and the e-way bill's origin.
struct AddDispatchFrom: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("invoices").field("dispatch_from", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("invoices").deleteField("dispatch_from").update()
    }
}

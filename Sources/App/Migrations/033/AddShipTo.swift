import Fluent
import SQLKit

/// Migration 033: a sale may ship its goods somewhere other than the buyer's address (bill-to ship-to); the ship-to
/// party is kept as JSON with the invoice for the e-invoice's `ShipDtls` and the e-way bill's destination.
struct AddShipTo: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("invoices").field("ship_to", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("invoices").deleteField("ship_to").update()
    }
}

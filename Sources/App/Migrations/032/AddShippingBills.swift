import Fluent
import SQLKit

/// Migration 032: an export invoice keeps its shipping bill (number, date, port code), which GSTR-1 `exp` and the
/// e-invoice's `ExpDtls` carry: without it the refund of IGST paid on exports cannot be matched.
struct AddShippingBills: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        for column in ["shipping_bill_number", "shipping_bill_date", "shipping_port"] {
            try await database.schema("invoices").field(.string(column), .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        for column in ["shipping_bill_number", "shipping_bill_date", "shipping_port"] {
            try await database.schema("invoices").deleteField(.string(column)).update()
        }
    }
}

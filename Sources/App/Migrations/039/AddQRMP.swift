import Fluent
import SQLKit

/// Migration 039: a registration may opt into quarterly returns with monthly payment (QRMP, Rule 61A): GSTR-1 and
/// GSTR-3B by quarter, with IFF for the B2B invoices of the quarter's first two months.
struct AddQRMP: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("gst_registrations").field("qrmp", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("gst_registrations").deleteField("qrmp").update()
    }
}

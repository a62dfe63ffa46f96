import Fluent
import SQLKit

/// Migration 034: a registration with ₹10 crore of turnover or more, whose e-invoices the IRP takes only within 30 days.
struct AddLargeTaxpayerFlag: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("gst_registrations").field("turnover_above_10cr", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("gst_registrations").deleteField("turnover_above_10cr").update()
    }
}

import Fluent

/// Migration 009: a registration may post tax to Tally-style rate-wise ledgers (`Output IGST 18%`).
struct AddRateWiseLedgers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("gst_registrations").field("rate_wise_ledgers", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("gst_registrations").deleteField("rate_wise_ledgers").update()
    }
}

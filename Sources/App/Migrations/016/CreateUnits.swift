import Fluent

/// Migration 016: units of measure. A simple unit is a symbol with its GST UQC; a compound one is a number of a
/// base unit (a BOX of 12 NOS), so a line may be billed in boxes of an item kept in pieces.
struct CreateUnits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("units")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("symbol", .string, .required)
            .field("name", .string)
            .field("uqc", .string, .required)
            .field("base_symbol", .string)
            .field("conversion_milli", .int64)
            .unique(on: "company_id", "symbol")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("units").delete()
    }
}

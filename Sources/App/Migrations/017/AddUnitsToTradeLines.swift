import Fluent

/// Migration 017: order and note lines may be entered in a compound unit. `quantity_milli` stays in the item's own
/// unit (pending quantities and stock add up in it); the unit and the quantity as entered are kept beside it so the
/// document reads back as it was written, with its rate per that unit.
struct AddUnitsToTradeLines: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await database.schema("trade_document_lines").field("unit", .string).update()
        try await database.schema("trade_document_lines").field("entered_quantity_milli", .int64).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("trade_document_lines").deleteField("entered_quantity_milli").update()
        try await database.schema("trade_document_lines").deleteField("unit").update()
    }
}

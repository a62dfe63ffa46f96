import Fluent
import Foundation
import SQLKit

/// Migration 010: godowns, batches, stock movements and the per-item daily positions valuation keeps.
///
/// Valuation never stores an issue's cost on the movement: it keeps each item's position (quantity, value and,
/// for FIFO, the receipts on hand) at the end of every day the item moved. A backdated movement replays that
/// item from the position before its date and rewrites only the later positions; nothing else is touched.
struct CreateInventory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("godowns")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("parent_id", .uuid, .references("godowns", "id"))
            .field("created_at", .datetime)
            .unique(on: "company_id", "name_key")
            .create()

        try await database.schema("stock_batches")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("name", .string, .required)
            .field("manufactured_on", .string)
            .field("expires_on", .string)
            .unique(on: "item_id", "name")
            .create()

        try await database.schema("stock_movements")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("godown_id", .uuid, .required, .references("godowns", "id"))
            .field("batch_id", .uuid, .references("stock_batches", "id"))
            .field("date", .string, .required)
            // Order within the item and day: movements are replayed by (date, seq).
            .field("seq", .int64, .required)
            .field("quantity_milli", .int64, .required)
            // Receipts: their cost. Issues: 0 (their cost comes from the position when replayed).
            .field("value_paise", .int64, .required)
            // Transfers move quantity between godowns without touching the item's value.
            .field("valued", .bool, .required)
            .field("source_kind", .string, .required)
            .field("source_id", .uuid, .required)
            .field("line_no", .int, .required)
            .field("active", .bool, .required)
            .create()

        try await database.schema("stock_journals")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("number", .int64, .required)
            .field("date", .string, .required)
            .field("kind", .string, .required)
            .field("narration", .string)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "company_id", "number")
            .create()

        try await database.schema("stock_positions")
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("date", .string, .required)
            .field("quantity_milli", .int64, .required)
            .field("value_paise", .int64, .required)
            // FIFO receipts on hand as "quantity:value" pairs separated by ";"; the last receipt's rate likewise.
            .field("layers", .string, .required)
            .field("last_rate", .string, .required)
            .unique(on: "item_id", "date")
            .create()

        // Items gain the inventory fields; one column per statement for SQLite.
        try await database.schema("items").field("batch_wise", .bool, .required, .sql(.default(false))).update()
        try await database.schema("items").field("track_expiry", .bool, .required, .sql(.default(false))).update()
        try await database.schema("items").field("valuation_method", .string, .required, .sql(.default("weighted-average"))).update()
        try await database.schema("items").field("reorder_level_milli", .int64).update()
        try await database.schema("items").field("minimum_order_milli", .int64).update()
        try await database.schema("invoice_lines").field("godown_id", .uuid).update()
        try await database.schema("invoice_lines").field("batch_id", .uuid).update()
        try await database.schema("companies").field("allow_negative_stock", .bool, .required, .sql(.default(false))).update()

        let sql = database.sql()
        try await sql.create(index: "stock_movements_item_date").on("stock_movements").column("item_id").column("date").column("seq").run()
        try await sql.create(index: "stock_movements_place").on("stock_movements").column("item_id").column("godown_id").column("batch_id").column("date").run()
        try await sql.create(index: "stock_movements_source").on("stock_movements").column("source_id").run()

        // Every company has Tally's `Main Location`.
        struct Row: Decodable { var id: UUID }
        for company in try await sql.select().column("id").from("companies").all(decoding: Row.self) {
            try await Godowns.insertMain(company: company.id, on: sql)
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["stock_positions", "stock_journals", "stock_movements", "stock_batches", "godowns"] { try await database.schema(table).delete() }
    }
}

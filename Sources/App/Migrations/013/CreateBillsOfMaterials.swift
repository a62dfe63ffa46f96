import Fluent

/// Migration 013: an item's bill of materials, the components one unit of it is made from.
struct CreateBillsOfMaterials: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bom_lines")
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("line_no", .int, .required)
            .field("component_id", .uuid, .required, .references("items", "id"))
            .field("quantity_milli", .int64, .required)
            .unique(on: "item_id", "line_no")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bom_lines").delete()
    }
}

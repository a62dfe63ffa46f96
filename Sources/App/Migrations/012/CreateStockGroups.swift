import Fluent

/// Migration 012: stock groups (nested, like Tally's), and an item's group.
struct CreateStockGroups: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("stock_groups")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("parent_id", .uuid, .references("stock_groups", "id"))
            .unique(on: "company_id", "name_key")
            .create()
        try await database.schema("items").field("stock_group_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("stock_groups").delete()
    }
}

import Fluent
import SQLKit

/// Migration 014: sales and purchase orders, delivery and receipt notes. Notes move stock; an order only
/// promises it. A note may fulfil an order's lines, and an invoice may take over notes (once each) so the goods
/// are not moved twice.
struct CreateOrders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("trade_documents")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("kind", .string, .required)
            .field("number", .int64, .required)
            .field("date", .string, .required)
            .field("party_ledger_id", .uuid, .required, .references("ledgers", "id"))
            .field("order_id", .uuid, .references("trade_documents", "id"))
            .field("invoice_id", .uuid, .references("invoices", "id"))
            .field("narration", .string)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "company_id", "kind", "number")
            .create()
        try await database.schema("trade_document_lines")
            .id()
            .field("document_id", .uuid, .required, .references("trade_documents", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("line_no", .int, .required)
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("quantity_milli", .int64, .required)
            .field("rate_paise", .int64, .required)
            .field("due_date", .string)
            .create()
        try await database.sql().create(index: "trade_documents_order").on("trade_documents").column("order_id").run()
        try await database.sql().create(index: "trade_document_lines_document").on("trade_document_lines").column("document_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("trade_document_lines").delete()
        try await database.schema("trade_documents").delete()
    }
}

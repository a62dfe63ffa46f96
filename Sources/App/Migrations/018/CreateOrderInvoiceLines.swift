import Fluent
import SQLKit

/// Migration 018: an invoice may bill an order directly, without a delivery or receipt note. What it took off the
/// order is kept per item in the item's own unit; it counts while the invoice's voucher is active.
struct CreateOrderInvoiceLines: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("order_invoice_lines")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("order_id", .uuid, .required, .references("trade_documents", "id"))
            .field("invoice_id", .uuid, .required, .references("invoices", "id"))
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("quantity_milli", .int64, .required)
            .create()
        try await database.sql().raw("CREATE INDEX order_invoice_lines_order ON order_invoice_lines (order_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("order_invoice_lines").delete()
    }
}

import Fluent
import SQLKit

/// Migration 025: who entered a trade document or stock journal (vouchers have `created_by` already), so that
/// amending or cancelling someone else's entry can need more than entering one's own. Older rows have none and count
/// as someone else's.
struct AddEnteredBy: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("trade_documents").field("created_by", .uuid).update()
        try await database.schema("stock_journals").field("created_by", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("stock_journals").deleteField("created_by").update()
        try await database.schema("trade_documents").deleteField("created_by").update()
    }
}

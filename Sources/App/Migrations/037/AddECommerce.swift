import Fluent
import SQLKit

/// Migration 037: a sale made through an e-commerce operator keeps the operator's GSTIN and the section that decides
/// who answers for the tax (s.52 TCS, or s.9(5) where the operator pays), for GSTR-1 `etin` and Table 14 and GSTR-3B 3.1.1.
struct AddECommerce: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER TABLE.
        try await database.schema("invoices").field("ecommerce_gstin", .string).update()
        try await database.schema("invoices").field("ecommerce_section", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("invoices").deleteField("ecommerce_gstin").update()
        try await database.schema("invoices").deleteField("ecommerce_section").update()
    }
}

import Fluent
import Foundation
import SQLKit

/// Migration 022: each place's stock (item, godown, batch) kept as a running balance beside its movements, with
/// the last date anything moved there. "What is here at the end of day D" is then one row whenever nothing moved
/// there after D, instead of a sum over every movement of the place, which grows with the books. Filled from the
/// active movements already recorded.
struct CreateStockBalances: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("stock_balances")
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("item_id", .uuid, .required, .references("items", "id"))
            .field("godown_id", .uuid, .required, .references("godowns", "id"))
            // The batch, or Stock.noBatch: a unique key must have a value (NULLs never conflict).
            .field("batch_key", .uuid, .required)
            .field("quantity_milli", .int64, .required)
            .field("last_date", .string, .required)
            .unique(on: "item_id", "godown_id", "batch_key")
            .create()
        try await database.sql().raw("""
            INSERT INTO stock_balances (company_id, item_id, godown_id, batch_key, quantity_milli, last_date)
            SELECT company_id, item_id, godown_id, COALESCE(batch_id, \(bind: Stock.noBatch)), CAST(SUM(quantity_milli) AS BIGINT), MAX(date)
            FROM stock_movements WHERE active = \(bind: true) GROUP BY company_id, item_id, godown_id, batch_id
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("stock_balances").delete()
    }
}

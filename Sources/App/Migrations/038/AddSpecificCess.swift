import Fluent
import SQLKit

/// Migration 038: specific (per-unit) compensation cess. The rate master keeps an amount per unit of the item beside
/// the ad-valorem cess rate; each invoice line keeps the amount it charged and the rate per unit it used (e-invoice
/// `CesNonAdvlAmt`, e-way bill `cessNonAdvol`).
struct AddSpecificCess: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("item_rates").field("cess_per_unit_paise", .int64, .required, .sql(.default(0))).update()
        // SQLite adds one column per ALTER TABLE.
        try await database.schema("invoice_lines").field("cess_non_advol_paise", .int64, .required, .sql(.default(0))).update()
        try await database.schema("invoice_lines").field("cess_per_unit_paise", .int64, .required, .sql(.default(0))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("item_rates").deleteField("cess_per_unit_paise").update()
        try await database.schema("invoice_lines").deleteField("cess_non_advol_paise").update()
        try await database.schema("invoice_lines").deleteField("cess_per_unit_paise").update()
    }
}

import Fluent
import SQLKit

/// Migration 031: series of GST documents (sales, credit and debit notes) number with the short year (`INV/26-27/0001`),
/// which leaves CGST Rule 46(b)'s 16 characters room for any year's volume. Types that existed before keep the long
/// year, so a series never changes its look in the middle of a year; their numbers are still checked at posting.
struct AddCompactVoucherYear: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("voucher_types").field("compact_year", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("voucher_types").deleteField("compact_year").update()
    }
}

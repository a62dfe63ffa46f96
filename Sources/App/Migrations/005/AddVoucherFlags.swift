import Fluent
import SQLKit

/// Migration 005: post-dated vouchers carry a flag, and bill allocations remember which line of the voucher they
/// belong to (a voucher may name the same party twice, and regularising an optional voucher re-checks each line).
struct AddVoucherFlags: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("vouchers")
            .field("post_dated", .bool, .required, .sql(.default(false)))
            .update()
        try await database.schema("bill_allocations")
            .field("line_no", .int)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("vouchers").deleteField("post_dated").update()
        try await database.schema("bill_allocations").deleteField("line_no").update()
    }
}

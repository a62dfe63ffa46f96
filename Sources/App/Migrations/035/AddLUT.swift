import Fluent
import SQLKit

/// Migration 035: a registration may hold a letter of undertaking (Rule 96A), under which exports and SEZ supplies go
/// without tax by default.
struct AddLUT: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("gst_registrations").field("lut", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("gst_registrations").deleteField("lut").update()
    }
}

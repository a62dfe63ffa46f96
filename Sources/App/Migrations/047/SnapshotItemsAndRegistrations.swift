import Fluent
import SQLKit

/// Migration 047: a company's items, their rate histories and its GST registrations join its snapshot
/// (`CompanySnapshot`), so a write to any of them changes the snapshot version as migration 043's tables do. On
/// PostgreSQL the triggers call the function 043 created.
struct SnapshotItemsAndRegistrations: AsyncMigration {
    /// The tables and the column naming their company (spelled out here: a migration stays what it was when it ran).
    static let watched = [("items", "company_id"), ("item_rates", "company_id"), ("gst_registrations", "company_id")]

    func prepare(on database: any Database) async throws {
        let sql = database.sql()
        for (table, column) in Self.watched {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: table)_snapshot AFTER INSERT OR UPDATE OR DELETE ON \(unsafeRaw: table)
                    FOR EACH ROW EXECUTE FUNCTION bump_snapshot_version('\(unsafeRaw: column)')
                    """).run()
                continue
            }
            for (event, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: table)_snapshot_\(unsafeRaw: event.lowercased()) AFTER \(unsafeRaw: event) ON \(unsafeRaw: table)
                    BEGIN
                        INSERT INTO snapshot_versions (company_id, version) VALUES (\(unsafeRaw: row).\(unsafeRaw: column), random())
                        ON CONFLICT (company_id) DO UPDATE SET version = excluded.version;
                    END
                    """).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql()
        for (table, _) in Self.watched {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("DROP TRIGGER \(unsafeRaw: table)_snapshot ON \(unsafeRaw: table)").run()
            } else {
                for event in ["insert", "update", "delete"] { try await sql.raw("DROP TRIGGER \(unsafeRaw: table)_snapshot_\(unsafeRaw: event)").run() }
            }
        }
    }
}

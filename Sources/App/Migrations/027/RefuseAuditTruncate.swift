import Fluent
import SQLKit

/// Migration 027: PostgreSQL's TRUNCATE passes row triggers by, so the audit table also refuses it by a statement
/// trigger. (SQLite has no TRUNCATE; its DELETE triggers already refuse an unqualified DELETE.)
struct RefuseAuditTruncate: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("""
            CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
            FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("DROP TRIGGER audit_entries_no_truncate ON audit_entries").run()
    }
}

import Fluent
import SQLKit

/// Migration 001: the append-only, hash-chained audit trail. Triggers refuse UPDATE and DELETE on both databases
/// so that no code path, however buggy, can rewrite history.
struct CreateAuditEntries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_entries")
            .id()
            .field("chain_key", .string, .required)
            .field("seq", .int64, .required)
            .field("company_id", .uuid)
            .field("actor_id", .uuid)
            .field("at", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string, .required)
            .field("before_json", .string)
            .field("after_json", .string)
            .field("request_id", .string, .required)
            .field("client_address", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "chain_key", "seq")
            .create()

        let sql = database.sql()
        try await sql.raw("CREATE INDEX audit_entries_company_at ON audit_entries (company_id, at)").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_entries is append-only: % is not allowed', TG_OP;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
                FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
                """).run()
        } else {
            for op in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER audit_entries_no_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON audit_entries
                    BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END
                    """).run()
            }
        }
    }

    /// The audit trail outlives every schema change: reverting it is refused rather than dropping the table.
    func revert(on database: any Database) async throws {
        throw StartupError(setting: "migration", problem: "CreateAuditEntries cannot be reverted: the audit trail is permanent")
    }
}

extension Database {
    /// Every database FinSync360 runs on speaks SQL; failing this is a programming error.
    func sql() -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { fatalError("FinSync360 needs an SQL database") }
        return sql
    }
}

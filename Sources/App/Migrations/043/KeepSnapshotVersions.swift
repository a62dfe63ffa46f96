import Fluent
import SQLKit

/// Migration 043: every company has a snapshot version, a value the database itself changes (by trigger) in the same
/// transaction as any write to what `CompanySnapshot` holds — the company row, groups, ledgers, their names, voucher
/// types and period locks. A process keeps a company's snapshot only for the version it read, so no code path can
/// forget to invalidate it, and another instance's commit is seen by the next read of the version.
///
/// The new value is never one the company had before (a random 64-bit value on SQLite, a sequence on PostgreSQL,
/// whose values do not come back when a transaction rolls back): a snapshot read inside a transaction that later
/// rolled back is kept under a version no committed state will ever have.
struct KeepSnapshotVersions: AsyncMigration {
    /// The tables a snapshot holds and the column naming their company.
    static let watched = [("companies", "id"), ("account_groups", "company_id"), ("ledgers", "company_id"),
                          ("account_names", "company_id"), ("voucher_types", "company_id"), ("period_locks", "company_id")]

    func prepare(on database: any Database) async throws {
        try await database.schema("snapshot_versions")
            .field("company_id", .uuid, .identifier(auto: false))
            .field("version", .int64, .required)
            .create()
        let sql = database.sql()
        if sql.dialect.name == "postgresql" {
            try await preparePostgres(sql)
        } else {
            try await prepareSQLite(sql)
        }
    }

    private func prepareSQLite(_ sql: any SQLDatabase) async throws {
        try await sql.raw("INSERT INTO snapshot_versions (company_id, version) SELECT id, random() FROM companies").run()
        for (table, column) in Self.watched {
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

    private func preparePostgres(_ sql: any SQLDatabase) async throws {
        try await sql.raw("CREATE SEQUENCE snapshot_version_seq").run()
        try await sql.raw("INSERT INTO snapshot_versions (company_id, version) SELECT id, nextval('snapshot_version_seq') FROM companies").run()
        // One function serves every table: the trigger passes the name of the column that holds the company.
        try await sql.raw("""
            CREATE FUNCTION bump_snapshot_version() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE company uuid;
            BEGIN
                IF TG_OP = 'DELETE' THEN company := (to_jsonb(OLD) ->> TG_ARGV[0])::uuid;
                ELSE company := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid;
                END IF;
                INSERT INTO snapshot_versions (company_id, version) VALUES (company, nextval('snapshot_version_seq'))
                ON CONFLICT (company_id) DO UPDATE SET version = excluded.version;
                RETURN NULL;
            END $$
            """).run()
        for (table, column) in Self.watched {
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_snapshot AFTER INSERT OR UPDATE OR DELETE ON \(unsafeRaw: table)
                FOR EACH ROW EXECUTE FUNCTION bump_snapshot_version('\(unsafeRaw: column)')
                """).run()
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
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP FUNCTION bump_snapshot_version()").run()
            try await sql.raw("DROP SEQUENCE snapshot_version_seq").run()
        }
        try await database.schema("snapshot_versions").delete()
    }
}

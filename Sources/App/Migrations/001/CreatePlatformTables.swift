import Fluent

/// Migration 001: accounts, companies, memberships and sign-in bookkeeping.
struct CreatePlatformTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("password_hash", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()

        try await database.schema(Company.schema)
            .id()
            .field("name", .string, .required)
            .field("gstin", .string)
            .field("state_code", .string, .required)
            .field("financial_year_start", .string, .required)
            .field("books_beginning", .string, .required)
            .field("currency", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()

        try await database.schema(Membership.schema)
            .id()
            .field("company_id", .uuid, .required, .references(Company.schema, .id))
            .field("user_id", .uuid, .required, .references(User.schema, .id))
            .field("role", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "company_id", "user_id")
            .create()

        try await database.schema(RefreshToken.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id))
            .field("family_id", .uuid, .required)
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await database.schema(LoginFailure.schema)
            .id()
            .field("email", .string, .required)
            .field("client_address", .string, .required)
            .field("at", .datetime, .required)
            .create()

        let sql = database.sql()
        try await sql.raw("CREATE INDEX memberships_user ON memberships (user_id)").run()
        try await sql.raw("CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)").run()
        try await sql.raw("CREATE INDEX login_failures_email_at ON login_failures (email, at)").run()
        try await sql.raw("CREATE INDEX login_failures_client_at ON login_failures (client_address, at)").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [LoginFailure.schema, RefreshToken.schema, Membership.schema, Company.schema, User.schema] {
            try await database.schema(schema).delete()
        }
    }
}

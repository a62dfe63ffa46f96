@testable import App
import Fluent
import FluentPostgresDriver
import Foundation
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Which database the App tests run on: SQLite in a temporary directory by default; PostgreSQL when
/// `FINSYNC_TEST_POSTGRES_URL` points at a server (scripts/test starts one), with a fresh database per test.
enum TestDatabase {
    static var postgresAdminURL: String? {
        ProcessInfo.processInfo.environment["FINSYNC_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
    static var isPostgres: Bool { postgresAdminURL != nil }
}

/// Every test application runs on these two event loops, whatever the machine: the suite runs one test per core
/// at once and each application opens three PostgreSQL connections per loop, so loops per core would grow the
/// server's connections with the square of the cores (CI's larger machines met "too many clients").
enum TestLoops {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
}

extension Application {
    static func makeForTesting() async throws -> Application {
        try await Application.make(.testing, .shared(TestLoops.group))
    }
}

/// Builds a migrated application on a fresh database, runs `body`, and always tears everything down.
func withApp(_ body: (Application) async throws -> Void) async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-test-\(UUID().uuidString)").path
    var config = try AppConfig.fromEnvironment(["FINSYNC_DATA_DIR": dir, "LOG_LEVEL": "warning"], production: false)
    config.jwtSecret = "test-secret-that-is-at-least-32-bytes-long"
    config.passwordCost = 4  // bcrypt at cost 12 would make the suite minutes slower; one test checks the default.
    config.registrationsPerHour = 10_000  // every test's users come from one address; AccountTests sets a real limit.
    var pgDatabase: String?
    if let admin = TestDatabase.postgresAdminURL {
        let name = "finsync_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await PostgresAdmin.run(admin, "CREATE DATABASE \(name)")
        pgDatabase = String(name)
        var components = URLComponents(string: admin)!
        components.path = "/\(name)"
        config.database = .postgres(url: components.url!)
    }
    let app = try await Application.makeForTesting()
    app.logger.logLevel = .warning
    do {
        try await configure(app, config: config)
        try await DatabaseStartup.migrate(app)
        try await body(app)
        try await BooksInvariant.check(app)
    } catch {
        try? await app.asyncShutdown()
        try? await cleanup(dir: dir, pgDatabase: pgDatabase)
        throw error
    }
    try await app.asyncShutdown()
    try await cleanup(dir: dir, pgDatabase: pgDatabase)
}

private func cleanup(dir: String, pgDatabase: String?) async throws {
    try? FileManager.default.removeItem(atPath: dir)
    if let pgDatabase, let admin = TestDatabase.postgresAdminURL {
        try await PostgresAdmin.run(admin, "DROP DATABASE IF EXISTS \(pgDatabase) WITH (FORCE)")
    }
}

/// Runs one administrative statement (CREATE/DROP DATABASE) on the test server.
enum PostgresAdmin {
    static func run(_ url: String, _ statement: String) async throws {
        let config = try SQLPostgresConfiguration(url: url)
        let connection = try await PostgresConnection.connect(
            configuration: config.coreConfiguration, id: 1, logger: Logger(label: "test-admin"))
        defer { Task { try? await connection.close() } }
        _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "test-admin"))
    }
}

/// Checks that must hold after every test, whatever it did: the books balance and agree with their maintained
/// totals, and the audit chains verify.
enum BooksInvariant {
    static func check(_ app: Application) async throws {
        let differences = try await BooksVerifier.verify(on: app.db)
        if !differences.isEmpty { Issue.record("books disagree with themselves: \(differences)") }
        let deep = try await BooksVerifier.deep(on: app.db)
        if !deep.differences.isEmpty { Issue.record("vouchers disagree with their audit entries: \(deep.differences.prefix(5))") }
        if deep.untied > 0 { Issue.record("\(deep.untied) voucher(s) keep no audit hash") }
        struct Chain: Decodable { var chain_key: String }
        let chains = try await app.db.sql().raw("SELECT DISTINCT chain_key FROM audit_entries").all(decoding: Chain.self)
        for chain in chains {
            let result = try await AuditLog.verify(chain: chain.chain_key, on: app.db)
            guard case .ok = result else {
                Issue.record("audit chain \(chain.chain_key) does not verify: \(result)")
                return
            }
        }
    }
}

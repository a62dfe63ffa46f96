@testable import App
import Foundation
import SQLKit
import Testing
import Vapor

@Suite struct BackupTests {
    @Test func a_backup_taken_during_writes_restores_to_books_and_chains_that_verify_with_equal_figures() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-backup-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            func sale(_ i: Int) async throws -> TestResponse {
                try await f.voucher("sales", "2026-05-01", [BooksFixture.entry("Sharma Traders", dr: "\(i).00"), BooksFixture.entry("Sales", cr: "\(i).00")])
            }
            // Writes go on while the first backup is taken.
            let writer = Task { for i in 1...40 { _ = try await sale(i) } }
            let during = try await Backup.run(app, to: dir, now: Date(timeIntervalSince1970: 1_800_000_000))
            try await writer.value
            #expect(during.sha256.count == 64 && during.bytes > 0)
            #expect(during.chains.contains { $0.chain.hasPrefix("company:") } || !during.chains.isEmpty)
            try await Self.restored(from: (dir as NSString).appendingPathComponent(during.file), manifest: during) { (restored: Application) async throws in
                #expect(try await BooksVerifier.verify(on: restored.db).isEmpty)
                #expect(try await Backup.verifyChains(during, on: restored.db).isEmpty)
            }

            // Quiet now: a second backup restores to exactly the live figures.
            let quiet = try await Backup.run(app, to: dir, now: Date(timeIntervalSince1970: 1_800_000_100))
            let live = try await f.get("reports/trial-balance?asOf=2026-12-31").json
            #expect(live["totals"] != nil)
            try await Self.restored(from: (dir as NSString).appendingPathComponent(quiet.file), manifest: quiet) { (restored: Application) async throws in
                let copy = try await TestClient(app: restored).send(.GET, "\(f.base)/reports/trial-balance?asOf=2026-12-31", token: f.owner.accessToken).json
                #expect(copy == live)
                #expect(try await Backup.verifyChains(quiet, on: restored.db).isEmpty)
            }

            // A damaged file is refused before anything is written.
            let damaged = (dir as NSString).appendingPathComponent(quiet.file)
            let handle = try #require(FileHandle(forUpdatingAtPath: damaged))
            try handle.seek(toOffset: 5_000)
            handle.write(Data("damage".utf8))
            try handle.close()
            await #expect(throws: Backup.Failure.self) { try await Backup.restore(damaged, config: try Self.freshConfig()) }
        }
    }

    @Test func retention_keeps_seven_daily_four_weekly_and_twelve_monthly() {
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC
        let dates = (0..<400).map { start.addingTimeInterval(Double($0) * day + 3_600) }
        let kept = BackupRetention.keep(dates)
        let newest = dates.sorted(by: >)
        #expect(newest.prefix(7).allSatisfy(kept.contains))
        // Past the daily and weekly windows, only the newest backup of a month is kept.
        let cal = BackupRetention.utc
        for d in kept where d < newest[0].addingTimeInterval(-40 * day) {
            let month = cal.dateComponents([.year, .month], from: d)
            #expect(d == dates.filter { cal.dateComponents([.year, .month], from: $0) == month }.max())
        }
        // 7 days + up to 4 weeks + 12 months, overlapping: never more than 23, never fewer than 12.
        #expect((12...23).contains(kept.count), "kept \(kept.count)")
        let months = Set(kept.map { BackupRetention.utc.dateComponents([.year, .month], from: $0) })
        #expect(months.count == 12)
        #expect(BackupRetention.keep([]).isEmpty)
    }

    static func freshConfig() throws -> AppConfig {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-restore-\(UUID().uuidString)").path
        var config = try AppConfig.fromEnvironment(["FINSYNC_DATA_DIR": dir, "LOG_LEVEL": "warning"], production: false)
        config.jwtSecret = "test-secret-that-is-at-least-32-bytes-long"
        config.passwordCost = 4
        return config
    }

    /// Restores into an empty database (a new data directory, or a new PostgreSQL database), runs `body` on an
    /// application serving it, and removes it again.
    static func restored(from file: String, manifest: Backup.Manifest, _ body: (Application) async throws -> Void) async throws {
        var config = try freshConfig()
        var pgName: String?
        if let admin = TestDatabase.postgresAdminURL {
            let name = "finsync_restore_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
            try await PostgresAdmin.run(admin, "CREATE DATABASE \(name)")
            pgName = String(name)
            var components = try #require(URLComponents(string: admin))
            components.path = "/\(name)"
            config.database = .postgres(url: try #require(components.url))
        }
        _ = try await Backup.restore(file, config: config)
        let app = try await Application.makeForTesting()
        do {
            try await configure(app, config: config)
            try await DatabaseStartup.migrate(app)
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: config.dataDirectory)
        if let pgName, let admin = TestDatabase.postgresAdminURL { try await PostgresAdmin.run(admin, "DROP DATABASE IF EXISTS \(pgName) WITH (FORCE)") }
    }
}

import Fluent
import Foundation
import Vapor

/// `finsync backup [--to DIR]`: one consistent backup with its manifest, safe while `serve` writes.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "Folder for the backup (default: FINSYNC_BACKUP_DIR, else <data dir>/backups).")
        var to: String?
        init() {}
    }

    var help: String { "Writes a consistent backup of the database (and its manifest) while the server may be running." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await DatabaseStartup.migrate(app)
        let directory = signature.to ?? app.config.backupDirectory ?? (app.config.dataDirectory as NSString).appendingPathComponent("backups")
        let started = ContinuousClock.now
        let manifest = try await Backup.run(app, to: directory)
        context.console.print("Backup \((directory as NSString).appendingPathComponent(manifest.file)): \(manifest.bytes) bytes, SHA-256 \(manifest.sha256), "
            + "\(manifest.chains.count) audit chains, in \(ContinuousClock.now - started).")
    }
}

/// `finsync restore FILE`: into an empty data directory or database, then migrated and verified.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "The backup file (its .manifest.json beside it is checked when present).")
        var file: String
        init() {}
    }

    var help: String { "Restores a backup into an empty data directory or database and verifies books and audit chains." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if app.config.isPostgres { try await Backup.requireEmptyPostgres(app.db) }
        let started = ContinuousClock.now
        let manifest = try await Backup.restore(signature.file, config: app.config)
        try await DatabaseStartup.migrate(app)
        let differences = try await BooksVerifier.verify(on: app.db)
        let chains = try await Backup.verifyChains(manifest, on: app.db)
        (differences.map(\.description) + chains).forEach { context.console.print("problem: \($0)") }
        guard differences.isEmpty, chains.isEmpty else {
            throw StartupError(setting: "restore", problem: "the restored books do not verify (\(differences.count + chains.count) problems)")
        }
        context.console.print("Restored \(signature.file) in \(ContinuousClock.now - started); books and audit chains verify.")
    }
}

/// While `serve` runs with FINSYNC_BACKUP_DIR set: a backup once a day (at start when today has none), and the
/// 7-daily / 4-weekly / 12-monthly retention applied after each.
enum BackupScheduler {
    static func loop(_ app: Application, directory: String) async {
        while !Task.isCancelled {
            do {
                try await runIfDue(app, directory: directory)
            } catch {
                app.logger.error("scheduled backup failed: \(String(describing: error))")
            }
            try? await Task.sleep(for: .seconds(3_600))
        }
    }

    static func runIfDue(_ app: Application, directory: String, now: Date = Date()) async throws {
        let existing = try backups(in: directory)
        let today = BackupRetention.utc.startOfDay(for: now)
        if !existing.contains(where: { $0.date >= today }) {
            _ = try await Backup.run(app, to: directory, now: now)
        }
        let all = try backups(in: directory)
        let keep = BackupRetention.keep(all.map(\.date))
        for old in all where !keep.contains(old.date) {
            for path in [old.path, old.path + ".manifest.json"] { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    /// Backups in the folder, dated by their manifests.
    static func backups(in directory: String) throws -> [(path: String, date: Date)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return try names.filter { $0.hasSuffix(".manifest.json") }.compactMap { name in
            let path = (directory as NSString).appendingPathComponent(String(name.dropLast(".manifest.json".count)))
            return try Backup.readManifest(for: path).map { (path, $0.createdAt) }
        }
    }
}

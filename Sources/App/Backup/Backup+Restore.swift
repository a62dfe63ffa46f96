import Fluent
import Foundation
import SQLKit
import Vapor

extension Backup {
    /// Restores `file` into this configuration's database, which must be empty (no data file yet, or a PostgreSQL
    /// database without tables), after checking the file against its manifest when one lies beside it. The caller
    /// migrates and verifies afterwards.
    static func restore(_ file: String, config: AppConfig) async throws -> Manifest? {
        guard FileManager.default.fileExists(atPath: file) else { throw Failure.tool("\(file) does not exist") }
        let manifest = try readManifest(for: file)
        if let manifest {
            let actual = try sha256(ofFile: file)
            guard actual == manifest.sha256 else {
                throw Failure.mismatch("\(file) does not match its manifest (SHA-256 \(actual), manifest \(manifest.sha256)): it is damaged or not that backup")
            }
        }
        switch config.database {
        case .sqlite(let path):
            guard !FileManager.default.fileExists(atPath: path) else {
                throw Failure.notEmpty("\(path) already exists: restore into an empty data directory (FINSYNC_DATA_DIR)")
            }
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: file, toPath: path)
        case .postgres(let url):
            try await runTool("pg_restore", ["--no-owner", "--exit-on-error", "--dbname=\(url.absoluteString)", file])
        case .sqliteMemory:
            throw Failure.unsupported("cannot restore into an in-memory database")
        }
        return manifest
    }

    /// PostgreSQL: a restore target must hold no tables.
    static func requireEmptyPostgres(_ db: any Database) async throws {
        struct N: Decodable { var n: Int64 }
        let n = try await db.sql().raw("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'").first(decoding: N.self)?.n ?? 0
        guard n == 0 else { throw Failure.notEmpty("the database named by DATABASE_URL already has \(n) tables: restore into an empty database") }
    }

    static func readManifest(for file: String) throws -> Manifest? {
        let path = file + ".manifest.json"
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Manifest.self, from: data)
    }

    /// After a restore: every chain verifies and holds at least the manifest's head, with the same hash there.
    static func verifyChains(_ manifest: Manifest?, on db: any Database) async throws -> [String] {
        var problems: [String] = []
        let heads = Dictionary(uniqueKeysWithValues: try await heads(on: db.sql()).map { ($0.chain, $0) })
        for chain in heads.keys.sorted() {
            if case .broken(let id, let reason) = try await AuditLog.verify(chain: chain, on: db) {
                problems.append("audit chain \(chain): entry \(id) \(reason)")
            }
        }
        for expected in manifest?.chains ?? [] {
            struct H: Decodable { var hash: String }
            let at = try await db.sql().raw("SELECT hash FROM audit_entries WHERE chain_key = \(bind: expected.chain) AND seq = \(bind: expected.seq)")
                .first(decoding: H.self)
            if at?.hash != expected.hash { problems.append("audit chain \(expected.chain): entry \(expected.seq) is not the one the manifest names") }
        }
        return problems
    }
}

/// Which backups to keep: the newest of each of the last 7 days, of the last 4 ISO weeks and of the last 12 months
/// that have one. A backup kept for any reason stays.
enum BackupRetention {
    static func keep(_ dates: [Date], calendar: Calendar = utc) -> Set<Date> {
        let newestFirst = dates.sorted(by: >)
        var kept = Set<Date>()
        func newestPer<K: Hashable>(_ key: (Date) -> K, limit: Int) {
            var seen: [K] = []
            for d in newestFirst {
                let k = key(d)
                if seen.contains(k) { continue }
                guard seen.count < limit else { break }
                seen.append(k)
                kept.insert(d)
            }
        }
        newestPer({ calendar.dateComponents([.year, .month, .day], from: $0) }, limit: 7)
        newestPer({ calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: $0) }, limit: 4)
        newestPer({ calendar.dateComponents([.year, .month], from: $0) }, limit: 12)
        return kept
    }

    static let utc: Calendar = {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = TimeZone(identifier: "UTC") ?? .current
        return c
    }()
}

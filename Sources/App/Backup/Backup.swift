import Crypto
import Fluent
import Foundation
import SQLKit
import SQLiteNIO
import Vapor

/// Consistent backups while the server writes: SQLite's `VACUUM INTO` (one read snapshot of the whole file) or
/// PostgreSQL's `pg_dump` in custom format (one repeatable-read snapshot). Each backup has a manifest beside it:
/// when, how big, its SHA-256 and every audit chain's head, so a restore can prove it is the same books.
enum Backup {
    struct ChainHead: Codable, Equatable, Sendable {
        var chain: String
        var seq: Int64
        var hash: String
    }

    struct Manifest: Codable, Equatable, Sendable {
        var createdAt: Date
        var database: String  // "sqlite" or "postgres"
        var file: String
        var bytes: Int64
        var sha256: String
        var chains: [ChainHead]
        /// The heads signed with the audit key when the backup was made (also appended to the anchors file).
        var anchors: [AuditAnchor]? = nil
    }

    enum Failure: Error, CustomStringConvertible {
        case unsupported(String), tool(String), mismatch(String), notEmpty(String)
        var description: String {
            switch self {
            case .unsupported(let s), .tool(let s), .mismatch(let s), .notEmpty(let s): s
            }
        }
    }

    /// Writes one backup into `directory` and returns its manifest (also written as `<file>.manifest.json`).
    static func run(_ app: Application, to directory: String, now: Date = Date()) async throws -> Manifest {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = Self.stamp(now)
        let file: String, kind: String, chains: [ChainHead]
        switch app.config.database {
        case .sqlite:
            kind = "sqlite"
            file = "finsync-\(stamp).sqlite"
            let path = (directory as NSString).appendingPathComponent(file)
            guard !FileManager.default.fileExists(atPath: path) else { throw Failure.tool("\(path) already exists") }
            // VACUUM INTO reads one snapshot, so writers go on meanwhile and the copy is consistent and compact.
            try await app.db.sql().raw("VACUUM INTO \(bind: path)").run()
            chains = try await heads(ofSQLiteFile: path, app: app)
        case .postgres(let url):
            kind = "postgres"
            file = "finsync-\(stamp).pgdump"
            let path = (directory as NSString).appendingPathComponent(file)
            // Heads first: the dump's snapshot starts after, so it holds at least these entries.
            chains = try await heads(on: app.db.sql())
            try await Self.runTool("pg_dump", ["--format=custom", "--no-owner", "--file=\(path)", "--dbname=\(url.absoluteString)"])
        case .sqliteMemory:
            throw Failure.unsupported("an in-memory database cannot be backed up")
        }
        let path = (directory as NSString).appendingPathComponent(file)
        let anchors = try chains.map { try app.auditAnchors.sign($0, at: now) }
        try app.auditAnchors.append(anchors)
        let manifest = Manifest(createdAt: now, database: kind, file: file, bytes: try fileSize(path), sha256: try sha256(ofFile: path), chains: chains,
                                anchors: anchors)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: path + ".manifest.json"))
        return manifest
    }

    static func stamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }

    /// The last entry of every audit chain: asked of the live database, and of a SQLite copy opened on its own.
    static let headsQuery = """
        SELECT a.chain_key, a.seq, a.hash FROM audit_entries a
        JOIN (SELECT chain_key, MAX(seq) AS seq FROM audit_entries GROUP BY chain_key) m ON m.chain_key = a.chain_key AND m.seq = a.seq
        ORDER BY a.chain_key
        """

    /// The last entry of every audit chain.
    static func heads(on sql: any SQLDatabase) async throws -> [ChainHead] {
        struct Row: Decodable { var chain_key: String; var seq: Int64; var hash: String }
        return try await sql.raw(SQLQueryString(headsQuery)).all(decoding: Row.self).map { ChainHead(chain: $0.chain_key, seq: $0.seq, hash: $0.hash) }
    }

    private static func heads(ofSQLiteFile path: String, app: Application) async throws -> [ChainHead] {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: app.threadPool, logger: app.logger,
                                                         on: app.eventLoopGroup.any()).get()
        do {
            let rows = try await connection.query(headsQuery).get()
            try await connection.close().get()
            return rows.compactMap { row in
                guard let chain = row.column("chain_key")?.string, let seq = row.column("seq")?.integer, let hash = row.column("hash")?.string
                else { return nil }
                return ChainHead(chain: chain, seq: Int64(seq), hash: hash)
            }
        } catch {
            try? await connection.close().get()
            throw error
        }
    }

    static func fileSize(_ path: String) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    }

    static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.tool("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().hexString
    }

    static func runTool(_ name: String, _ arguments: [String]) async throws {
        let result: ChildProcess.Output
        do { result = try await ChildProcess.run(name, arguments) } catch { throw Failure.tool("\(error)") }
        guard result.status == 0 else {
            throw Failure.tool("\(name) failed (\(result.status)): \(result.errorText.prefix(500))")
        }
    }
}

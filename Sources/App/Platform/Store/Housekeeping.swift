import Fluent
import Foundation
import SQLKit
import Vapor

/// Rows that only ever matter for a while, purged on a schedule while `serve` runs so they cannot grow without
/// end. Nothing of the books or the audit trail is ever touched here.
enum Housekeeping {
    struct Purged: Equatable, Sendable {
        var idempotencyKeys = 0, loginFailures = 0, refreshTokens = 0, webSessions = 0, errorEvents = 0
    }

    /// Remembered answers are kept a day (a client retries within minutes); sign-in failures an hour (the limit
    /// counts a minute); refresh tokens and sessions once expired (they are refused from then on anyway); tracked
    /// errors 90 days.
    static func purge(on db: any Database, now: Date = Date()) async throws -> Purged {
        let sql = db.sql()
        func delete(_ table: String, _ column: String, before cutoff: Date, _ extra: SQLQueryString = "") async throws -> Int {
            struct N: Decodable { var n: Int64 }
            let n = try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) < \(bind: cutoff) \(extra)").first(decoding: N.self)?.n ?? 0
            if n > 0 { try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) < \(bind: cutoff) \(extra)").run() }
            return Int(n)
        }
        var p = Purged()
        // A claim still running (status 0) is left for its request, or for the takeover after a crash.
        p.idempotencyKeys = try await delete("idempotency_keys", "created_at", before: now.addingTimeInterval(-86_400), "AND status > 0")
        p.loginFailures = try await delete("login_failures", "at", before: now.addingTimeInterval(-3_600))
        p.refreshTokens = try await delete("refresh_tokens", "expires_at", before: now)
        p.webSessions = try await delete("web_sessions", "expires_at", before: now)
        p.errorEvents = try await delete("error_events", "at", before: now.addingTimeInterval(-90 * 86_400))
        return p
    }

    /// Verifies every audit chain from its checkpoint and moves the checkpoint to its end, so later verifications
    /// (and the page that shows them) walk only what came since.
    static func checkpointAuditChains(_ app: Application) async throws {
        struct Chain: Decodable { var chain_key: String }
        for chain in try await app.db.sql().raw("SELECT DISTINCT chain_key FROM audit_entries").all(decoding: Chain.self) {
            let result = try await AuditLog.verifySinceCheckpoint(chain: chain.chain_key, store: app.store, anchors: app.auditAnchors, record: true, on: app.db)
            if case .broken(_, let reason) = result { app.logger.critical("audit chain \(chain.chain_key) does not verify: \(reason)") }
        }
    }

    static func loop(_ app: Application) async {
        while !Task.isCancelled {
            do {
                let p = try await app.store.write(on: app.db) { db in try await purge(on: db) }
                if p != Purged() { app.logger.info("housekeeping purged \(p)") }
                try await checkpointAuditChains(app)
            } catch {
                app.logger.error("housekeeping failed: \(String(describing: error))")
            }
            try? await Task.sleep(for: .seconds(3_600))
        }
    }
}

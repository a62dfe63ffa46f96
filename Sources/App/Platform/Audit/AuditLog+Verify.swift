import Fluent
import Foundation
import SQLKit

extension AuditLog {
    enum Verification: Equatable, Sendable {
        case ok(entries: Int)
        case broken(entryID: UUID, reason: String)
    }

    /// Walks a chain from its first entry, recomputing each hash and checking each link and sequence number.
    static func verify(chain: String, anchors: AuditAnchors? = nil, on db: any Database, pageSize: Int = 1_000) async throws -> Verification {
        if case .broken(let verification) = try await checkAnchor(chain: chain, anchors: anchors, on: db.sql()) { return verification }
        return try await walk(chain: chain, after: nil, on: db, pageSize: pageSize).result
    }

    /// Walks only what was appended since the last verified checkpoint (after checking that the checkpoint's entry
    /// still has the hash it had), then moves the checkpoint to the head. An audit page costs the entries since the
    /// last look, not the whole chain; the full walk stays for `verify-books`, backups and `?full=true`.
    /// `record` moves the checkpoint forward after a clean walk; a read (`GET …/audit-log/verify`) never does, since
    /// no GET writes; the hourly housekeeping does.
    ///
    /// The chain's latest signed anchor is checked first: its signature, that the chain still reaches it, and that the
    /// anchored entry still has its hash. A cut tail, a truncated table or a rewritten history fails here even when
    /// the database was altered consistently (checkpoint included).
    static func verifySinceCheckpoint(chain: String, store: Store, anchors: AuditAnchors? = nil, record: Bool = false,
                                      on db: any Database) async throws -> Verification {
        struct Checkpoint: Decodable { var seq: Int64; var hash: String }
        let sql = db.sql()
        var start: (seq: Int64, hash: String)?
        switch try await checkAnchor(chain: chain, anchors: anchors, on: sql) {
        case .broken(let verification): return verification
        case .reaches(let anchored): start = anchored
        }
        let checkpoint = try await sql.raw("SELECT seq, hash FROM audit_checkpoints WHERE chain_key = \(bind: chain)").first(decoding: Checkpoint.self)
        if let checkpoint, checkpoint.seq > (start?.seq ?? 0) {
            struct Row: Decodable { var id: UUID; var hash: String }
            let at = try await sql.raw("SELECT id, hash FROM audit_entries WHERE chain_key = \(bind: chain) AND seq = \(bind: checkpoint.seq)").first(decoding: Row.self)
            guard let at, at.hash == checkpoint.hash else {
                return .broken(entryID: at?.id ?? UUID(), reason: "entry \(checkpoint.seq) no longer has the hash it had when last verified: the chain was altered")
            }
            start = (checkpoint.seq, checkpoint.hash)
        }
        let walked = try await walk(chain: chain, after: start, on: db)
        if record, case .ok = walked.result, walked.lastSeq > (checkpoint?.seq ?? 0) {
            let (seq, hash) = (walked.lastSeq, walked.lastHash)
            try await store.write(on: db) { tx in
                try await tx.sql().raw("""
                    INSERT INTO audit_checkpoints (chain_key, seq, hash, verified_at) VALUES (\(bind: chain), \(bind: seq), \(bind: hash), \(bind: Date()))
                    ON CONFLICT (chain_key) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, verified_at = excluded.verified_at
                    """).run()
            }
        }
        return walked.result
    }

    enum AnchorCheck { case broken(Verification), reaches((seq: Int64, hash: String)?) }

    /// The chain against its latest anchor: genuine, still reached, same hash at the anchored entry.
    static func checkAnchor(chain: String, anchors: AuditAnchors?, on sql: any SQLDatabase) async throws -> AnchorCheck {
        guard let anchors, let anchor = anchors.latest(chain: chain) else { return .reaches(nil) }
        let when = ISO8601DateFormatter().string(from: anchor.at)
        guard anchors.isGenuine(anchor) else {
            return .broken(.broken(entryID: UUID(), reason: "the anchor of \(when) (entry \(anchor.seq)) does not carry this installation's signature: the anchors file was altered"))
        }
        struct Row: Decodable { var id: UUID; var hash: String }
        guard let at = try await sql.raw("SELECT id, hash FROM audit_entries WHERE chain_key = \(bind: chain) AND seq = \(bind: anchor.seq)").first(decoding: Row.self) else {
            struct Last: Decodable { var n: Int64? }
            let last = try await sql.raw("SELECT MAX(seq) AS n FROM audit_entries WHERE chain_key = \(bind: chain)").first(decoding: Last.self)?.n ?? 0
            return .broken(.broken(entryID: UUID(), reason: last < anchor.seq
                ? "the chain ends at entry \(last) but reached entry \(anchor.seq) when anchored on \(when): entries were removed"
                : "entry \(anchor.seq), anchored on \(when), is missing"))
        }
        guard at.hash == anchor.hash else {
            return .broken(.broken(entryID: at.id, reason: "entry \(anchor.seq) no longer has the hash anchored on \(when): the chain was rewritten"))
        }
        return .reaches((anchor.seq, anchor.hash))
    }

    private static func walk(chain: String, after start: (seq: Int64, hash: String)?, on db: any Database, pageSize: Int = 1_000) async throws
        -> (result: Verification, lastSeq: Int64, lastHash: String)
    {
        let sql = db.sql()
        var expectedPrev = start?.hash ?? genesisHash
        var expectedSeq: Int64 = (start?.seq ?? 0) + 1
        var buffer = CanonicalJSON()
        while true {
            let page = try await sql.raw("""
                SELECT * FROM audit_entries WHERE chain_key = \(bind: chain) AND seq >= \(bind: expectedSeq)
                ORDER BY seq LIMIT \(bind: pageSize)
                """).all(decoding: AuditRow.self)
            for row in page {
                if row.seq != expectedSeq {
                    return (.broken(entryID: row.id, reason: "sequence jumps from \(expectedSeq - 1) to \(row.seq): an entry is missing"), 0, "")
                }
                if row.prevHash != expectedPrev {
                    return (.broken(entryID: row.id, reason: "its previous-hash does not match the hash of entry \(row.seq - 1)"), 0, "")
                }
                if row.computedHash(using: &buffer) != row.hash {
                    return (.broken(entryID: row.id, reason: "its contents do not match its hash: the entry was altered"), 0, "")
                }
                expectedPrev = row.hash
                expectedSeq += 1
            }
            if page.count < pageSize { return (.ok(entries: Int(expectedSeq - 1)), expectedSeq - 1, expectedPrev) }
        }
    }
}

import Fluent
import Foundation
import SQLKit

extension AuditLog {
    enum Verification: Equatable, Sendable {
        case ok(entries: Int)
        case broken(entryID: UUID, reason: String)
    }

    /// Walks a chain from its first entry, recomputing each hash and checking each link and sequence number.
    static func verify(chain: String, on db: any Database, pageSize: Int = 1_000) async throws -> Verification {
        try await walk(chain: chain, after: nil, on: db, pageSize: pageSize).result
    }

    /// Walks only what was appended since the last verified checkpoint (after checking that the checkpoint's entry
    /// still has the hash it had), then moves the checkpoint to the head. An audit page costs the entries since the
    /// last look, not the whole chain; the full walk stays for `verify-books`, backups and `?full=true`.
    /// `record` moves the checkpoint forward after a clean walk; a read (`GET …/audit-log/verify`) never does, since
    /// no GET writes; the hourly housekeeping does.
    static func verifySinceCheckpoint(chain: String, store: Store, record: Bool = false, on db: any Database) async throws -> Verification {
        struct Checkpoint: Decodable { var seq: Int64; var hash: String }
        let sql = db.sql()
        let checkpoint = try await sql.raw("SELECT seq, hash FROM audit_checkpoints WHERE chain_key = \(bind: chain)").first(decoding: Checkpoint.self)
        if let checkpoint {
            struct Row: Decodable { var id: UUID; var hash: String }
            let at = try await sql.raw("SELECT id, hash FROM audit_entries WHERE chain_key = \(bind: chain) AND seq = \(bind: checkpoint.seq)").first(decoding: Row.self)
            guard let at, at.hash == checkpoint.hash else {
                return .broken(entryID: at?.id ?? UUID(), reason: "entry \(checkpoint.seq) no longer has the hash it had when last verified: the chain was altered")
            }
        }
        let walked = try await walk(chain: chain, after: checkpoint.map { ($0.seq, $0.hash) }, on: db)
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

    private static func walk(chain: String, after start: (seq: Int64, hash: String)?, on db: any Database, pageSize: Int = 1_000) async throws
        -> (result: Verification, lastSeq: Int64, lastHash: String)
    {
        let sql = db.sql()
        var expectedPrev = start?.hash ?? genesisHash
        var expectedSeq: Int64 = (start?.seq ?? 0) + 1
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
                if row.computedHash != row.hash {
                    return (.broken(entryID: row.id, reason: "its contents do not match its hash: the entry was altered"), 0, "")
                }
                expectedPrev = row.hash
                expectedSeq += 1
            }
            if page.count < pageSize { return (.ok(entries: Int(expectedSeq - 1)), expectedSeq - 1, expectedPrev) }
        }
    }
}

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
        let sql = db.sql()
        var expectedPrev = genesisHash
        var expectedSeq: Int64 = 1
        var count = 0
        while true {
            let page = try await sql.raw("""
                SELECT * FROM audit_entries WHERE chain_key = \(bind: chain) AND seq >= \(bind: expectedSeq)
                ORDER BY seq LIMIT \(bind: pageSize)
                """).all(decoding: AuditRow.self)
            for row in page {
                if row.seq != expectedSeq {
                    return .broken(entryID: row.id, reason: "sequence jumps from \(expectedSeq - 1) to \(row.seq): an entry is missing")
                }
                if row.prevHash != expectedPrev {
                    return .broken(entryID: row.id, reason: "its previous-hash does not match the hash of entry \(row.seq - 1)")
                }
                if row.computedHash != row.hash {
                    return .broken(entryID: row.id, reason: "its contents do not match its hash: the entry was altered")
                }
                expectedPrev = row.hash
                expectedSeq += 1
                count += 1
            }
            if page.count < pageSize { return .ok(entries: count) }
        }
    }
}

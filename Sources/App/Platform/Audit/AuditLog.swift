import Crypto
import Fluent
import Foundation
import SQLKit

/// Who did something, from where: taken from the request once and passed to every audited write.
struct AuditActor: Sendable {
    var userID: UUID?
    var requestID: String
    var clientAddress: String
}

/// One change to record. `before`/`after` are snapshots of the entity as the API shows it.
struct AuditEvent: Sendable {
    var companyID: UUID?
    var action: String
    var entityType: String
    var entityID: String
    var before: JSONValue? = nil
    var after: JSONValue? = nil
}

/// The append-only, hash-chained audit trail. Each company has its own chain; events that belong to no company
/// (sign-ins, token revocations) go to the platform chain.
enum AuditLog {
    static let platformChain = "platform"
    static let genesisHash = String(repeating: "0", count: 64)

    static func chainKey(for companyID: UUID?) -> String {
        companyID.map { $0.uuidString.lowercased() } ?? platformChain
    }

    /// Appends inside the caller's transaction, so the entry exists exactly when the change it describes does.
    @discardableResult
    static func append(_ event: AuditEvent, by actor: AuditActor, on db: any Database, at date: Date = Date())
        async throws -> AuditRow
    {
        // One event gives one row; the guard only keeps a broken invariant from trapping.
        struct NotWritten: Error {}
        guard let row = try await appendMany([event], by: actor, on: db, at: date).first else { throw NotWritten() }
        return row
    }

    /// Appends many events to their chains in order with multi-row inserts (bulk posting, imports).
    @discardableResult
    static func appendMany(_ events: [AuditEvent], by actor: AuditActor, on db: any Database, at date: Date = Date()) async throws -> [AuditRow] {
        guard !events.isEmpty else { return [] }
        let sql = db.sql()
        var heads: [String: AuditChainHead] = [:]
        var rows: [AuditRow] = []
        let at = AuditTimestamp.string(from: date)
        var buffer = CanonicalJSON()
        for event in events {
            let chain = chainKey(for: event.companyID)
            let head: AuditChainHead
            if let known = heads[chain] {
                head = known
            } else {
                if sql.dialect.name == "postgresql" {
                    // Serialises appends to one chain across connections and instances for the rest of the transaction.
                    // (SQLite writers are already serialised by `Store.write`.)
                    try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: chain)))").run()
                }
                head = try await self.head(of: chain, on: db)
            }
            var row = AuditRow(
                id: .timeOrdered(), chainKey: chain, seq: head.seq + 1, companyID: event.companyID, actorID: actor.userID, at: at,
                action: event.action, entityType: event.entityType, entityID: event.entityID, beforeJSON: event.before?.canonical,
                afterJSON: event.after?.canonical, requestID: actor.requestID, clientAddress: actor.clientAddress,
                prevHash: head.hash, hash: "")
            row.hash = row.computedHash(using: &buffer)
            heads[chain] = AuditChainHead(seq: row.seq, hash: row.hash)
            rows.append(row)
        }
        try await BoundRows.insert(rows, into: "audit_entries", on: sql)
        for (chain, head) in heads { keep(head, of: chain, on: db) }
        return rows
    }

    /// The chain's last entry: on SQLite's writer as it keeps it (read from the database the first time, and again
    /// after another connection wrote the file), elsewhere from the database. The caller holds the chain (the
    /// writer's transaction, or PostgreSQL's advisory lock).
    static func head(of chain: String, on db: any Database) async throws -> AuditChainHead {
        let writer = (db as? EngineDatabase)?.writerHandle
        if let kept = writer?.chainHeads[chain] { return kept }
        struct Row: Decodable { var seq: Int64; var hash: String }
        let read = try await db.sql().raw("""
            SELECT seq, hash FROM audit_entries WHERE chain_key = \(bind: chain) ORDER BY seq DESC LIMIT 1
            """).first(decoding: Row.self).map { AuditChainHead(seq: $0.seq, hash: $0.hash) } ?? AuditChainHead(seq: 0, hash: genesisHash)
        writer?.chainHeads[chain] = read
        return read
    }

    private static func keep(_ head: AuditChainHead, of chain: String, on db: any Database) {
        (db as? EngineDatabase)?.writerHandle?.chainHeads[chain] = head
    }
}

/// A chain's last entry: the next entry's sequence number follows it and its hash is the next entry's `prev_hash`.
struct AuditChainHead: Sendable, Equatable {
    var seq: Int64
    var hash: String
}

/// An audit entry exactly as stored. Its hash covers every column but the hash itself.
struct AuditRow: Codable, BoundRow {
    var id: UUID
    var chainKey: String
    var seq: Int64
    var companyID: UUID?
    var actorID: UUID?
    var at: String
    var action: String
    var entityType: String
    var entityID: String
    var beforeJSON: String?
    var afterJSON: String?
    var requestID: String
    var clientAddress: String
    var prevHash: String
    var hash: String

    enum CodingKeys: String, CodingKey {
        case id, chainKey = "chain_key", seq, companyID = "company_id", actorID = "actor_id", at, action
        case entityType = "entity_type", entityID = "entity_id", beforeJSON = "before_json", afterJSON = "after_json"
        case requestID = "request_id", clientAddress = "client_address", prevHash = "prev_hash", hash
    }

    static let columns = ["id", "chain_key", "seq", "company_id", "actor_id", "at", "action", "entity_type", "entity_id", "before_json",
                          "after_json", "request_id", "client_address", "prev_hash", "hash"]
    var values: [BoundValue] {
        [.uuid(id), .text(chainKey), .int(seq), BoundValue(companyID), BoundValue(actorID), .text(at), .text(action), .text(entityType),
         .text(entityID), BoundValue(beforeJSON), BoundValue(afterJSON), .text(requestID), .text(clientAddress), .text(prevHash), .text(hash)]
    }

    /// The canonical JSON the hash is taken over: keys in sorted order, before/after as their stored canonical text.
    var canonicalJSON: String {
        var out = CanonicalJSON()
        writeCanonical(into: &out)
        return out.string
    }

    /// Writes the same bytes `JSONValue.canonical` gives for this row's object, without building the object: the
    /// keys below are already in sorted order and need no escaping.
    func writeCanonical(into out: inout CanonicalJSON) {
        out.raw(#"{"action":"#); out.write(action)
        out.raw(#","actorId":"#); out.write(actorID?.uuidString.lowercased())
        out.raw(#","after":"#); out.write(afterJSON)
        out.raw(#","at":"#); out.write(at)
        out.raw(#","before":"#); out.write(beforeJSON)
        out.raw(#","chain":"#); out.write(chainKey)
        out.raw(#","clientAddress":"#); out.write(clientAddress)
        out.raw(#","companyId":"#); out.write(companyID?.uuidString.lowercased())
        out.raw(#","entityId":"#); out.write(entityID)
        out.raw(#","entityType":"#); out.write(entityType)
        out.raw(#","id":"#); out.write(id.uuidString.lowercased())
        out.raw(#","requestId":"#); out.write(requestID)
        out.raw(#","seq":"#); out.raw(String(seq))
        out.raw("}")
    }

    /// `SHA-256(previous hash ‖ canonical JSON)`, hex.
    var computedHash: String {
        var buffer = CanonicalJSON()
        return computedHash(using: &buffer)
    }

    /// The hash, written through a buffer the caller reuses across rows (bulk posting, verification).
    func computedHash(using buffer: inout CanonicalJSON) -> String {
        buffer.reset()
        writeCanonical(into: &buffer)
        var hasher = SHA256()
        hasher.update(data: Array(prevHash.utf8))
        hasher.update(data: buffer.bytes)
        return hasher.finalize().hexString
    }
}

/// Audit times are stored as text with milliseconds so they hash the same on every database and sort as strings.
enum AuditTimestamp {
    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}

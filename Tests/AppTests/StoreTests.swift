import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import App

@Suite struct StoreTests {
    actor Flag {
        var set = false
        func raise() { set = true }
    }

    /// While a write transaction is open, every reading connection still answers, and answers with the last committed
    /// state (not the open write's row). Before the writer had a connection of its own, the write held one event
    /// loop's only connection and a read on that loop waited until the write ended: this write would have given up.
    @Test func reads_on_every_loop_answer_while_a_write_is_open() async throws {
        try await withApp { app in
            let started = Flag(), readsDone = Flag()
            let marker = "store-test-\(UUID().uuidString)"
            async let wrote: Bool = app.write { db in
                try await db.sql().raw("INSERT INTO error_events (id, at, request_id, method, route, status, error_type, message) VALUES (\(bind: UUID()), \(bind: Date()), 'r', 'GET', \(bind: marker), 500, 't', 'm')").run()
                await started.raise()
                for _ in 0..<500 {
                    if await readsDone.set { return true }
                    try await Task.sleep(for: .milliseconds(10))
                }
                return false
            }
            while !(await started.set) { try await Task.sleep(for: .milliseconds(5)) }
            var seenUncommitted = false
            for loop in app.eventLoopGroup.makeIterator() {
                let db = try #require(app.databases.database(logger: app.logger, on: loop))
                struct N: Decodable { var n: Int64 }
                let n = try await db.sql().raw("SELECT COUNT(*) AS n FROM error_events WHERE route = \(bind: marker)").first(decoding: N.self)?.n
                if n != 0 { seenUncommitted = true }
            }
            await readsDone.raise()
            #expect(try await wrote, "the reads waited for the write to end")
            #expect(!seenUncommitted)
            struct N: Decodable { var n: Int64 }
            let after = try await app.db.sql().raw("SELECT COUNT(*) AS n FROM error_events WHERE route = \(bind: marker)").first(decoding: N.self)?.n
            #expect(after == 1)
        }
    }

    /// Commits never checkpoint the log themselves (`wal_autocheckpoint = 0` on the writer): a checkpoint runs beside
    /// them shortly after, copies what was committed, and the rows read back the same afterwards.
    @Test func the_log_is_checkpointed_beside_the_writer() async throws {
        try await withApp { app in
            guard app.store.checkpoints != nil else { return }  // PostgreSQL has no log of ours to copy
            let marker = "checkpoint-test-\(UUID().uuidString)"
            let before = app.store.checkpoints?.runs ?? 0
            for i in 0..<30 {
                try await app.write { db in
                    try await db.sql().raw("INSERT INTO error_events (id, at, request_id, method, route, status, error_type, message) VALUES (\(bind: UUID()), \(bind: Date()), \(bind: String(i)), 'GET', \(bind: marker), 500, 't', 'm')").run()
                }
            }
            // The last commit's checkpoint comes within the interval; one that ran between commits may have left later frames.
            func caughtUp() -> Bool {
                guard let p = app.store.checkpoints else { return false }
                return p.runs > before && p.copied > 0 && p.copied == p.log
            }
            for _ in 0..<50 where !caughtUp() { try await Task.sleep(for: .milliseconds(100)) }
            #expect(caughtUp(), "no checkpoint copied the log within 5 s of the commits: \(String(describing: app.store.checkpoints))")
            struct N: Decodable { var n: Int64 }
            let n = try await app.db.sql().raw("SELECT COUNT(*) AS n FROM error_events WHERE route = \(bind: marker)").first(decoding: N.self)?.n
            #expect(n == 30)
        }
    }

    /// A write that fails leaves nothing, and the writers queued behind it still commit, each whole — also when
    /// they share a commit with it (SQLite group-commits the writes that queue up while one runs).
    @Test func a_failing_write_among_concurrent_ones_leaves_only_itself_out() async throws {
        try await withApp { app in
            let before = app.store.groupCommits
            let marker = "store-test-\(UUID().uuidString)"
            struct Refused: Error {}
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        do {
                            try await app.write { db in
                                for _ in 0..<2 {
                                    try await db.sql().raw("INSERT INTO error_events (id, at, request_id, method, route, status, error_type, message) VALUES (\(bind: UUID()), \(bind: Date()), \(bind: String(i)), 'GET', \(bind: marker), 500, 't', 'm')").run()
                                }
                                if i % 5 == 0 { throw Refused() }
                            }
                            return true
                        } catch { return false }
                    }
                }
                var out: [Bool] = []
                for await o in group { out.append(o) }
                return out
            }
            #expect(outcomes.filter { $0 }.count == 16)
            struct Row: Decodable { var request_id: String }
            let rows = try await app.db.sql().raw("SELECT request_id FROM error_events WHERE route = \(bind: marker)").all(decoding: Row.self)
            let perWrite = Dictionary(grouping: rows, by: \.request_id).mapValues(\.count)
            #expect(rows.count == 32)
            #expect(perWrite.values.allSatisfy { $0 == 2 })
            #expect(perWrite.keys.allSatisfy { Int($0).map { $0 % 5 != 0 } ?? false })
            if let before, let after = app.store.groupCommits {
                let (transactions, writes) = (after.transactions - before.transactions, after.writes - before.writes)
                #expect(writes == 16)
                #expect(transactions < writes, "each write committed alone: \(transactions) transactions for \(writes) writes")
            }
        }
    }

    /// The writer keeps each audit chain's head instead of reading it back: it must follow rollbacks (a failed write
    /// among a group's) and notice entries another connection committed, or the chain would fork.
    @Test func kept_audit_chain_heads_follow_rollbacks_and_other_connections() async throws {
        try await withApp { app in
            let company = UUID()
            let chain = AuditLog.chainKey(for: company)
            let actor = AuditActor(userID: nil, requestID: "store-test", clientAddress: "local")
            @Sendable func event(_ i: Int) -> AuditEvent { AuditEvent(companyID: company, action: "test.write", entityType: "test", entityID: String(i)) }
            struct Refused: Error {}
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        _ = try? await app.write { db in
                            try await AuditLog.append(event(i), by: actor, on: db)
                            if i % 5 == 4 { throw Refused() }
                        }
                    }
                }
            }
            #expect(try await AuditLog.verify(chain: chain, on: app.db) == .ok(entries: 16))
            if !TestDatabase.isPostgres {
                // Another connection to the same file (here Fluent's own SQLite driver) appends to the chain.
                try await app.db(.sqlite).transaction { db in _ = try await AuditLog.append(event(100), by: actor, on: db) }
            }
            try await app.write { db in _ = try await AuditLog.appendMany([event(101), event(102)], by: actor, on: db) }
            _ = try await app.write { db in try await AuditLog.append(event(103), by: actor, on: db) }
            #expect(try await AuditLog.verify(chain: chain, on: app.db) == .ok(entries: TestDatabase.isPostgres ? 19 : 20))
        }
    }
}

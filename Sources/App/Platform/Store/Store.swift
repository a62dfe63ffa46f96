import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// The one way to write: a database transaction, serialised per process on SQLite.
///
/// On SQLite every write runs on the one writer connection (`SQLiteWriter`), queued here in arrival order, while
/// reads use the per-loop connections and never wait for it. PostgreSQL needs no gate: row locks and advisory locks
/// serialise what must be serialised, and each transaction runs on the caller's pooled connection.
final class Store: Sendable {
    private let gate: AsyncGate?
    private let writer: SQLiteWriter?
    /// The Tally imports this process is running (one per company, a few per server): imports are writes too.
    let imports = ImportSlots()

    /// `sqlite` is the configuration the readers use; the writer opens the same database.
    init(sqlite: SQLiteConfiguration?) {
        gate = sqlite == nil ? nil : AsyncGate()
        writer = sqlite.map(SQLiteWriter.init)
    }

    /// The connection writes run on: SQLite's writer, or `db` itself on PostgreSQL.
    func writeDatabase(for db: any Database) throws -> any Database {
        try writer?.database(logger: db.logger) ?? db
    }

    func shutdown() async {
        await writer?.shutdown()
    }

    func write<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
    {
        let claim = IdempotencyClaim.current
        let sqlite = gate != nil
        let db = try writeDatabase(for: db)
        @Sendable func transaction() async throws -> T {
            try await db.transaction { tx in
                // Fluent begins SQLite transactions deferred; a write as the first statement takes the write lock
                // at once (waiting under busy_timeout), as BEGIN IMMEDIATE would, so the transaction can never
                // fail later trying to upgrade a read snapshot another writer has moved past.
                // The request's Idempotency-Key is spent in the same transaction as its change: both or neither.
                // Marking it is a write, so it takes the lock too; only writes without a key need the no-op.
                if let claim { try await claim.markApplied(on: tx.sql()) } else if sqlite {
                    try await tx.sql().raw("DELETE FROM idempotency_keys WHERE 1 = 0").run()
                }
                return try await body(tx)
            }
        }
        return try await Store.retryingBusy {
            guard let gate else { return try await transaction() }
            return try await gate.withLock { try await transaction() }
        }
    }

    /// Runs `body` again (up to three times, briefly apart) when the database reports a lock it could not get in
    /// time or a serialisation failure; after that the error goes up and is answered 503 with Retry-After.
    static func retryingBusy<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do { return try await body() } catch where DatabaseContention.isContention(error) && attempt < 3 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(20 * attempt))
            }
        }
    }
}

/// A FIFO async mutex: waiters suspend instead of blocking a thread.
actor AsyncGate {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

extension Application {
    private struct StoreKey: StorageKey { typealias Value = Store }

    var store: Store { required(StoreKey.self) }

    /// Installs the store; its writer connection and thread close when the application shuts down.
    func useStore(_ store: Store) async {
        await storage.setWithAsyncShutdown(StoreKey.self, to: store, onShutdown: { await $0.shutdown() })
    }

    /// A service `configure(_:)` puts in storage; its absence is a programming error, not a runtime condition.
    func required<Key: StorageKey>(_ key: Key.Type) -> Key.Value {
        guard let value = storage[key] else { fatalError("configure(_:) has not set \(Key.self)") }
        return value
    }
}

extension Request {
    /// Runs `body` in a write transaction; see `Store`.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await application.store.write(on: db, body)
    }

    var auditActor: AuditActor {
        AuditActor(userID: storage[AuthenticatedUserKey.self], requestID: requestID, clientAddress: clientAddress)
    }
}

/// Database answers that mean "try again": SQLite's busy or locked, PostgreSQL's serialisation failure or deadlock.
enum DatabaseContention {
    static func isContention(_ error: any Error) -> Bool {
        if let e = error as? SQLiteError { return e.reason == .busy || e.reason == .locked }
        if let e = error as? PSQLError, let state = e.serverInfo?[.sqlState] { return state == "40001" || state == "40P01" || state == "55P03" }
        return false
    }
}

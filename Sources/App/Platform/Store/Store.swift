import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// The one way to write: a database transaction, serialised per process on SQLite.
///
/// On SQLite every write runs on the one writer connection (`SQLiteWriter`), queued there in arrival order, while
/// reads use the reader connections (`SQLiteReaders`) and never wait for it. PostgreSQL needs no gate: row locks and advisory locks
/// serialise what must be serialised, and each transaction runs on the caller's pooled connection.
final class Store: Sendable {
    private let writer: SQLiteWriter?
    /// The Tally imports this process is running (one per company, a few per server): imports are writes too.
    let imports = ImportSlots()

    /// `sqlitePath` is the database file the readers open; the writer opens the same file.
    init(sqlitePath: String?) {
        writer = sqlitePath.map(SQLiteWriter.init)
    }

    func shutdown() async {
        await writer?.shutdown()
    }

    /// SQLite: transactions committed and the writes they carried (nil on PostgreSQL).
    var groupCommits: (transactions: Int, writes: Int)? { writer?.commits.withLockedValue { $0 } }

    /// SQLite: the background checkpoints of the log so far (nil on PostgreSQL).
    var checkpoints: (runs: Int, log: Int, copied: Int)? { writer?.checkpointer.progress }

    func write<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
    {
        // The request's Idempotency-Key is spent in the same transaction as its change: both or neither.
        let claim = IdempotencyClaim.current
        if let writer {
            return try await Store.retryingBusy {
                try await writer.write(base: db) { tx in
                    if let claim { try await claim.markApplied(on: tx) }
                    return try await body(tx)
                }
            }
        }
        return try await Store.retryingBusy {
            try await db.transaction { tx in
                if let claim { try await claim.markApplied(on: tx.sql()) }
                return try await body(tx)
            }
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
        if let e = error as? SQLiteEngineError { return e.isBusy }
        if let e = error as? PSQLError, let state = e.serverInfo?[.sqlState] { return state == "40001" || state == "40P01" || state == "55P03" }
        return false
    }
}

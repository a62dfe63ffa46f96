import Fluent
import Vapor

/// The one way to write: a database transaction, serialised per process on SQLite.
///
/// SQLite allows one writer at a time and Fluent keeps one connection per event loop; two deferred transactions
/// that both read before writing would fail with SQLITE_BUSY instead of waiting. Queuing writers here keeps them
/// from colliding. PostgreSQL needs no gate: row locks and advisory locks serialise what must be serialised.
final class Store: Sendable {
    private let gate: AsyncGate?

    init(serialiseWrites: Bool) {
        gate = serialiseWrites ? AsyncGate() : nil
    }

    func write<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
    {
        guard let gate else { return try await db.transaction(body) }
        return try await gate.withLock { try await db.transaction(body) }
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

    var store: Store {
        get { required(StoreKey.self) }
        set { storage[StoreKey.self] = newValue }
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

import FluentKit
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Fluent's database for reads on SQLite: connections of our own on the same file (WAL, so they read the last
/// committed state while the writer works), each statement run whole on one of the readers' threads.
///
/// SQLiteNIO runs every statement on a shared pool thread and then hands every result row back to an event loop
/// one at a time: a month's GSTR-1 crossed threads half a million times. Here a statement crosses to a reader
/// thread once and its rows are delivered from there as they are stepped.
struct SQLiteReaderConfiguration: DatabaseConfiguration {
    let path: String
    var middleware: [any AnyModelMiddleware] = []

    func makeDriver(for databases: Databases) -> any DatabaseDriver { SQLiteReaders(path: path) }
}

final class SQLiteReaders: DatabaseDriver, Sendable {
    let path: String
    /// Reads of a report can take a while; more threads than cores let a short read pass a long one.
    let threads: NIOThreadPool
    private let idle = NIOLockedValueBox<[SQLiteHandle]>([])

    init(path: String) {
        self.path = path
        threads = NIOThreadPool(numberOfThreads: max(4, System.coreCount * 2))
        threads.start()
    }

    func makeDatabase(with context: DatabaseContext) -> any Database {
        EngineDatabase(connection: .readers(self), context: context)
    }

    /// Runs `body` with a handle no other statement is using: an idle one, or a new one when all are busy.
    func withHandle<T>(_ body: (SQLiteHandle) throws -> T) throws -> T {
        let handle = try idle.withLockedValue { $0.popLast() } ?? open()
        defer { idle.withLockedValue { $0.append(handle) } }
        return try body(handle)
    }

    private func open() throws -> SQLiteHandle { try SQLiteHandle(path: path) }

    func shutdown() {
        try? threads.syncShutdownGracefully()
        closeIdle()
    }

    func shutdownAsync() async {
        try? await threads.shutdownGracefully()
        closeIdle()
    }

    /// Handles still in use close when their statement returns them and they are released.
    private func closeIdle() {
        idle.withLockedValue { handles in
            for handle in handles { handle.close() }
            handles = []
        }
    }
}

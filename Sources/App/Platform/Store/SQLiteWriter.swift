import Fluent
import FluentSQLiteDriver
import NIOPosix
import Vapor

/// SQLite's one writer: a single connection with an event loop and a thread of its own.
///
/// SQLite lets one connection write at a time. When writes ran on the request's own event-loop connection, a write
/// transaction held that loop's only connection for its whole length and every read on the loop waited behind it;
/// with bcrypt and every query sharing two pool threads, a burst of sign-ins stalled posting too. Here every write
/// transaction runs on this connection, in turn, and the readers (Fluent's per-loop pool, in WAL mode) read the last
/// committed state without ever waiting for a writer. It is the same embedded SQLite `sqlite-nio` ships, opened on
/// the same file: one copy of SQLite per process, so file locking holds.
final class SQLiteWriter: Sendable {
    private let thread: NIOThreadPool
    private let loop: MultiThreadedEventLoopGroup
    private let databases: Databases

    init(_ configuration: SQLiteConfiguration) {
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        databases = Databases(threadPool: thread, on: loop)
        // One connection in all; a writer queued behind a long import waits in the Store's gate, not in the pool,
        // so the pool's timeout only has to cover the hand-over.
        databases.use(.sqlite(configuration, maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(60), sqlLogLevel: .debug),
                      as: .sqlite)
    }

    /// The writer connection, logging with the caller's logger (so a request's id follows its statements).
    func database(logger: Logger) throws -> any Database {
        guard let db = databases.database(logger: logger, on: loop.next()) else {
            throw Abort(.serviceUnavailable, reason: "The server is shutting down; try again shortly.")
        }
        return db
    }

    func shutdown() async {
        await databases.shutdownAsync()
        try? await loop.shutdownGracefully()
        try? await thread.shutdownGracefully()
    }
}

import Fluent
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// SQLite's one writer: a single connection driven on a thread of its own.
///
/// SQLite lets one connection write at a time. Write transactions run here, one after another (`BEGIN IMMEDIATE`,
/// so a transaction holds the write lock from its first statement and can never fail later upgrading a read), and
/// the readers (Fluent's per-loop connections, in WAL mode) read the last committed state without waiting for it.
/// A transaction's code runs on the writer's thread (a task executor preference), and each statement runs there
/// synchronously on a kept prepared statement: no thread-pool round trip per statement or per row.
final class SQLiteWriter: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let loop: any EventLoop
    private let executor: LoopExecutor
    private let path: String
    /// Opened on the first write, so a restore can copy its file into place before anything holds it open.
    private let handle = NIOLockedValueBox<SQLiteHandle?>(nil)
    private let gate = AsyncGate()

    init(path: String) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        executor = LoopExecutor(loop: loop)
        self.path = path
    }

    /// Runs `body` in one transaction on the writer connection, after every write that asked before it.
    /// `base` lends its logger, page-size limit and Fluent configuration (model middleware) to the transaction.
    func write<T: Sendable>(base: any Database, _ body: @escaping @Sendable (EngineDatabase) async throws -> T) async throws -> T {
        try await gate.withLock {
            try await withTaskExecutorPreference(self.executor) {
                let handle = try self.open()
                let db = EngineDatabase(connection: .writer(handle), context: DatabaseContext(
                    configuration: base.context.configuration, logger: base.logger, eventLoop: self.loop,
                    history: nil, pageSizeLimit: base.context.pageSizeLimit))
                try handle.run("BEGIN IMMEDIATE", [])
                do {
                    let result = try await body(db)
                    try handle.run("COMMIT", [])
                    return result
                } catch {
                    // A failed COMMIT, or an error SQLite already rolled back, may leave no transaction to end.
                    if handle.inTransaction { try? handle.run("ROLLBACK", []) }
                    throw error
                }
            }
        }
    }

    private func open() throws -> SQLiteHandle {
        try handle.withLockedValue { existing in
            if let existing { return existing }
            let opened = try SQLiteHandle(path: path)
            // The readers' settings, for this connection: foreign keys as SQLiteKit enables them, WAL (stored in the
            // file), NORMAL (durable across application crashes in WAL mode, no fsync per commit), a larger cache.
            for pragma in ["PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
                           "PRAGMA cache_size = -65536", "PRAGMA mmap_size = 268435456"] {
                try opened.run(pragma, [])
            }
            existing = opened
            return opened
        }
    }

    func shutdown() async {
        try? await gate.withLock { self.handle.withLockedValue { $0?.close(); $0 = nil } }
        try? await group.shutdownGracefully()
    }
}

/// Runs a task's jobs on one event loop's thread: the writer's code and its statements share that thread.
private final class LoopExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

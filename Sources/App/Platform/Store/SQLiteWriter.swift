import Fluent
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// SQLite's one writer: a single connection driven on a thread of its own.
///
/// SQLite lets one connection write at a time. Write transactions run here, one after another (`BEGIN IMMEDIATE`,
/// so a transaction holds the write lock from its first statement and can never fail later upgrading a read), and
/// the readers (`SQLiteReaders`, in WAL mode) read the last committed state without waiting for it. A transaction's
/// code runs on the writer's thread (its leader task prefers that thread as executor), and each statement runs there
/// synchronously on a kept prepared statement: no thread-pool round trip per statement or per row.
final class SQLiteWriter: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let loop: any EventLoop
    private let executor: LoopExecutor
    private let path: String
    /// Opened on the first write, so a restore can copy its file into place before anything holds it open.
    private let handle = NIOLockedValueBox<SQLiteHandle?>(nil)
    private let queue = WriteQueue()
    /// Transactions committed and the writes in them, since start (tests check that writes do share commits).
    let commits = NIOLockedValueBox((transactions: 0, writes: 0))
    /// Checkpoints the log off the commit path.
    let checkpointer: WALCheckpointer

    init(path: String) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        executor = LoopExecutor(loop: loop)
        self.path = path
        checkpointer = WALCheckpointer(path: path)
    }

    /// Runs `body` on the writer connection, after every write that asked before it, and returns once its change
    /// is committed. Writes that queue up while one runs are group-committed: the next transaction runs each of
    /// them inside its own savepoint and commits them together, so a write that fails is rolled back alone (the
    /// others commit) and a commit is paid once per group, not once per request.
    /// `base` lends its logger, page-size limit and Fluent configuration (model middleware) to the write.
    func write<T: Sendable>(base: any Database, _ body: @escaping @Sendable (EngineDatabase) async throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        let job = Job(base: base, run: { db in outcome.keep(try await body(db)) }, finish: { outcome.finish($0) })
        if await queue.add(job) { lead() }
        return try await outcome.value()
    }

    /// A write's answer, which its group's leader gives once the group is committed (or has failed), whether the
    /// caller is already waiting for it or not yet.
    private final class Outcome<T: Sendable>: Sendable {
        private struct State {
            var kept: T?
            var result: Result<T, any Error>?
            var waiting: CheckedContinuation<T, any Error>?
        }
        private let state = NIOLockedValueBox(State())

        func keep(_ value: T) { state.withLockedValue { $0.kept = value } }

        func finish(_ error: (any Error)?) {
            let (result, waiting): (Result<T, any Error>, CheckedContinuation<T, any Error>?) = state.withLockedValue { s in
                let result: Result<T, any Error>
                if let error { result = .failure(error) } else if let kept = s.kept { result = .success(kept) } else {
                    result = .failure(SQLiteEngineError(code: 1, message: "a committed write left no result"))
                }
                defer { s.waiting = nil }
                if s.waiting == nil { s.result = result }
                return (result, s.waiting)
            }
            waiting?.resume(with: result)
        }

        func value() async throws -> T {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<T, any Error>? = state.withLockedValue { s in
                    if let result = s.result { return result }
                    s.waiting = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

    /// One queued write: its body, and how to answer its caller once its group is committed or has failed.
    struct Job: Sendable {
        let base: any Database
        let run: @Sendable (EngineDatabase) async throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    /// Takes groups off the queue until it is empty, each in one transaction, on the writer's thread.
    private func lead() {
        Task(executorPreference: executor) {
            while let group = await self.queue.next(max: 64) {
                let rest = await self.commit(group)
                if !rest.isEmpty { await self.queue.putBack(rest) }
            }
        }
    }

    /// Runs a group's writes, each in a savepoint, and commits them; answers every caller. Returns the writes not
    /// yet run when SQLite gave up the whole transaction (they go first into the next group).
    private func commit(_ group: [Job]) async -> [Job] {
        let handle: SQLiteHandle
        do {
            handle = try open()
            try handle.run("BEGIN IMMEDIATE", [])
            // Holding the write lock now, nobody else can commit until this transaction ends.
            try handle.forgetIfChangedElsewhere()
        } catch {
            if let opened = try? open(), opened.inTransaction { try? opened.run("ROLLBACK", []) }
            group.forEach { $0.finish(error) }
            return []
        }
        // What the handle keeps about the file follows the rows: back to these when their changes are rolled back.
        let headsAtBegin = handle.chainHeads
        var done: [Job] = []
        for (i, job) in group.enumerated() {
            let db = EngineDatabase(connection: .writer(handle), context: DatabaseContext(
                configuration: job.base.context.configuration, logger: job.base.logger, eventLoop: loop,
                history: nil, pageSizeLimit: job.base.context.pageSizeLimit))
            let headsBefore = handle.chainHeads
            do {
                try handle.run("SAVEPOINT write", [])
                try await job.run(db)
                try handle.run("RELEASE write", [])
                done.append(job)
            } catch {
                guard handle.inTransaction else {
                    // SQLite rolled the whole transaction back (an I/O error, a full disk): the group's earlier
                    // writes are gone with it and fail too; the ones not yet run wait for the next transaction.
                    handle.chainHeads = headsAtBegin
                    (done + [job]).forEach { $0.finish(error) }
                    return Array(group[(i + 1)...])
                }
                try? handle.run("ROLLBACK TO write", [])
                try? handle.run("RELEASE write", [])
                handle.chainHeads = headsBefore
                job.finish(error)
            }
        }
        do {
            try handle.run("COMMIT", [])
            commits.withLockedValue { $0.transactions += 1; $0.writes += done.count }
            checkpointer.poke()
            done.forEach { $0.finish(nil) }
        } catch {
            if handle.inTransaction { try? handle.run("ROLLBACK", []) }
            handle.chainHeads = headsAtBegin
            done.forEach { $0.finish(error) }
        }
        return []
    }

    private func open() throws -> SQLiteHandle {
        try handle.withLockedValue { existing in
            if let existing { return existing }
            // WAL (stored in the file) and NORMAL: durable across application crashes in WAL mode, no fsync per commit.
            // No checkpoint inside a commit: `WALCheckpointer` does it beside the writer.
            let opened = try SQLiteHandle(path: path, pragmas: ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
                                                               "PRAGMA wal_autocheckpoint = 0"])
            existing = opened
            return opened
        }
    }

    func shutdown() async {
        await queue.close()
        while await queue.busy { try? await Task.sleep(for: .milliseconds(5)) }
        handle.withLockedValue { $0?.close(); $0 = nil }
        await checkpointer.shutdown()
        try? await group.shutdownGracefully()
    }
}

/// The writes waiting for the writer, in arrival order, and whether a leader is taking them.
private actor WriteQueue {
    private var waiting: [SQLiteWriter.Job] = []
    private var leading = false
    private var closed = false

    var busy: Bool { leading }

    /// Queues a write; true when the caller must start a leader (none is running).
    func add(_ job: SQLiteWriter.Job) -> Bool {
        guard !closed else {
            job.finish(Abort(.serviceUnavailable, reason: "The server is shutting down; try again shortly."))
            return false
        }
        waiting.append(job)
        guard !leading else { return false }
        leading = true
        return true
    }

    /// The next group, oldest first; nil (and the leader stands down) when none is waiting.
    func next(max: Int) -> [SQLiteWriter.Job]? {
        guard !waiting.isEmpty else {
            leading = false
            return nil
        }
        let group = Array(waiting.prefix(max))
        waiting.removeFirst(group.count)
        return group
    }

    func putBack(_ jobs: [SQLiteWriter.Job]) { waiting.insert(contentsOf: jobs, at: 0) }

    func close() { closed = true }
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

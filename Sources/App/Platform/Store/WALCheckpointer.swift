import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Copies the write-ahead log back into the database file on a thread of its own, so no commit pays for it.
///
/// Left to itself, SQLite checkpoints inside the `COMMIT` that takes the log past 1,000 pages: that one request
/// waits while pages are copied and both files are synced, which is what a write's p99 measured. The writer turns
/// that off (`wal_autocheckpoint = 0`) and pokes this after each commit; a passive checkpoint then runs here at most
/// every `interval`, beside the writer and the readers (in WAL mode a checkpoint blocks neither, it copies what no
/// reader still needs). The log restarts from its beginning at the next write once it has been copied whole.
final class WALCheckpointer: Sendable {
    static let interval = TimeAmount.milliseconds(200)

    private let path: String
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private struct State {
        var handle: SQLiteHandle?
        var scheduled = false
        var closed = false
        /// Checkpoints run since start, and what the last one found: frames in the log, frames copied from it.
        var runs = 0
        var log = 0
        var copied = 0
    }
    private let state = NIOLockedValueBox(State())

    init(path: String) { self.path = path }

    var progress: (runs: Int, log: Int, copied: Int) { state.withLockedValue { ($0.runs, $0.log, $0.copied) } }

    /// A commit happened: a checkpoint runs within `interval`, one for however many commits came in between.
    func poke() {
        let schedule = state.withLockedValue { s -> Bool in
            guard !s.closed, !s.scheduled else { return false }
            s.scheduled = true
            return true
        }
        guard schedule else { return }
        group.next().scheduleTask(in: Self.interval) { self.run() }
    }

    private func run() {
        let handle: SQLiteHandle? = state.withLockedValue { s in
            s.scheduled = false
            guard !s.closed else { return nil }
            if s.handle == nil { s.handle = try? SQLiteHandle(path: path) }
            return s.handle
        }
        guard let handle else { return }
        var log = 0, copied = 0
        // A checkpoint that fails (the file busy with a restore, say) is tried again after the next commit.
        try? handle.run("PRAGMA wal_checkpoint(PASSIVE)", []) { row in
            if row.values.count == 3, case .integer(let l) = row.values[1], case .integer(let c) = row.values[2] { (log, copied) = (l, c) }
        }
        state.withLockedValue { $0.runs += 1; $0.log = log; $0.copied = copied }
    }

    func shutdown() async {
        state.withLockedValue { $0.closed = true }
        try? await group.shutdownGracefully()
        state.withLockedValue { $0.handle?.close(); $0.handle = nil }
    }
}

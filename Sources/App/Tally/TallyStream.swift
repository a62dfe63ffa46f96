import Foundation
import TallyXML

/// Runs the synchronous streaming reader on a thread of its own and hands each object to async code, never more
/// than `window` objects ahead of it, so a 100 MB export is read with the memory of a few hundred objects.
enum TallyStream {
    private enum Event<T: Sendable>: Sendable { case object(T), done(TallyReadSummary), failed(TallyReadError?, String) }

    private final class Stop: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false
        var value: Bool { lock.withLock { stopped } }
        func set() { lock.withLock { stopped = true } }
    }

    struct Failed: Error, CustomStringConvertible { let description: String }

    static func read(path: String, window: Int = 256, filter: TallyReader.Filter = .all, _ body: (TallyNode) async throws -> Void) async throws -> TallyReadSummary {
        try await read(path: path, window: window, filter: filter, transform: { $0 }, body)
    }

    /// The same, with `transform` (decoding an object, say) run on the reader's thread, beside the caller's work.
    static func read<T: Sendable>(path: String, window: Int = 256, filter: TallyReader.Filter = .all, transform: @escaping @Sendable (TallyNode) -> T,
                                  _ body: (T) async throws -> Void) async throws -> TallyReadSummary {
        let (stream, continuation) = AsyncStream<Event<T>>.makeStream()
        let permits = DispatchSemaphore(value: window)
        let stop = Stop()
        let thread = Thread {
            do {
                let summary = try TallyReader.read(try TallyFile(path: path), filter: filter) { node in
                    permits.wait()
                    if stop.value { throw CancellationError() }
                    continuation.yield(.object(transform(node)))
                }
                continuation.yield(.done(summary))
            } catch let e as TallyReadError {
                continuation.yield(.failed(e, e.description))
            } catch {
                continuation.yield(.failed(nil, "\(error)"))
            }
            continuation.finish()
        }
        thread.stackSize = 8 << 20
        thread.start()
        var summary: TallyReadSummary?
        do {
            for await event in stream {
                switch event {
                case let .object(node):
                    permits.signal()
                    try await body(node)
                case let .done(s): summary = s
                case let .failed(e, text): if let e { throw e } else { throw Failed(description: text) }
                }
            }
        } catch {
            // Let the reader run to its end (it stops at the next object) before the file goes away.
            stop.set()
            for _ in 0..<window + 1 { permits.signal() }
            for await _ in stream {}
            throw error
        }
        guard let summary else { throw Failed(description: "the reader ended without a result") }
        return summary
    }
}

/// Runs `operation`, and if it has not finished within `limit`, cancels it and throws `timedOut()` instead.
/// The operation must notice cancellation (HTTP calls and sleeps do), or the deadline waits for its next step.
func withDeadline<T: Sendable>(_ limit: Duration, timedOut: @escaping @Sendable () -> any Error,
                               _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw timedOut()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}

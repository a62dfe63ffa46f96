import Fluent
import SQLKit
import Foundation
import Vapor

/// About five failed sign-ins a minute per account and per client address, counted in the database so that
/// every instance behind a load balancer sees the same count. An attempt is reserved (counted as a failure) before
/// its password is checked and the reservation dropped when it succeeds, so fifty attempts in parallel still meet the
/// limit after five: they cannot all pass the count before any of them has failed.
enum LoginRateLimiter {
    /// Counts and reserves in one write transaction (serialised by SQLite's write lock, or the table lock on
    /// PostgreSQL); the id is the reservation to drop on success.
    static func reserve(email: String, clientAddress: String, store: Store, on db: any Database) async throws -> UUID {
        try await store.write(on: db) { tx in
            if tx.sql().dialect.name == "postgresql" {
                try await tx.sql().raw("LOCK TABLE login_failures IN SHARE ROW EXCLUSIVE MODE").run()
            }
            try await check(email: email, clientAddress: clientAddress, on: tx)
            let reservation = LoginFailure(email: email, clientAddress: clientAddress, at: Date())
            try await reservation.create(on: tx)
            return try reservation.requireID()
        }
    }

    static func release(_ reservation: UUID, on db: any Database) async throws {
        try await LoginFailure.query(on: db).filter(\.$id == reservation).delete()
    }

    static let window: TimeInterval = 60
    static let maxFailures = 5

    static func check(email: String, clientAddress: String, on db: any Database, now: Date = Date()) async throws {
        let since = now.addingTimeInterval(-window)
        for filter in [(\LoginFailure.$email, email), (\LoginFailure.$clientAddress, clientAddress)] {
            let recent = try await LoginFailure.query(on: db).filter(filter.0 == filter.1).filter(\.$at > since)
                .sort(\.$at, .descending).limit(maxFailures).all()
            if recent.count >= maxFailures, let oldest = recent.last?.at {
                let retryAfter = max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
                var error = APIError(
                    status: .tooManyRequests, code: "rate_limited",
                    message: "Too many failed sign-ins. Try again in \(retryAfter) seconds.")
                error.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter))
                throw error
            }
        }
    }
}

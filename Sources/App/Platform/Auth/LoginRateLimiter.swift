import Fluent
import Foundation
import Vapor

/// About five failed sign-ins a minute per account and per client address, counted in the database so that
/// every instance behind a load balancer sees the same count.
enum LoginRateLimiter {
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

import Fluent
import SQLKit
import Vapor

/// Single-use tokens sent by email: verifying an address, resetting a password. Only the SHA-256 is stored;
/// using one marks it used in the same statement that finds it, so two clicks cannot both succeed.
enum AccountTokens {
    enum Purpose: String, Sendable {
        case verifyEmail = "verify_email"
        case resetPassword = "reset_password"

        var lifetime: TimeInterval {
            switch self {
            case .verifyEmail: 3 * 24 * 3600
            case .resetPassword: 30 * 60
            }
        }
    }

    static func issue(_ purpose: Purpose, for userID: UUID, on db: any Database, now: Date = Date()) async throws -> String {
        let token = TokenService.newRefreshToken()
        try await db.sql().raw("""
            INSERT INTO account_tokens (id, user_id, purpose, token_hash, expires_at, created_at)
            VALUES (\(bind: UUID()), \(bind: userID), \(bind: purpose.rawValue), \(bind: TokenService.hash(token)),
                    \(bind: now.addingTimeInterval(purpose.lifetime)), \(bind: now))
            """).run()
        return token
    }

    /// The user the token was issued to, if it is known, unused, unexpired and for this purpose; it is used up now.
    static func consume(_ token: String, for purpose: Purpose, on db: any Database, now: Date = Date()) async throws -> UUID? {
        struct Row: Decodable { var user_id: UUID }
        return try await db.sql().raw("""
            UPDATE account_tokens SET used_at = \(bind: now)
            WHERE token_hash = \(bind: TokenService.hash(token)) AND purpose = \(bind: purpose.rawValue)
              AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING user_id
            """).first(decoding: Row.self)?.user_id
    }

    /// Earlier tokens of a purpose stop working when a new one is sent or the purpose is fulfilled.
    static func retire(_ purpose: Purpose, of userID: UUID, on db: any Database, now: Date = Date()) async throws {
        try await db.sql().raw("""
            UPDATE account_tokens SET used_at = \(bind: now)
            WHERE user_id = \(bind: userID) AND purpose = \(bind: purpose.rawValue) AND used_at IS NULL
            """).run()
    }
}

/// Per-client (and per-email) limits for requests that cost a bcrypt or send mail: registration and reset requests.
/// Like the sign-in limiter, the attempt is counted before the work is done, so parallel bursts meet the limit too.
enum AttemptLimiter {
    struct Rule: Sendable {
        var kind: String
        var limit: Int
        var window: TimeInterval
        var what: String
    }

    static func reserve(_ rule: Rule, key: String, store: Store, on db: any Database, now: Date = Date()) async throws {
        try await store.write(on: db) { tx in
            let sql = tx.sql()
            if sql.dialect.name == "postgresql" {
                try await sql.raw("LOCK TABLE rate_events IN SHARE ROW EXCLUSIVE MODE").run()
            }
            struct Row: Decodable { var at: Date }
            let recent = try await sql.raw("""
                SELECT at FROM rate_events WHERE kind = \(bind: rule.kind) AND key = \(bind: key) AND at > \(bind: now.addingTimeInterval(-rule.window))
                ORDER BY at LIMIT \(bind: rule.limit)
                """).all(decoding: Row.self)
            if recent.count >= rule.limit, let oldest = recent.first?.at {
                let retryAfter = max(1, Int(oldest.addingTimeInterval(rule.window).timeIntervalSince(now).rounded(.up)))
                var error = APIError(status: .tooManyRequests, code: "rate_limited",
                                     message: "Too many \(rule.what). Try again in \(retryAfter) seconds.")
                error.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter))
                throw error
            }
            try await sql.raw("INSERT INTO rate_events (id, kind, key, at) VALUES (\(bind: UUID()), \(bind: rule.kind), \(bind: key), \(bind: now))").run()
        }
    }
}

extension AttemptLimiter.Rule {
    static let register = Self(kind: "register", limit: 10, window: 3600, what: "accounts created from this address")
    static let resetByClient = Self(kind: "reset_client", limit: 10, window: 3600, what: "password reset requests from this address")
    static let resetByEmail = Self(kind: "reset_email", limit: 3, window: 3600, what: "password reset requests for this email")
}

import Fluent
import SQLKit
import Vapor

struct PasswordChangeRequest: APIRequestBody {
    var currentPassword: String
    var newPassword: String

    static let schema = Schema.object([
        .required("currentPassword", .string(.init(minLength: 1, maxLength: Schema.maxText))),
        .required("newPassword", .string(.init(minLength: 10, maxLength: Schema.maxText, description: "At least 10 characters"))),
    ])
}

/// Ending sessions: everywhere at once, and on a password change (every session but the one making it).
enum SessionsController {
    /// `POST /api/v1/auth/logout-all`: every refresh token, browser session and access token of the user ends now.
    @Sendable static func logoutAll(req: Request) async throws -> HTTPStatus {
        let userID = try req.authenticatedUserID
        var signedIn = req.auditActor
        signedIn.userID = userID
        let actor = signedIn
        try await req.write { db in try await endAll(of: userID, reason: "auth.logout_all", actor: actor, on: db) }
        return .noContent
    }

    /// `POST /api/v1/auth/password`: the current password is checked (and counted like a sign-in), the new one set,
    /// every other session ended; the caller gets tokens for a fresh sign-in.
    @Sendable static func changePassword(req: Request) async throws -> AuthResponse {
        let body = try req.decodeBody(PasswordChangeRequest.self)
        let family = UUID()
        let (user, refresh) = try await changePassword(body, on: req) { userID, db in
            try await AuthController.issueRefreshToken(for: userID, family: family, on: db)
        }
        return AuthResponse(accessToken: try await AuthController.accessToken(req, user: try user.requireID(), family: family),
                            refreshToken: refresh, expiresIn: Int(TokenService.accessLifetime), user: try UserDTO(user))
    }

    /// The password change the API and the account page share: checks, sets, ends every session, and starts the
    /// caller's new one with `fresh` in the same transaction.
    static func changePassword<T: Sendable>(_ body: PasswordChangeRequest, on req: Request,
                                            fresh: @escaping @Sendable (UUID, any Database) async throws -> T) async throws -> (User, T) {
        let userID = try req.authenticatedUserID
        guard let user = try await User.find(userID, on: req.db) else { throw APIError.unauthenticated }
        guard body.newPassword != body.currentPassword else {
            throw APIError.validation(field: "newPassword", "must differ from the current password")
        }
        let reservation = try await LoginRateLimiter.reserve(email: user.email, clientAddress: req.clientAddress, store: req.application.store, on: req.db)
        guard try await Passwords.verify(body.currentPassword, against: user.passwordHash, on: req) else {
            throw APIError.validation(field: "currentPassword", "is not your current password")
        }
        let hash = try await Passwords.hash(body.newPassword, on: req)
        var signedIn = req.auditActor
        signedIn.userID = userID
        let actor = signedIn
        let started = try await req.write { db in
            try await LoginRateLimiter.release(reservation, on: db)
            try await db.sql().raw("UPDATE users SET password_hash = \(bind: hash) WHERE id = \(bind: userID)").run()
            try await endAll(of: userID, reason: "auth.password_change", actor: actor, on: db)
            return try await fresh(userID, db)
        }
        return (user, started)
    }

    /// The session version moves on (every access token fails its check), refresh tokens are revoked and browser
    /// sessions revoked; one audit entry says why.
    static func endAll(of userID: UUID, reason: String, actor: AuditActor, on db: any Database) async throws {
        let sql = db.sql()
        try await sql.raw("UPDATE users SET session_version = session_version + 1 WHERE id = \(bind: userID)").run()
        try await sql.raw("UPDATE refresh_tokens SET revoked_at = \(bind: Date()) WHERE user_id = \(bind: userID) AND revoked_at IS NULL").run()
        try await sql.raw("UPDATE web_sessions SET revoked_at = \(bind: Date()) WHERE user_id = \(bind: userID) AND revoked_at IS NULL").run()
        try await AuditLog.append(AuditEvent(companyID: nil, action: reason, entityType: "user", entityID: userID.uuidString.lowercased()),
                                  by: actor, on: db)
    }
}

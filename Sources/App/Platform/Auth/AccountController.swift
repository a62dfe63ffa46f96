import Fluent
import SQLKit
import Vapor

struct TokenRequest: APIRequestBody {
    var token: String

    static let schema = Schema.object([.required("token", .string(.init(minLength: 1, maxLength: 200)))])
}

struct ResetRequest: APIRequestBody {
    var email: String

    static let schema = Schema.object([.required("email", .email)])
}

struct ResetConfirmRequest: APIRequestBody {
    var token: String
    var newPassword: String

    static let schema = Schema.object([
        .required("token", .string(.init(minLength: 1, maxLength: 200))),
        .required("newPassword", .string(.init(minLength: 10, maxLength: Schema.maxText, description: "At least 10 characters"))),
    ])
}

struct AccountAnswer: APIResponseBody {
    var message: String

    static let schema = Schema.ref("AccountAnswer", .object([.required("message", .text())]))
}

/// Proving an email address and recovering an account: the two things that arrive by mail.
enum AccountController {
    static let invalidToken = APIError(status: .badRequest, code: "invalid_token", message: "This link is unknown, already used or expired.",
                                       fields: [.init(field: "token", message: "is unknown, already used or expired")])

    static func sendVerification(to userID: UUID, email: String, config: AppConfig, on db: any Database) async throws {
        try await AccountTokens.retire(.verifyEmail, of: userID, on: db)
        let token = try await AccountTokens.issue(.verifyEmail, for: userID, on: db)
        try await Outbox.enqueue(.init(to: email, subject: "Confirm your email for FinSync360", body: """
            Confirm that this address is yours, so that companies can invite you:
            \(config.publicURL)/verify-email?token=\(token)

            The link works once and for 3 days. If you did not create a FinSync360 account, ignore this message.
            """), on: db)
    }

    /// `POST /api/v1/auth/verify-email {token}`.
    @Sendable static func verify(req: Request) async throws -> AccountAnswer {
        try await verify(token: req.decodeBody(TokenRequest.self).token, on: req)
    }

    static func verify(token: String, on req: Request) async throws -> AccountAnswer {
        let actor = req.auditActor
        try await req.write { db in
            guard let userID = try await AccountTokens.consume(token, for: .verifyEmail, on: db) else { throw invalidToken }
            try await db.sql().raw("UPDATE users SET email_verified_at = \(bind: Date()) WHERE id = \(bind: userID) AND email_verified_at IS NULL").run()
            var withUser = actor
            withUser.userID = userID
            try await AuditLog.append(AuditEvent(companyID: nil, action: "auth.email_verified", entityType: "user", entityID: userID.uuidString.lowercased()),
                                      by: withUser, on: db)
        }
        return AccountAnswer(message: "Your email address is confirmed.")
    }

    /// `POST /api/v1/auth/verify-email/resend`: a fresh link for the signed-in user (the earlier ones stop working).
    @Sendable static func resend(req: Request) async throws -> Response {
        let user = try await UserAccount.load(req.authenticatedUserID, on: req.db)
        let config = req.application.config
        guard config.requiresEmailVerification else {
            throw APIError.conflict("This server does not send email (FINSYNC_SMTP_URL is not set), so there is nothing to confirm.")
        }
        guard !user.verified else { throw APIError.conflict("\(user.email) is already confirmed.") }
        try await AttemptLimiter.reserve(.resetByEmail, key: "verify:" + user.email, store: req.application.store, on: req.db)
        try await req.write { db in try await sendVerification(to: user.id, email: user.email, config: config, on: db) }
        return try await AccountAnswer(message: "A new link is on its way to \(user.email).").encodeResponse(status: .accepted, for: req)
    }

    /// `POST /api/v1/auth/password-reset {email}`: the same answer whether or not an account uses the email.
    @Sendable static func requestReset(req: Request) async throws -> Response {
        try await requestReset(email: req.decodeBody(ResetRequest.self).email, on: req)
            .encodeResponse(status: .accepted, for: req)
    }

    static func requestReset(email raw: String, on req: Request) async throws -> AccountAnswer {
        let email = raw.normalisedEmail
        let store = req.application.store
        try await AttemptLimiter.reserve(.resetByClient, key: req.clientAddress, store: store, on: req.db)
        try await AttemptLimiter.reserve(.resetByEmail, key: email, store: store, on: req.db)
        let actor = req.auditActor
        let publicURL = req.application.config.publicURL
        try await req.write { db in
            guard let user = try await User.query(on: db).filter(\.$email == email).first(), let userID = user.id else { return }
            try await AccountTokens.retire(.resetPassword, of: userID, on: db)
            let token = try await AccountTokens.issue(.resetPassword, for: userID, on: db)
            try await Outbox.enqueue(.init(to: email, subject: "Set a new FinSync360 password", body: """
                Someone (perhaps you) asked to set a new password for this FinSync360 account. To do it, open:
                \(publicURL)/reset-password?token=\(token)

                The link works once and for 30 minutes. Setting a new password signs you out everywhere.
                If you did not ask, ignore this message: your password stays as it is.
                """), on: db)
            var withUser = actor
            withUser.userID = userID
            try await AuditLog.append(AuditEvent(companyID: nil, action: "auth.reset_requested", entityType: "user", entityID: userID.uuidString.lowercased()),
                                      by: withUser, on: db)
        }
        return AccountAnswer(message: "If an account uses \(email), a link to set a new password is on its way. It works for 30 minutes.")
    }

    /// `POST /api/v1/auth/password-reset/confirm {token, newPassword}`: sets the password, confirms the email (the
    /// link proved the inbox) and ends every session.
    @Sendable static func confirmReset(req: Request) async throws -> AccountAnswer {
        let body = try req.decodeBody(ResetConfirmRequest.self)
        return try await confirmReset(token: body.token, newPassword: body.newPassword, on: req)
    }

    static func confirmReset(token: String, newPassword: String, on req: Request) async throws -> AccountAnswer {
        // Looked at (not used) first, so a made-up token costs no bcrypt.
        struct Live: Decodable { var user_id: UUID }
        guard try await req.db.sql().raw("""
            SELECT user_id FROM account_tokens WHERE token_hash = \(bind: TokenService.hash(token)) AND purpose = \(bind: AccountTokens.Purpose.resetPassword.rawValue)
              AND used_at IS NULL AND expires_at > \(bind: Date())
            """).first(decoding: Live.self) != nil else { throw invalidToken }
        let hash = try await Passwords.hash(newPassword, on: req)
        let actor = req.auditActor
        try await req.write { db in
            guard let userID = try await AccountTokens.consume(token, for: .resetPassword, on: db) else { throw invalidToken }
            let now = Date()
            try await db.sql().raw("""
                UPDATE users SET password_hash = \(bind: hash), email_verified_at = COALESCE(email_verified_at, \(bind: now)) WHERE id = \(bind: userID)
                """).run()
            var withUser = actor
            withUser.userID = userID
            try await SessionsController.endAll(of: userID, reason: "auth.password_reset", actor: withUser, on: db)
        }
        return AccountAnswer(message: "Your new password is set and every session has ended. Sign in with it.")
    }
}

import Fluent
import SQLKit
import Vapor

enum AuthController {
    @Sendable static func register(req: Request) async throws -> Response {
        let answer = try await register(req.decodeBody(RegisterRequest.self), on: req)
        return try await answer.encodeResponse(status: .accepted, for: req)
    }

    /// Creates the account, or, when the email is taken, writes to its owner instead; the caller hears the same
    /// either way, after the same bcrypt, so registration cannot be used to learn who has an account. The attempt
    /// is counted per client address before any bcrypt runs.
    static func register(_ body: RegisterRequest, on req: Request) async throws -> RegistrationAnswer {
        let email = body.email.normalisedEmail
        var rule = AttemptLimiter.Rule.register
        rule.limit = req.application.config.registrationsPerHour
        try await AttemptLimiter.reserve(rule, key: req.clientAddress, store: req.application.store, on: req.db)
        let hash = try await Passwords.hash(body.password, on: req)
        let actor = req.auditActor
        let config = req.application.config
        let verify = config.requiresEmailVerification
        try await req.write { db in
            if let existing = try await User.query(on: db).filter(\.$email == email).first(), let existingID = existing.id {
                try await AuditLog.append(
                    AuditEvent(companyID: nil, action: "auth.register_existing", entityType: "user", entityID: existingID.uuidString.lowercased()),
                    by: actor, on: db)
                if verify {
                    try await Outbox.enqueue(.init(to: email, subject: "Your FinSync360 account", body: """
                        Someone (perhaps you) tried to create a FinSync360 account with this email, which already has one.

                        If it was you, sign in at \(config.publicURL)/signin, or set a new password at \(config.publicURL)/reset-password.
                        If not, you can ignore this message: nothing was changed.
                        """), on: db)
                }
                return
            }
            let user = User(email: email, name: body.name, passwordHash: hash)
            try await user.create(on: db)
            let userID = try user.requireID()
            var withUser = actor
            withUser.userID = userID
            try await AuditLog.append(
                AuditEvent(companyID: nil, action: "auth.register", entityType: "user", entityID: userID.uuidString.lowercased(),
                           after: ["email": .string(email), "name": .string(user.name)]),
                by: withUser, on: db)
            if verify { try await AccountController.sendVerification(to: userID, email: email, config: config, on: db) }
        }
        return RegistrationAnswer(
            status: "accepted",
            message: verify
                ? "If this email is new, your account is ready: we have sent a link to confirm the address. Sign in with your email and password."
                : "If this email is new, your account is ready. Sign in with your email and password.")
    }

    @Sendable static func login(req: Request) async throws -> AuthResponse {
        let body = try req.decodeBody(LoginRequest.self)
        let family = UUID()
        let (user, refresh) = try await signIn(email: body.email, password: body.password, on: req) { userID, db in
            try await issueRefreshToken(for: userID, family: family, on: db)
        }
        return AuthResponse(
            accessToken: try await accessToken(req, user: user.id, family: family), refreshToken: refresh,
            expiresIn: Int(TokenService.accessLifetime), user: user)
    }

    /// Checks the rate limit and the password. A failure is recorded (and audited) before the caller hears of it;
    /// a success is audited in the same transaction as `signIn`'s session or token.
    static func signIn<T: Sendable>(
        email rawEmail: String, password: String, on req: Request,
        signIn: @escaping @Sendable (UUID, any Database) async throws -> T
    ) async throws -> (UserDTO, T) {
        let email = rawEmail.normalisedEmail
        let client = req.clientAddress
        let reservation = try await LoginRateLimiter.reserve(email: email, clientAddress: client, store: req.application.store, on: req.db)

        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        let ok = try await Passwords.verify(password, against: user?.passwordHash ?? req.application.decoyPasswordHash, on: req)
        let anonymous = req.auditActor
        guard ok, let user, let userID = user.id else {
            let knownID = user?.id?.uuidString.lowercased() ?? ""
            // The reservation stays: it is this failure's count.
            try await req.write { db in
                try await AuditLog.append(
                    AuditEvent(companyID: nil, action: "auth.login_failed", entityType: "user", entityID: knownID,
                               after: ["email": .string(email)]),
                    by: anonymous, on: db)
            }
            // One message for a wrong password and an unknown email: the response must not reveal which.
            throw APIError(status: .unauthorized, code: "invalid_credentials", message: "Email or password is incorrect.")
        }
        var signedIn = anonymous
        signedIn.userID = userID
        let actor = signedIn
        let dto = try UserDTO(user)
        let result = try await req.write { db in
            try await LoginRateLimiter.release(reservation, on: db)
            let result = try await signIn(userID, db)
            try await AuditLog.append(
                AuditEvent(companyID: nil, action: "auth.login", entityType: "user", entityID: userID.uuidString.lowercased()),
                by: actor, on: db)
            return result
        }
        return (dto, result)
    }

    @Sendable static func refresh(req: Request) async throws -> AuthResponse {
        let body = try req.decodeBody(RefreshRequest.self)
        let actor = req.auditActor
        let outcome = try await req.write { db in try await rotate(body.refreshToken, actor: actor, on: db) }
        switch outcome {
        case .rotated(let userID, let family, let token):
            guard let user = try await User.find(userID, on: req.db) else { throw APIError.unauthenticated }
            return AuthResponse(
                accessToken: try await accessToken(req, user: userID, family: family), refreshToken: token,
                expiresIn: Int(TokenService.accessLifetime), user: try UserDTO(user))
        case .reused:
            throw APIError(status: .unauthorized, code: "refresh_token_reused",
                           message: "This refresh token was already used; every session from that sign-in is now revoked. Sign in again.")
        case .invalid:
            throw APIError(status: .unauthorized, code: "invalid_refresh_token",
                           message: "The refresh token is unknown, expired or revoked. Sign in again.")
        }
    }

    @Sendable static func logout(req: Request) async throws -> HTTPStatus {
        let body = try req.decodeBody(RefreshRequest.self)
        let hash = TokenService.hash(body.refreshToken)
        let requestActor = req.auditActor
        try await req.write { db in
            guard let token = try await RefreshToken.query(on: db).filter(\.$tokenHash == hash).first() else {
                throw APIError(status: .unauthorized, code: "invalid_refresh_token", message: "The refresh token is unknown.")
            }
            var actor = requestActor
            actor.userID = token.userID
            try await revokeFamily(token.familyID, userID: token.userID, reason: "auth.logout", actor: actor, on: db)
        }
        return .noContent
    }

    @Sendable static func me(req: Request) async throws -> MeResponse {
        let userID = try req.authenticatedUserID
        let db = req.db.pointReads
        struct UserRow: Decodable { var email: String; var name: String; var email_verified_at: Date? }
        guard let user = try await db.sql().raw("SELECT email, name, email_verified_at FROM users WHERE id = \(bind: userID)")
            .first(decoding: UserRow.self)
        else { throw APIError.unauthenticated }
        let companies = try await db.sql().raw("""
            SELECT c.id, c.name, m.role FROM memberships m JOIN companies c ON c.id = m.company_id
            WHERE m.user_id = \(bind: userID) AND m.active = \(bind: true) ORDER BY c.name
            """).all(decoding: MeResponse.CompanyRole.self)
        return MeResponse(id: userID, email: user.email, name: user.name, emailVerified: user.email_verified_at != nil, companies: companies)
    }

    /// An access token for this sign-in under the user's current session version.
    static func accessToken(_ req: Request, user: UUID, family: UUID) async throws -> String {
        try await req.application.tokens.accessToken(for: user, session: .init(family: family, version: try await sessionVersion(of: user, on: req.db)))
    }

    static func sessionVersion(of user: UUID, on db: any Database) async throws -> Int64 {
        struct Row: Decodable { var session_version: Int64 }
        return try await db.sql().raw("SELECT session_version FROM users WHERE id = \(bind: user)").first(decoding: Row.self)?.session_version ?? 0
    }

    // MARK: - Refresh tokens

    enum RotationOutcome: Sendable {
        case rotated(userID: UUID, family: UUID, token: String)
        case reused
        case invalid
    }

    private struct TokenRow: Decodable {
        var user_id: UUID
        var family_id: UUID
    }

    /// Marks the presented token used and issues its successor in the same family. A token presented twice means
    /// it was stolen (or the client is broken): the whole family is revoked.
    static func rotate(_ presented: String, actor: AuditActor, on db: any Database) async throws -> RotationOutcome {
        let hash = TokenService.hash(presented)
        let now = Date()
        let sql = db.sql()
        if let row = try await sql.raw("""
            UPDATE refresh_tokens SET used_at = \(bind: now)
            WHERE token_hash = \(bind: hash) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > \(bind: now)
            RETURNING user_id, family_id
            """).first(decoding: TokenRow.self)
        {
            return .rotated(userID: row.user_id, family: row.family_id, token: try await issueRefreshToken(for: row.user_id, family: row.family_id, on: db))
        }
        guard let token = try await RefreshToken.query(on: db).filter(\.$tokenHash == hash).first() else { return .invalid }
        guard token.usedAt != nil else { return .invalid }  // expired or already revoked, never reused
        var withUser = actor
        withUser.userID = token.userID
        try await revokeFamily(token.familyID, userID: token.userID, reason: "auth.refresh_reuse", actor: withUser, on: db)
        return .reused
    }

    static func issueRefreshToken(for userID: UUID, family: UUID, on db: any Database) async throws -> String {
        let token = TokenService.newRefreshToken()
        try await RefreshToken(
            userID: userID, familyID: family, tokenHash: TokenService.hash(token),
            expiresAt: Date().addingTimeInterval(TokenService.refreshLifetime)
        ).create(on: db)
        return token
    }

    static func revokeFamily(_ family: UUID, userID: UUID, reason: String, actor: AuditActor, on db: any Database) async throws {
        try await RefreshToken.query(on: db).filter(\.$familyID == family).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).update()
        try await AuditLog.append(
            AuditEvent(companyID: nil, action: reason, entityType: "refresh_token_family",
                       entityID: family.uuidString.lowercased(), after: ["userId": .string(userID.uuidString.lowercased())]),
            by: actor, on: db)
    }
}

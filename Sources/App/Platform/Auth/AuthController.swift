import Fluent
import SQLKit
import Vapor

enum AuthController {
    @Sendable static func register(req: Request) async throws -> Response {
        let family = UUID()
        let (user, refresh) = try await createAccount(req.decodeBody(RegisterRequest.self), on: req) { userID, db in
            try await issueRefreshToken(for: userID, family: family, on: db)
        }
        let tokens = AuthResponse(
            accessToken: try await accessToken(req, user: user.id, family: family), refreshToken: refresh,
            expiresIn: Int(TokenService.accessLifetime), user: user)
        return try await tokens.encodeResponse(status: .created, for: req)
    }

    /// Creates the account and, in the same transaction, whatever signs it in (a refresh token for the API,
    /// a browser session for the web).
    static func createAccount<T: Sendable>(
        _ body: RegisterRequest, on req: Request, signIn: @escaping @Sendable (UUID, any Database) async throws -> T
    ) async throws -> (UserDTO, T) {
        let email = body.email.normalisedEmail
        let hash = try await Passwords.hash(body.password, on: req)
        let actor = req.auditActor
        return try await req.write { db in
            if try await User.query(on: db).filter(\.$email == email).first() != nil {
                throw APIError(status: .conflict, code: "conflict", message: "An account with this email already exists.",
                               fields: [.init(field: "email", message: "is already registered")])
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
            return (try UserDTO(user), try await signIn(userID, db))
        }
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
        struct UserRow: Decodable { var email: String; var name: String }
        guard let user = try await req.db.sql().raw("SELECT email, name FROM users WHERE id = \(bind: userID)")
            .first(decoding: UserRow.self)
        else { throw APIError.unauthenticated }
        let companies = try await req.db.sql().raw("""
            SELECT c.id, c.name, m.role FROM memberships m JOIN companies c ON c.id = m.company_id
            WHERE m.user_id = \(bind: userID) AND m.active = \(bind: true) ORDER BY c.name
            """).all(decoding: MeResponse.CompanyRole.self)
        return MeResponse(id: userID, email: user.email, name: user.name, companies: companies)
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

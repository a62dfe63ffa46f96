import Fluent
import Vapor

struct AuthenticatedUserKey: StorageKey { typealias Value = UUID }

/// Requires a valid access token (`Authorization: Bearer …`) and records who is calling.
struct UserAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization,
            let (userID, session) = await request.application.tokens.verifyAccessToken(bearer.token),
            try await Self.stands(session, of: userID, on: request.db.pointReads)
        else { throw APIError.unauthenticated }
        request.storage[AuthenticatedUserKey.self] = userID
        request.storage[AuthenticatedSessionKey.self] = session
        request.logger[metadataKey: "user"] = .string(userID.uuidString)
        return try await next.respond(to: request)
    }

    /// The user's session version is still the token's, and its sign-in was not signed out: one indexed read.
    static func stands(_ session: TokenService.Session, of user: UUID, on db: any Database) async throws -> Bool {
        struct Row: Decodable { var session_version: Int64; var revoked: Int64? }
        guard let row = try await db.sql().raw("""
            SELECT u.session_version,
                (SELECT MIN(CASE WHEN r.revoked_at IS NULL THEN 0 ELSE 1 END) FROM refresh_tokens r WHERE r.family_id = \(bind: session.family)) AS revoked
            FROM users u WHERE u.id = \(bind: user)
            """).first(decoding: Row.self) else { return false }
        return row.session_version == session.version && row.revoked != 1
    }
}

struct AuthenticatedSessionKey: StorageKey { typealias Value = TokenService.Session }

/// The caller's standing in the company named by the path: resolved once per request, required by every
/// company-scoped query.
struct CompanyContext: Sendable {
    let companyID: UUID
    let userID: UUID
    let role: Role

    func require(_ capability: Capability) throws {
        guard role.can(capability) else {
            throw APIError.forbidden("Your role (\(role.rawValue)) does not allow \(capability.rawValue).")
        }
    }

    /// Entering a voucher of this class, or changing one `enteredBy` someone: the class must be the role's, and
    /// changing another person's entry needs `vouchers.amend` / `vouchers.cancel`.
    func require(_ voucher: VoucherClass, _ change: VoucherChange = .enter, enteredBy: UUID? = nil) throws {
        guard role.voucherClasses.contains(voucher) else {
            throw APIError.forbidden("Your role (\(role.rawValue)) does not enter \(voucher.title) vouchers.")
        }
        guard change != .enter, enteredBy != userID else { return }
        try require(change == .amend ? .vouchersAmend : .vouchersCancel)
    }
}

private struct CompanyContextKey: StorageKey { typealias Value = CompanyContext }

/// Resolves `{companyID}` to the caller's membership. Not a member (or no such company, or not a UUID) is 404
/// whatever the id, so ids of other tenants cannot be probed. Then checks the capability the route declares.
struct CompanyAccessMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let userID = try request.authenticatedUserID
        guard let raw = request.parameters.get("companyID"), let companyID = UUID(uuidString: raw),
            let role = try await Self.role(of: userID, in: companyID, on: request.db.pointReads)
        else { throw APIError.notFound("Company") }
        let context = CompanyContext(companyID: companyID, userID: userID, role: role)
        guard let capability = request.route?.api?.capability else {
            // A company route without a declared capability is a programming error; refuse rather than allow.
            throw Abort(.internalServerError, reason: "route \(request.route?.description ?? "?") declares no capability")
        }
        try context.require(capability)
        request.storage[CompanyContextKey.self] = context
        request.logger[metadataKey: "company"] = .string(companyID.uuidString)
        return try await next.respond(to: request)
    }

    /// Runs on every company request, so it reads one column with SQLKit rather than decoding a Fluent model.
    static func role(of userID: UUID, in companyID: UUID, on db: any Database) async throws -> Role? {
        struct Row: Decodable { var role: Role }
        return try await db.sql().raw("""
            SELECT role FROM memberships
            WHERE company_id = \(bind: companyID) AND user_id = \(bind: userID) AND active = \(bind: true)
            """).first(decoding: Row.self)?.role
    }
}

extension Request {
    var authenticatedUserID: UUID {
        get throws {
            guard let id = storage[AuthenticatedUserKey.self] else { throw APIError.unauthenticated }
            return id
        }
    }

    var company: CompanyContext {
        get throws {
            guard let context = storage[CompanyContextKey.self] else { throw APIError.notFound("Company") }
            return context
        }
    }
}

import Fluent
import SQLKit
import Vapor

/// Members join by invitation: the owner (or an admin) names an email and a role; the answer carries a single-use
/// token and its link (owners often pass it on by hand), and the link is emailed too. Only someone signed in with
/// that email, verified where verification applies, can accept, so registering someone else's email gains nothing.
struct InvitationDTO: APIResponseBody {
    enum Status: String, Codable, Sendable, CaseIterable { case pending, accepted, revoked, expired }

    var id: UUID
    var email: String
    var role: Role
    var status: Status
    var invitedBy: String
    var createdAt: Date
    var expiresAt: Date
    /// Only in the answer that creates it: the token is stored hashed and cannot be shown again.
    var token: String?
    var link: String?

    static let schema = Schema.ref("Invitation", .object([
        .required("id", .uuid), .required("email", .email), .required("role", .oneOf(Role.self)),
        .required("status", .oneOf(Status.self)), .required("invitedBy", .text()),
        .required("createdAt", .dateTime), .required("expiresAt", .dateTime),
        .optional("token", .string()), .optional("link", .string()),
    ]))
}

/// What the holder of an invitation link sees before accepting.
struct InvitationView: APIResponseBody {
    var companyId: UUID
    var companyName: String
    var email: String
    var role: Role
    var status: InvitationDTO.Status
    var invitedBy: String
    var expiresAt: Date
    /// Whether the signed-in user may accept it (right email, verified where that applies), and if not, why.
    var canAccept: Bool
    var reason: String?

    static let schema = Schema.ref("InvitationView", .object([
        .required("companyId", .uuid), .required("companyName", .text()), .required("email", .email),
        .required("role", .oneOf(Role.self)), .required("status", .oneOf(InvitationDTO.Status.self)),
        .required("invitedBy", .text()), .required("expiresAt", .dateTime), .required("canAccept", .boolean),
        .optional("reason", .text()),
    ]))
}

enum InvitationController {
    static let lifetime: TimeInterval = 7 * 24 * 3600

    // MARK: Company side

    @Sendable static func invite(req: Request) async throws -> Response {
        let dto = try await invite(req.decodeBody(AddMemberRequest.self), to: req.company, on: req)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    static func invite(_ body: AddMemberRequest, to context: CompanyContext, on req: Request) async throws -> InvitationDTO {
        guard context.role.canGrant(body.role) else {
            throw APIError.forbidden("A \(context.role.rawValue) cannot grant the \(body.role.rawValue) role.")
        }
        let email = body.email.normalisedEmail
        guard MailAddress.isPlausible(email) else { throw APIError.validation(field: "email", "is not an email address") }
        let actor = req.auditActor
        let publicURL = req.application.config.publicURL
        return try await req.write { db in
            let sql = db.sql()
            struct Member: Decodable { var role: Role }
            if let member = try await sql.raw("""
                SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.company_id = \(bind: context.companyID) AND u.email = \(bind: email) AND m.active = \(bind: true)
                """).first(decoding: Member.self) {
                throw APIError.conflict("\(email) is already a member (\(member.role.rawValue)).")
            }
            let now = Date()
            // A new invitation to the same email replaces a pending one: one live link per person.
            for old in try await pending(company: context.companyID, email: email, on: db, now: now) {
                try await markRevoked(old, company: context.companyID, actor: actor, on: db, now: now)
            }
            let token = TokenService.newRefreshToken()
            let id = UUID()
            try await sql.raw("""
                INSERT INTO invitations (id, company_id, email, role, token_hash, invited_by, created_at, expires_at)
                VALUES (\(bind: id), \(bind: context.companyID), \(bind: email), \(bind: body.role.rawValue),
                        \(bind: TokenService.hash(token)), \(bind: context.userID), \(bind: now), \(bind: now.addingTimeInterval(lifetime)))
                """).run()
            let link = "\(publicURL)/invitations/\(token)"
            struct Names: Decodable { var company: String; var inviter: String }
            let names = try await sql.raw("""
                SELECT c.name AS company, u.name AS inviter FROM companies c, users u
                WHERE c.id = \(bind: context.companyID) AND u.id = \(bind: context.userID)
                """).first(decoding: Names.self)
            try await Outbox.enqueue(.init(
                to: email, subject: "You are invited to \(names?.company ?? "a company") on FinSync360",
                body: """
                    \(names?.inviter ?? "A member") invited you to join \(names?.company ?? "their company") on FinSync360 as \(body.role.rawValue).

                    Accept here (sign in or create an account with this email first):
                    \(link)

                    The link works once and for 7 days. If you did not expect this, ignore it.
                    """), on: db)
            let dto = InvitationDTO(id: id, email: email, role: body.role, status: .pending, invitedBy: names?.inviter ?? "",
                                    createdAt: now, expiresAt: now.addingTimeInterval(lifetime), token: token, link: link)
            var audited = dto
            audited.token = nil
            audited.link = nil
            try await AuditLog.append(
                AuditEvent(companyID: context.companyID, action: "invitation.create", entityType: "invitation",
                           entityID: id.uuidString.lowercased(), after: try JSONValue(encoding: audited)),
                by: actor, on: db)
            return dto
        }
    }

    @Sendable static func list(req: Request) async throws -> Page<InvitationDTO> {
        try OffsetPaging(req).page(try await query(company: req.company.companyID, on: req.db))
    }

    private struct Row: Decodable {
        var id: UUID
        var email: String
        var role: Role
        var invited_by: String
        var created_at: Date
        var expires_at: Date
        var accepted_at: Date?
        var revoked_at: Date?

        func status(now: Date) -> InvitationDTO.Status {
            if accepted_at != nil { return .accepted }
            if revoked_at != nil { return .revoked }
            return expires_at <= now ? .expired : .pending
        }

        func dto(now: Date) -> InvitationDTO {
            InvitationDTO(id: id, email: email, role: role, status: status(now: now), invitedBy: invited_by,
                          createdAt: created_at, expiresAt: expires_at)
        }
    }

    private static let columns: SQLQueryString = """
        i.id, i.email, i.role, u.name AS invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at
        FROM invitations i JOIN users u ON u.id = i.invited_by
        """

    /// Invitations still waiting for an answer, newest first.
    static func query(company: UUID, on db: any Database, now: Date = Date()) async throws -> [InvitationDTO] {
        try await db.sql().raw("""
            SELECT \(columns) WHERE i.company_id = \(bind: company) AND i.accepted_at IS NULL AND i.revoked_at IS NULL
              AND i.expires_at > \(bind: now) ORDER BY i.created_at DESC
            """).all(decoding: Row.self).map { $0.dto(now: now) }
    }

    private static func pending(company: UUID, email: String, on db: any Database, now: Date) async throws -> [InvitationDTO] {
        try await query(company: company, on: db, now: now).filter { $0.email == email }
    }

    @Sendable static func revoke(req: Request) async throws -> HTTPStatus {
        guard let raw = req.parameters.get("invitationID"), let id = UUID(uuidString: raw) else { throw APIError.notFound("Invitation") }
        try await revoke(id, in: req.company, on: req)
        return .noContent
    }

    static func revoke(_ id: UUID, in context: CompanyContext, on req: Request) async throws {
        let actor = req.auditActor
        try await req.write { db in
            guard let invitation = try await query(company: context.companyID, on: db).first(where: { $0.id == id }) else {
                throw APIError.notFound("Pending invitation")
            }
            guard context.role.canGrant(invitation.role) else {
                throw APIError.forbidden("A \(context.role.rawValue) cannot revoke an invitation to the \(invitation.role.rawValue) role.")
            }
            try await markRevoked(invitation, company: context.companyID, actor: actor, on: db, now: Date())
        }
    }

    private static func markRevoked(_ invitation: InvitationDTO, company: UUID, actor: AuditActor, on db: any Database, now: Date) async throws {
        try await db.sql().raw("UPDATE invitations SET revoked_at = \(bind: now) WHERE id = \(bind: invitation.id)").run()
        try await AuditLog.append(
            AuditEvent(companyID: company, action: "invitation.revoke", entityType: "invitation",
                       entityID: invitation.id.uuidString.lowercased(), before: try JSONValue(encoding: invitation)),
            by: actor, on: db)
    }

    // MARK: Invitee side

    private struct Found: Decodable {
        var id: UUID
        var company_id: UUID
        var company_name: String
        var email: String
        var role: Role
        var invited_by: String
        var expires_at: Date
        var accepted_at: Date?
        var revoked_at: Date?
    }

    private static func find(token: String, on db: any Database) async throws -> Found {
        guard token.count <= 200, let found = try await db.sql().raw("""
            SELECT i.id, i.company_id, c.name AS company_name, i.email, i.role, u.name AS invited_by, i.expires_at,
                   i.accepted_at, i.revoked_at
            FROM invitations i JOIN companies c ON c.id = i.company_id JOIN users u ON u.id = i.invited_by
            WHERE i.token_hash = \(bind: TokenService.hash(token))
            """).first(decoding: Found.self) else { throw APIError.notFound("Invitation") }
        return found
    }

    /// Why this user cannot accept, or nil when they can.
    private static func obstacle(_ found: Found, user: UserAccount, requiresVerification: Bool, now: Date) -> APIError? {
        if found.accepted_at != nil { return APIError(status: .conflict, code: "invitation_used", message: "This invitation was already accepted.") }
        if found.revoked_at != nil { return APIError(status: .gone, code: "invitation_revoked", message: "This invitation was revoked; ask for a new one.") }
        if found.expires_at <= now { return APIError(status: .gone, code: "invitation_expired", message: "This invitation has expired; ask for a new one.") }
        if user.email != found.email {
            return APIError(status: .forbidden, code: "invitation_for_another_email",
                            message: "This invitation is for another email address: sign in with the address it was sent to.")
        }
        if requiresVerification, !user.verified {
            return APIError(status: .forbidden, code: "email_not_verified",
                            message: "Confirm your email address first (the link we sent when you signed up), then accept.")
        }
        return nil
    }

    @Sendable static func show(req: Request) async throws -> InvitationView {
        try await view(token: req.parameters.get("token") ?? "", for: req.authenticatedUserID, on: req)
    }

    static func view(token: String, for userID: UUID, on req: Request) async throws -> InvitationView {
        let found = try await find(token: token, on: req.db)
        let user = try await UserAccount.load(userID, on: req.db)
        let now = Date()
        let problem = obstacle(found, user: user, requiresVerification: req.application.config.requiresEmailVerification, now: now)
        let status: InvitationDTO.Status = found.accepted_at != nil ? .accepted : found.revoked_at != nil ? .revoked
            : found.expires_at <= now ? .expired : .pending
        return InvitationView(companyId: found.company_id, companyName: found.company_name, email: found.email, role: found.role,
                              status: status, invitedBy: found.invited_by, expiresAt: found.expires_at,
                              canAccept: problem == nil, reason: problem?.message)
    }

    @Sendable static func accept(req: Request) async throws -> Response {
        let dto = try await accept(token: req.parameters.get("token") ?? "", by: req.authenticatedUserID, on: req)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    static func accept(token: String, by userID: UUID, on req: Request) async throws -> MemberDTO {
        var signedIn = req.auditActor
        signedIn.userID = userID
        let actor = signedIn
        let requiresVerification = req.application.config.requiresEmailVerification
        return try await req.write { db in
            let found = try await find(token: token, on: db)
            let user = try await UserAccount.load(userID, on: db)
            if let problem = obstacle(found, user: user, requiresVerification: requiresVerification, now: Date()) { throw problem }
            // Marked first and conditionally, so two accepts racing cannot both pass.
            let marked = try await db.sql().raw("""
                UPDATE invitations SET accepted_at = \(bind: Date()), accepted_by = \(bind: userID)
                WHERE id = \(bind: found.id) AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id
                """).first()
            guard marked != nil else { throw APIError(status: .conflict, code: "invitation_used", message: "This invitation was already accepted.") }
            try await AuditLog.append(
                AuditEvent(companyID: found.company_id, action: "invitation.accept", entityType: "invitation",
                           entityID: found.id.uuidString.lowercased(), after: ["userId": .string(userID.uuidString.lowercased())]),
                by: actor, on: db)
            return try await MemberController.admit(userID, role: found.role, to: found.company_id, actor: actor, on: db)
        }
    }
}

/// The few facts about the signed-in user that decide what they may do with an invitation.
struct UserAccount: Sendable {
    var id: UUID
    var email: String
    var name: String
    var verified: Bool

    static func load(_ id: UUID, on db: any Database) async throws -> UserAccount {
        struct Row: Decodable { var email: String; var name: String; var email_verified_at: Date? }
        guard let row = try await db.sql().raw("SELECT email, name, email_verified_at FROM users WHERE id = \(bind: id)")
            .first(decoding: Row.self) else { throw APIError.unauthenticated }
        return UserAccount(id: id, email: row.email, name: row.name, verified: row.email_verified_at != nil)
    }
}

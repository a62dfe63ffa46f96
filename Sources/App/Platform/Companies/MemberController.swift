import Fluent
import SQLKit
import Vapor

struct AddMemberRequest: APIRequestBody {
    var email: String
    var role: Role

    static let schema = Schema.object([.required("email", .email), .required("role", .oneOf(Role.self))])
}

struct ChangeRoleRequest: APIRequestBody {
    var role: Role

    static let schema = Schema.object([.required("role", .oneOf(Role.self))])
}

struct MemberDTO: APIResponseBody {
    var userId: UUID
    var email: String
    var name: String
    var role: Role

    static let schema = Schema.ref("Member", .object([
        .required("userId", .uuid), .required("email", .email), .required("name", .text()),
        .required("role", .oneOf(Role.self)),
    ]))
}

enum MemberController {
    @Sendable static func list(req: Request) async throws -> Page<MemberDTO> {
        try OffsetPaging(req).page(try await query(company: try req.company, on: req.db))
    }

    static func query(company: CompanyContext, on db: any Database) async throws -> [MemberDTO] {
        try await db.sql().raw("""
            SELECT u.id AS "userId", u.email, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.company_id = \(bind: company.companyID) AND m.active = \(bind: true) ORDER BY u.name, u.email
            """).all(decoding: MemberDTO.self)
    }

    /// Makes an accepted invitation a membership. A former member comes back on the same row, so the history of
    /// that membership stays in one place.
    static func admit(_ userID: UUID, role: Role, to companyID: UUID, actor: AuditActor, on db: any Database) async throws -> MemberDTO {
        guard let user = try await User.find(userID, on: db) else { throw APIError.unauthenticated }
        let existing = try await Membership.query(on: db).filter(\.$companyID == companyID).filter(\.$userID == userID).first()
        if let existing, existing.active {
            throw APIError.conflict("\(user.email) is already a member (\(existing.role.rawValue)).")
        }
        let membership = existing ?? Membership(companyID: companyID, userID: userID, role: role)
        membership.role = role
        membership.active = true
        try await membership.save(on: db)
        let dto = MemberDTO(userId: userID, email: user.email, name: user.name, role: role)
        try await AuditLog.append(
            AuditEvent(companyID: companyID, action: "member.add", entityType: "membership",
                       entityID: userID.uuidString.lowercased(), after: try JSONValue(encoding: dto)),
            by: actor, on: db)
        return dto
    }

    @Sendable static func changeRole(req: Request) async throws -> MemberDTO {
        try await changeRole(req.decodeBody(ChangeRoleRequest.self), of: memberID(req), in: req.company, on: req)
    }

    static func changeRole(_ body: ChangeRoleRequest, of targetID: UUID, in context: CompanyContext, on req: Request)
        async throws -> MemberDTO
    {
        let actor = req.auditActor
        return try await req.write { db in
            let (membership, user) = try await load(targetID, in: context, on: db)
            try checkCanManage(membership, by: context)
            guard context.role.canGrant(body.role) else {
                throw APIError.forbidden("A \(context.role.rawValue) cannot grant the \(body.role.rawValue) role.")
            }
            if membership.role == .owner, body.role != .owner {
                try await ensureAnotherOwner(besides: targetID, in: context, on: db)
            }
            let before = MemberDTO(userId: targetID, email: user.email, name: user.name, role: membership.role)
            membership.role = body.role
            try await membership.save(on: db)
            let after = MemberDTO(userId: targetID, email: user.email, name: user.name, role: body.role)
            try await AuditLog.append(
                AuditEvent(companyID: context.companyID, action: "member.role_change", entityType: "membership",
                           entityID: targetID.uuidString.lowercased(), before: try JSONValue(encoding: before),
                           after: try JSONValue(encoding: after)),
                by: actor, on: db)
            return after
        }
    }

    @Sendable static func remove(req: Request) async throws -> HTTPStatus {
        try await remove(memberID(req), from: req.company, on: req)
        return .noContent
    }

    static func remove(_ targetID: UUID, from context: CompanyContext, on req: Request) async throws {
        let actor = req.auditActor
        try await req.write { db in
            let (membership, user) = try await load(targetID, in: context, on: db)
            try checkCanManage(membership, by: context)
            if membership.role == .owner {
                try await ensureAnotherOwner(besides: targetID, in: context, on: db)
            }
            membership.active = false
            try await membership.save(on: db)
            try await AuditLog.append(
                AuditEvent(companyID: context.companyID, action: "member.remove", entityType: "membership",
                           entityID: targetID.uuidString.lowercased(),
                           before: try JSONValue(encoding: MemberDTO(userId: targetID, email: user.email, name: user.name, role: membership.role))),
                by: actor, on: db)
        }
    }

    static func memberID(_ req: Request) throws -> UUID {
        guard let raw = req.parameters.get("userID"), let id = UUID(uuidString: raw) else {
            throw APIError.notFound("Member")
        }
        return id
    }

    private static func load(_ userID: UUID, in context: CompanyContext, on db: any Database) async throws -> (Membership, User) {
        guard let membership = try await Membership.query(on: db).filter(\.$companyID == context.companyID)
            .filter(\.$userID == userID).filter(\.$active == true).first(),
            let user = try await User.find(userID, on: db)
        else { throw APIError.notFound("Member") }
        return (membership, user)
    }

    /// Nobody changes or removes a member who outranks them (an admin cannot touch an owner).
    private static func checkCanManage(_ membership: Membership, by context: CompanyContext) throws {
        guard context.role.canGrant(membership.role) else {
            throw APIError.forbidden("A \(context.role.rawValue) cannot change a member whose role is \(membership.role.rawValue).")
        }
    }

    private static func ensureAnotherOwner(besides userID: UUID, in context: CompanyContext, on db: any Database) async throws {
        let others = try await Membership.query(on: db).filter(\.$companyID == context.companyID)
            .filter(\.$role == .owner).filter(\.$active == true).filter(\.$userID != userID).count()
        guard others > 0 else {
            throw APIError.conflict("A company must keep at least one owner: make someone else owner first.")
        }
    }
}

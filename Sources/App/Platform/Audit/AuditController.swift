import Fluent
import Ledger
import SQLKit
import Vapor

struct AuditEntryDTO: APIResponseBody {
    var id: UUID
    var seq: Int64
    var at: String
    var actorId: UUID?
    var action: String
    var entityType: String
    var entityId: String
    var before: JSONValue?
    var after: JSONValue?
    var requestId: String
    var clientAddress: String
    var hash: String

    init(_ row: AuditRow) {
        id = row.id
        seq = row.seq
        at = row.at
        actorId = row.actorID
        action = row.action
        entityType = row.entityType
        entityId = row.entityID
        before = row.beforeJSON.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        after = row.afterJSON.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        requestId = row.requestID
        clientAddress = row.clientAddress
        hash = row.hash
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(seq, forKey: .seq)
        try c.encode(at, forKey: .at)
        try c.encode(actorId, forKey: .actorId)
        try c.encode(action, forKey: .action)
        try c.encode(entityType, forKey: .entityType)
        try c.encode(entityId, forKey: .entityId)
        try c.encode(before, forKey: .before)
        try c.encode(after, forKey: .after)
        try c.encode(requestId, forKey: .requestId)
        try c.encode(clientAddress, forKey: .clientAddress)
        try c.encode(hash, forKey: .hash)
    }

    static let schema = Schema.ref("AuditEntry", .object([
        .required("id", .uuid), .required("seq", .integer()), .required("at", .dateTime),
        .required("actorId", .nullable(.uuid)), .required("action", .string()), .required("entityType", .string()),
        .required("entityId", .string()), .required("before", .any), .required("after", .any),
        .required("requestId", .string()), .required("clientAddress", .string()), .required("hash", .string()),
    ]))
}

struct AuditVerifyDTO: APIResponseBody {
    var ok: Bool
    var entries: Int?
    var brokenAt: String?
    var reason: String?

    static let schema = Schema.ref("AuditVerification", .object([
        .required("ok", .boolean), .optional("entries", .integer()), .optional("brokenAt", .uuid),
        .optional("reason", .string()),
    ]))
}

enum AuditController {
    struct Filter: Sendable {
        var entityType: String?
        var entityID: String?
        var actorID: UUID?
        var action: String?
        var from: CalendarDate?
        var to: CalendarDate?
        var limit = 50
        var beforeSeq: Int64?
    }

    static let queryParameters: [APIRoute.QueryParameter] = [
        .init(name: "limit", schema: .integer(minimum: 1, maximum: 500), description: "Page size (default 50)"),
        .init(name: "cursor", schema: .string(), description: "nextCursor of the previous page"),
        .init(name: "entityType", schema: .string(), description: "e.g. company, membership"),
        .init(name: "entityId", schema: .string(), description: "Id of the entity"),
        .init(name: "actor", schema: .uuid, description: "User id of who made the change"),
        .init(name: "action", schema: .string(), description: "e.g. company.update"),
        .init(name: "from", schema: .date, description: "First day, inclusive"),
        .init(name: "to", schema: .date, description: "Last day, inclusive"),
    ]

    @Sendable static func list(req: Request) async throws -> Page<AuditEntryDTO> {
        let context = try req.company
        let filter = try parseFilter(req)
        let rows = try await query(company: context.companyID, filter: filter, on: req.db)
        let page = rows.prefix(filter.limit)
        let next = rows.count > filter.limit ? page.last.map { String($0.seq) } : nil
        return Page(items: page.map(AuditEntryDTO.init), nextCursor: next)
    }

    /// Newest first; fetches one row more than the page so the caller knows whether another page exists.
    static func query(company: UUID, filter: Filter, on db: any Database) async throws -> [AuditRow] {
        let select = db.sql().select().column("*").from("audit_entries")
            .where("chain_key", .equal, AuditLog.chainKey(for: company))
        if let v = filter.beforeSeq { select.where("seq", .lessThan, v) }
        if let v = filter.entityType { select.where("entity_type", .equal, v) }
        if let v = filter.entityID { select.where("entity_id", .equal, v) }
        if let v = filter.actorID { select.where("actor_id", .equal, v) }
        if let v = filter.action { select.where("action", .equal, v) }
        // `at` is ISO-8601 text, so day bounds compare as strings ("T99" sorts after any time of that day).
        if let v = filter.from { select.where("at", .greaterThanOrEqual, v.description) }
        if let v = filter.to { select.where("at", .lessThan, v.description + "T99") }
        return try await select.orderBy("seq", .descending).limit(filter.limit + 1).all(decoding: AuditRow.self)
    }

    static func parseFilter(_ req: Request) throws -> Filter {
        var errors: [APIError.FieldError] = []
        var filter = Filter()
        func text(_ name: String) -> String? {
            guard let v = req.query[String.self, at: name] else { return nil }
            if v.isEmpty || v.count > 200 { errors.append(.init(field: name, message: "must be 1–200 characters")) }
            return v
        }
        filter.entityType = text("entityType")
        filter.entityID = text("entityId")
        filter.action = text("action")
        if let raw = req.query[String.self, at: "actor"] {
            filter.actorID = UUID(uuidString: raw)
            if filter.actorID == nil { errors.append(.init(field: "actor", message: "must be a user id (UUID)")) }
        }
        for (name, keyPath) in [("from", \Filter.from), ("to", \Filter.to)] {
            if let raw = req.query[String.self, at: name] {
                filter[keyPath: keyPath] = CalendarDate(raw)
                if filter[keyPath: keyPath] == nil { errors.append(.init(field: name, message: "must be " + CalendarDate.acceptedDescription)) }
            }
        }
        if let raw = req.query[String.self, at: "limit"] {
            if let n = Int(raw), (1...500).contains(n) { filter.limit = n }
            else { errors.append(.init(field: "limit", message: "must be a whole number from 1 to 500")) }
        }
        if let raw = req.query[String.self, at: "cursor"] {
            if let n = Int64(raw), n > 0 { filter.beforeSeq = n }
            else { errors.append(.init(field: "cursor", message: "is not a cursor this API returned")) }
        }
        if let from = filter.from, let to = filter.to, to < from {
            errors.append(.init(field: "to", message: "must not be before from"))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return filter
    }

    @Sendable static func verify(req: Request) async throws -> AuditVerifyDTO {
        let context = try req.company
        // `?full=true` walks the whole chain; otherwise only what came since the last verified checkpoint.
        let chain = AuditLog.chainKey(for: context.companyID)
        let full = req.query[String.self, at: "full"] == "true"
        let anchors = req.application.auditAnchors
        switch full ? try await AuditLog.verify(chain: chain, anchors: anchors, on: req.db)
                    : try await AuditLog.verifySinceCheckpoint(chain: chain, store: req.application.store, anchors: anchors, on: req.db) {
        case .ok(let entries):
            return AuditVerifyDTO(ok: true, entries: entries)
        case .broken(let id, let reason):
            return AuditVerifyDTO(ok: false, brokenAt: id.uuidString.lowercased(), reason: reason)
        }
    }
}

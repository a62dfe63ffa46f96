import Fluent
import Foundation
import SQLKit
import Vapor

/// A row of a nested master: godowns and stock groups are both a name under an optional parent.
struct NestedRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var name: String
    var name_key: String
    var parent_id: UUID?
}
typealias GodownRow = NestedRow

struct NestedRequest: APIRequestBody {
    var name: String
    var parent: String?
    static let schema = Schema.object([
        .required("name", .text(max: 200)),
        .optional("parent", .string(.init(minLength: 1, maxLength: 200, description: "The parent: name or id"))),
    ])
}

struct NestedDTO: APIResponseBody {
    var id: UUID
    var name: String
    var parentId: UUID?
    var parent: String?
    static let schema = Schema.ref("NestedMaster", .object([
        .required("id", .uuid), .required("name", .text()), .optional("parentId", .nullable(.uuid)), .optional("parent", .nullable(.text())),
    ]))
}

/// Godowns (Tally's stock locations) and stock groups: names unique in the company, each optionally under a
/// parent of its own kind. Every company starts with the godown `Main Location`, as in Tally.
struct NestedMaster: Sendable {
    let table: String
    let noun: String

    static let godowns = NestedMaster(table: "godowns", noun: "godown")
    static let stockGroups = NestedMaster(table: "stock_groups", noun: "stock group")

    func all(company: UUID, on db: any Database) async throws -> [NestedRow] {
        try await db.sql().raw("SELECT * FROM \(unsafeRaw: table) WHERE company_id = \(bind: company) ORDER BY name_key").all(decoding: NestedRow.self)
    }

    /// By id or name; nil when the company has none such.
    func find(_ reference: String, company: UUID, on db: any Database) async throws -> NestedRow? {
        let sql = db.sql()
        if let id = UUID(uuidString: reference) {
            return try await sql.raw("SELECT * FROM \(unsafeRaw: table) WHERE company_id = \(bind: company) AND id = \(bind: id)").first(decoding: NestedRow.self)
        }
        return try await sql.raw("SELECT * FROM \(unsafeRaw: table) WHERE company_id = \(bind: company) AND name_key = \(bind: Chart.nameKey(reference))")
            .first(decoding: NestedRow.self)
    }

    func dtos(_ rows: [NestedRow]) -> [NestedDTO] {
        let names = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.name) })
        return rows.map { NestedDTO(id: $0.id, name: $0.name, parentId: $0.parent_id, parent: $0.parent_id.flatMap { names[$0] }) }
    }

    func create(_ body: NestedRequest, company: UUID, actor: AuditActor, on db: any Database) async throws -> NestedDTO {
        let name = body.name.trimmingCharacters(in: .whitespaces)
        var errors: [APIError.FieldError] = []
        if name.isEmpty { errors.append(.init(field: "name", message: "must not be empty")) }
        if try await find(name, company: company, on: db) != nil { errors.append(.init(field: "name", message: "a \(noun) named '\(name)' already exists")) }
        var parent: NestedRow?
        if let ref = body.parent {
            parent = try await find(ref, company: company, on: db)
            if parent == nil { errors.append(.init(field: "parent", message: "no \(noun) '\(ref)' in this company")) }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let row = NestedRow(id: UUID(), company_id: company, name: name, name_key: Chart.nameKey(name), parent_id: parent?.id)
        try await db.sql().insert(into: table).model(row).run()
        let dto = NestedDTO(id: row.id, name: row.name, parentId: parent?.id, parent: parent?.name)
        try await AuditLog.append(AuditEvent(companyID: company, action: "\(noun.replacingOccurrences(of: " ", with: "-")).create", entityType: noun,
                                             entityID: row.id.uuidString.lowercased(), after: try JSONValue(encoding: dto)), by: actor, on: db)
        return dto
    }

    /// Renames or moves one: the body is the name and parent it should have (no parent: at the top). A move under
    /// itself or its own descendant is refused; Main Location keeps its name, as every default godown names it.
    func update(_ reference: String, with body: NestedRequest, company: UUID, actor: AuditActor, on db: any Database) async throws -> NestedDTO {
        guard let row = try await find(reference, company: company, on: db) else { throw APIError.notFound(noun.capitalized) }
        let name = body.name.trimmingCharacters(in: .whitespaces)
        var errors: [APIError.FieldError] = []
        if name.isEmpty { errors.append(.init(field: "name", message: "must not be empty")) }
        if table == "godowns", row.name == Godowns.main, name != row.name { errors.append(.init(field: "name", message: "Main Location is every company's default godown; it keeps its name")) }
        if let other = try await find(name, company: company, on: db), other.id != row.id { errors.append(.init(field: "name", message: "a \(noun) named '\(name)' already exists")) }
        let byID = Dictionary(uniqueKeysWithValues: try await all(company: company, on: db).map { ($0.id, $0) })
        var parent: NestedRow?
        if let ref = body.parent {
            parent = try await find(ref, company: company, on: db)
            if parent == nil { errors.append(.init(field: "parent", message: "no \(noun) '\(ref)' in this company")) }
            var at = parent
            while let p = at {
                if p.id == row.id { errors.append(.init(field: "parent", message: "'\(ref)' is '\(row.name)' or inside it")); break }
                at = p.parent_id.flatMap { byID[$0] }
            }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let before = NestedDTO(id: row.id, name: row.name, parentId: row.parent_id, parent: row.parent_id.flatMap { byID[$0]?.name })
        let after = NestedDTO(id: row.id, name: name, parentId: parent?.id, parent: parent?.name)
        guard before.name != after.name || before.parentId != after.parentId else { return before }
        try await db.sql().update(table).set("name", to: name).set("name_key", to: Chart.nameKey(name)).set("parent_id", to: parent?.id).where("id", .equal, row.id).run()
        try await AuditLog.append(AuditEvent(companyID: company, action: "\(noun.replacingOccurrences(of: " ", with: "-")).update", entityType: noun,
                                             entityID: row.id.uuidString.lowercased(), before: try JSONValue(encoding: before), after: try JSONValue(encoding: after)),
                                  by: actor, on: db)
        return after
    }

    func update(req: Request) async throws -> NestedDTO {
        let body = try req.decodeBody(NestedRequest.self)
        let (company, actor, reference) = (try req.company.companyID, req.auditActor, req.parameters.get("id") ?? "")
        return try await req.write { db in try await update(reference, with: body, company: company, actor: actor, on: db) }
    }

    func list(req: Request) async throws -> Page<NestedDTO> {
        try OffsetPaging(req).page(dtos(try await all(company: try req.company.companyID, on: req.db)))
    }

    func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(NestedRequest.self)
        let (company, actor) = (try req.company.companyID, req.auditActor)
        let dto = try await req.write { db in try await create(body, company: company, actor: actor, on: db) }
        return try await dto.encodeResponse(status: .created, for: req)
    }
}

enum Godowns {
    static let main = "Main Location"

    static func insertMain(company: UUID, on sql: any SQLDatabase) async throws {
        try await sql.insert(into: "godowns")
            .model(NestedRow(id: UUID(), company_id: company, name: main, name_key: Chart.nameKey(main), parent_id: nil)).run()
    }

    static func all(company: UUID, on db: any Database) async throws -> [NestedRow] { try await NestedMaster.godowns.all(company: company, on: db) }

    static func find(_ reference: String, company: UUID, on db: any Database) async throws -> NestedRow? {
        try await NestedMaster.godowns.find(reference, company: company, on: db)
    }
}

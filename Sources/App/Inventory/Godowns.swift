import Fluent
import Foundation
import SQLKit
import Vapor

struct GodownRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var name: String
    var name_key: String
    var parent_id: UUID?
}

struct GodownRequest: APIRequestBody {
    var name: String
    var parent: String?
    static let schema = Schema.object([
        .required("name", .text(max: 200)),
        .optional("parent", .string(.init(minLength: 1, maxLength: 200, description: "Parent godown: name or id"))),
    ])
}

struct GodownDTO: APIResponseBody {
    var id: UUID
    var name: String
    var parentId: UUID?
    var parent: String?
    static let schema = Schema.ref("Godown", .object([
        .required("id", .uuid), .required("name", .text()), .optional("parentId", .nullable(.uuid)), .optional("parent", .nullable(.text())),
    ]))
}

/// Godowns (Tally's name for stock locations), nested; every company starts with `Main Location`.
enum Godowns {
    static let main = "Main Location"

    static func insertMain(company: UUID, on sql: any SQLDatabase) async throws {
        try await sql.insert(into: "godowns")
            .model(GodownRow(id: UUID(), company_id: company, name: main, name_key: Chart.nameKey(main), parent_id: nil)).run()
    }

    static func all(company: UUID, on db: any Database) async throws -> [GodownRow] {
        try await db.sql().raw("SELECT * FROM godowns WHERE company_id = \(bind: company) ORDER BY name_key").all(decoding: GodownRow.self)
    }

    /// A godown by id or name; nil when the company has none such.
    static func find(_ reference: String, company: UUID, on db: any Database) async throws -> GodownRow? {
        let sql = db.sql()
        if let id = UUID(uuidString: reference) {
            return try await sql.raw("SELECT * FROM godowns WHERE company_id = \(bind: company) AND id = \(bind: id)").first(decoding: GodownRow.self)
        }
        return try await sql.raw("SELECT * FROM godowns WHERE company_id = \(bind: company) AND name_key = \(bind: Chart.nameKey(reference))")
            .first(decoding: GodownRow.self)
    }

    static func dtos(_ rows: [GodownRow]) -> [GodownDTO] {
        let names = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.name) })
        return rows.map { GodownDTO(id: $0.id, name: $0.name, parentId: $0.parent_id, parent: $0.parent_id.flatMap { names[$0] }) }
    }
}

enum GodownController {
    @Sendable static func list(req: Request) async throws -> Page<GodownDTO> {
        Page(items: Godowns.dtos(try await Godowns.all(company: try req.company.companyID, on: req.db)), nextCursor: nil)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(GodownRequest.self)
        let company = try req.company.companyID
        let actor = req.auditActor
        let dto = try await req.write { db in
            let name = body.name.trimmingCharacters(in: .whitespaces)
            var errors: [APIError.FieldError] = []
            if name.isEmpty { errors.append(.init(field: "name", message: "must not be empty")) }
            if try await Godowns.find(name, company: company, on: db) != nil {
                errors.append(.init(field: "name", message: "a godown named '\(name)' already exists"))
            }
            var parent: GodownRow?
            if let ref = body.parent {
                parent = try await Godowns.find(ref, company: company, on: db)
                if parent == nil { errors.append(.init(field: "parent", message: "no godown '\(ref)' in this company")) }
            }
            guard errors.isEmpty else { throw APIError.validation(errors) }
            let row = GodownRow(id: UUID(), company_id: company, name: name, name_key: Chart.nameKey(name), parent_id: parent?.id)
            try await db.sql().insert(into: "godowns").model(row).run()
            let dto = GodownDTO(id: row.id, name: row.name, parentId: parent?.id, parent: parent?.name)
            try await AuditLog.append(AuditEvent(companyID: company, action: "godown.create", entityType: "godown",
                                                 entityID: row.id.uuidString.lowercased(), after: try JSONValue(encoding: dto)), by: actor, on: db)
            return dto
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }
}

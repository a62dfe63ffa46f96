import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

struct VoucherTypeRequest: APIRequestBody {
    var name: String
    var kind: VoucherKind
    var prefix: String?
    var suffix: String?
    var width: Int?
    var automatic: Bool?

    static let schema = Schema.object([
        .required("name", .text(max: 100)),
        .required("kind", .oneOf(VoucherKind.self)),
        .optional("prefix", .string(.init(maxLength: 20))), .optional("suffix", .string(.init(maxLength: 20))),
        .optional("width", .integer(minimum: 1, maximum: 10)), .optional("automatic", .boolean),
    ])
}

struct VoucherTypeDTO: APIResponseBody {
    var id: UUID
    var name: String
    var kind: VoucherKind
    var prefix: String
    var suffix: String
    var width: Int
    var automatic: Bool
    var reserved: Bool

    init(_ r: VoucherTypeRow) {
        id = r.id; name = r.name; kind = r.kind; prefix = r.prefix; suffix = r.suffix; width = r.width; automatic = r.automatic
        reserved = r.reserved
    }

    static let schema = Schema.ref("VoucherType", .object([
        .required("id", .uuid), .required("name", .text()), .required("kind", .oneOf(VoucherKind.self)), .required("prefix", .string()),
        .required("suffix", .string()), .required("width", .integer()), .required("automatic", .boolean), .required("reserved", .boolean),
    ]))
}

/// The eight built-in voucher types and user-defined ones derived from them (same rules, own numbering).
enum VoucherTypeController {
    @Sendable static func list(req: Request) async throws -> Page<VoucherTypeDTO> {
        let rows = try await req.db.sql().raw("SELECT * FROM voucher_types WHERE company_id = \(bind: req.company.companyID) ORDER BY name")
            .all(decoding: VoucherTypeRow.self)
        return try OffsetPaging(req).page(rows.map(VoucherTypeDTO.init))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(VoucherTypeRequest.self)
        let context = try req.company
        let actor = req.auditActor
        let dto = try await req.write { db in
            let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw APIError.validation(field: "name", "must not be blank") }
            let existing = try await VoucherPosting.voucherType(name, company: context.companyID, on: db)
            if VoucherKind(rawValue: name) != nil || existing != nil {
                throw APIError.validation(field: "name", "'\(name)' is already a voucher type in this company")
            }
            let row = VoucherTypeRow(id: UUID(), company_id: context.companyID, name: name, name_key: Chart.nameKey(name), kind: body.kind,
                                     prefix: body.prefix ?? body.kind.defaultPrefix, suffix: body.suffix ?? "", width: body.width ?? 4,
                                     automatic: body.automatic ?? true, reserved: false, compact_year: body.kind.isGSTDocument)
            if row.automatic, let problem = VoucherTypeRow.seriesProblem(kind: row.kind, prefix: row.prefix, suffix: row.suffix,
                                                                          width: row.width, compactYear: row.compact_year) {
                throw APIError.validation(field: body.prefix != nil ? "prefix" : body.suffix != nil ? "suffix" : "width", problem)
            }
            try await db.sql().insert(into: "voucher_types").model(row).run()
            let dto = VoucherTypeDTO(row)
            try await AuditLog.append(
                AuditEvent(companyID: context.companyID, action: "voucher_type.create", entityType: "voucher_type",
                           entityID: row.id.uuidString.lowercased(), after: try JSONValue(encoding: dto)), by: actor, on: db)
            return dto
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }
}

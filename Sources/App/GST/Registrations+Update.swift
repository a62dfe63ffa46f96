import Fluent
import Foundation
import GSTKit
import SQLKit
import Vapor

/// What may change on a registration once it exists: its turnover band, the LUT, QRMP, its address and ledgers; the GSTIN
/// (and so its state) never.
struct RegistrationChange: APIRequestBody {
    var turnoverAbove5Crore: Bool?
    var turnoverAbove10Crore: Bool?
    var lut: Bool?
    var qrmp: Bool?
    var legalName: String?
    var address: String?
    var place: String?
    var pincode: String?
    var rateWiseLedgers: Bool?

    static let schema = Schema.object([
        .optional("turnoverAbove5Crore", .boolean), .optional("turnoverAbove10Crore", .boolean), .optional("lut", .boolean), .optional("qrmp", .boolean),
        .optional("legalName", .text(max: 100)), .optional("address", .text(max: 200)), .optional("place", .text(max: 50)),
        .optional("pincode", .string(.init(minLength: 6, maxLength: 6))), .optional("rateWiseLedgers", .boolean),
    ])
}

extension Registrations {
    @Sendable static func update(req: Request) async throws -> RegistrationDTO {
        let body = try req.decodeBody(RegistrationChange.self)
        let context = try req.company
        let actor = req.auditActor
        let gstin = req.parameters.get("gstin") ?? ""
        let company = try await CompanyController.find(context, on: req.db)
        let row = try await req.write { db -> RegistrationRow in
            // The registration the company's own GSTIN implies is saved on its first change.
            guard var row = try await resolve(gstin, company: company, actor: actor, save: true, on: db) else { throw APIError.notFound("Registration") }
            let before = RegistrationDTO(row)
            if let v = body.turnoverAbove10Crore { row.turnover_above_10cr = v; if v { row.turnover_above_5cr = true } }
            if let v = body.turnoverAbove5Crore { row.turnover_above_5cr = v }
            if let v = body.pincode { row.pincode = v }
            if let v = body.lut { row.lut = v }
            if let v = body.qrmp { row.qrmp = v }
            if let v = body.legalName { row.legal_name = v }
            if let v = body.address { row.address = v }
            if let v = body.place { row.place = v }
            if let v = body.rateWiseLedgers { row.rate_wise_ledgers = v }
            try check(row)
            try await db.sql().update("gst_registrations").set(model: row).where("id", .equal, row.id).run()
            try await AuditLog.append(AuditEvent(companyID: context.companyID, action: "gst.registration.update", entityType: "gst_registration",
                                                 entityID: row.id.uuidString.lowercased(), before: try JSONValue(encoding: before),
                                                 after: try JSONValue(encoding: RegistrationDTO(row))), by: actor, on: db)
            return row
        }
        return RegistrationDTO(row)
    }
}

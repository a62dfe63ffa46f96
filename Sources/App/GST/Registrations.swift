import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

struct RegistrationRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var gstin: String
    var state_code: String
    var kind: String
    var turnover_above_5cr: Bool
    var active: Bool
    var legal_name: String? = nil
    var address: String? = nil
    var place: String? = nil
    var pincode: String? = nil
    var rate_wise_ledgers = false
    /// ₹10 crore of aggregate turnover or more: e-invoices must reach the IRP within 30 days.
    var turnover_above_10cr = false
    /// A letter of undertaking is on record (Rule 96A): exports and SEZ supplies default to "without payment".
    var lut = false
    /// Quarterly returns with monthly payment (QRMP, Rule 61A): GSTR-1 and GSTR-3B by quarter, IFF for months one and two.
    var qrmp = false
}

struct RegistrationRequest: APIRequestBody {
    var gstin: String
    var kind: String?
    var turnoverAbove5Crore: Bool?
    var turnoverAbove10Crore: Bool?
    var lut: Bool?
    var qrmp: Bool?
    var legalName: String?
    var address: String?
    var place: String?
    var pincode: String?
    /// Post tax to one ledger per rate (`Output IGST 18%`), as Tally users often keep them.
    var rateWiseLedgers: Bool?

    static let schema = Schema.object([
        .required("gstin", .string(.init(minLength: 1, maxLength: 20))),
        .optional("kind", .string(.init(allowed: ["regular", "composition"]))),
        .optional("turnoverAbove5Crore", .boolean), .optional("turnoverAbove10Crore", .boolean), .optional("lut", .boolean),
        .optional("qrmp", .boolean),
        .optional("legalName", .text(max: 100)), .optional("address", .text(max: 200)), .optional("place", .text(max: 50)),
        .optional("pincode", .string(.init(minLength: 6, maxLength: 6))),
        .optional("rateWiseLedgers", .boolean),
    ])
}

struct RegistrationDTO: APIResponseBody {
    var id: UUID
    var gstin: String
    var stateCode: String
    var stateName: String
    var kind: String
    var turnoverAbove5Crore: Bool
    var turnoverAbove10Crore: Bool
    var lut: Bool
    var qrmp: Bool
    var legalName: String?
    var address: String?
    var place: String?
    var pincode: String?
    var rateWiseLedgers: Bool

    init(_ r: RegistrationRow) {
        id = r.id
        gstin = r.gstin
        stateCode = r.state_code
        stateName = StateCode(r.state_code)?.name ?? r.state_code
        kind = r.kind
        turnoverAbove5Crore = r.turnover_above_5cr
        turnoverAbove10Crore = r.turnover_above_10cr
        lut = r.lut
        qrmp = r.qrmp
        legalName = r.legal_name
        address = r.address
        place = r.place
        pincode = r.pincode
        rateWiseLedgers = r.rate_wise_ledgers
    }

    static let schema = Schema.ref("GSTRegistration", .object([
        .required("id", .uuid), .required("gstin", .string()), .required("stateCode", .string()), .required("stateName", .string()),
        .required("kind", .string(.init(allowed: ["regular", "composition"]))), .required("turnoverAbove5Crore", .boolean),
        .required("turnoverAbove10Crore", .boolean), .required("lut", .boolean), .required("qrmp", .boolean),
        .optional("legalName", .nullable(.text())), .optional("address", .nullable(.text())), .optional("place", .nullable(.text())),
        .optional("pincode", .nullable(.string())), .required("rateWiseLedgers", .boolean),
    ]))
}

/// A company's GST registrations, one per state as Tally allows. A company whose settings carry a GSTIN gets
/// that registration on first need; a company with none is unregistered and issues bills of supply.
enum Registrations {
    /// The active registrations in GSTIN order: from the company's snapshot when it is current.
    static func all(company: UUID, on db: any Database) async throws -> [RegistrationRow] {
        if let snapshot = try await CompanySnapshots.shared.current(company: company, on: db) { return snapshot.registrations }
        return try await stored(company: company, on: db)
    }

    static func stored(company: UUID, on db: any Database) async throws -> [RegistrationRow] {
        try await db.sql().raw("SELECT * FROM gst_registrations WHERE company_id = \(bind: company) AND active = \(bind: true) ORDER BY gstin")
            .all(decoding: RegistrationRow.self)
    }

    /// The registration an invoice belongs to: the one named, else the company's only one. A company with a GSTIN
    /// and no registration yet has its GSTIN's: posting (`save`) stores it, audited; a read uses it unsaved, so no GET
    /// ever writes. Its id is derived from the company and GSTIN, so the saved row is the one the reads saw.
    static func resolve(_ gstin: String?, company: Company, actor: AuditActor, save: Bool = true, on db: any Database) async throws -> RegistrationRow? {
        let id = try company.requireID()
        var rows = try await all(company: id, on: db)
        if rows.isEmpty, let own = company.gstin {
            let request = RegistrationRequest(gstin: own, kind: "regular", legalName: company.name)
            rows = [save ? try await create(request, company: id, id: impliedID(company: id, gstin: own), actor: actor, on: db)
                         : try row(request, company: id, id: impliedID(company: id, gstin: own))]
        }
        if let gstin {
            guard let row = rows.first(where: { $0.gstin == gstin.uppercased() }) else {
                throw APIError.validation(field: "registration", "this company has no GST registration \(gstin)")
            }
            return row
        }
        guard rows.count <= 1 else {
            throw APIError.validation(field: "registration", "this company has \(rows.count) GST registrations; say which GSTIN the invoice is issued under")
        }
        return rows.first
    }

    static func impliedID(company: UUID, gstin: String) -> UUID {
        let digest = Array(SHA256.hash(data: Data("gst-registration:\(company.uuidString.lowercased()):\(gstin.uppercased())".utf8)))
        return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6] & 0x0F | 0x50, digest[7],
                           digest[8] & 0x3F | 0x80, digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
    }

    /// The row a request describes, checked, not stored.
    static func row(_ body: RegistrationRequest, company: UUID, id: UUID = UUID()) throws -> RegistrationRow {
        let gstin: GSTIN
        do { gstin = try GSTIN(body.gstin) } catch { throw APIError.validation(field: "gstin", error.description) }
        guard gstin.kind == .normal else { throw APIError.validation(field: "gstin", "a \(gstin.kind.rawValue) GSTIN cannot issue tax invoices") }
        let above10 = body.turnoverAbove10Crore ?? false
        let row = RegistrationRow(id: id, company_id: company, gstin: gstin.value, state_code: gstin.stateCode, kind: body.kind ?? "regular",
                                  turnover_above_5cr: body.turnoverAbove5Crore ?? above10, active: true, legal_name: body.legalName,
                                  address: body.address, place: body.place, pincode: body.pincode,
                                  rate_wise_ledgers: body.rateWiseLedgers ?? false, turnover_above_10cr: above10,
                                  lut: body.lut ?? false, qrmp: body.qrmp ?? false)
        try check(row)
        return row
    }

    /// What a registration must be, however it was made or changed.
    static func check(_ row: RegistrationRow) throws {
        if let pin = row.pincode, !PINCode.isValid(pin) { throw APIError.validation(field: "pincode", "must be a 6-digit PIN code") }
        if row.turnover_above_10cr && !row.turnover_above_5cr {
            throw APIError.validation(field: "turnoverAbove5Crore", "cannot be false while turnoverAbove10Crore is true")
        }
        if row.qrmp && row.turnover_above_5cr {
            throw APIError.validation(field: "qrmp", "QRMP is open only to registrations with aggregate turnover up to ₹5 crore (Rule 61A)")
        }
        if row.qrmp && row.kind == "composition" {
            throw APIError.validation(field: "qrmp", "a composition registration files CMP-08 quarterly already; QRMP is for GSTR-1 and GSTR-3B filers")
        }
    }

    static func create(_ body: RegistrationRequest, company: UUID, id: UUID = UUID(), actor: AuditActor, on db: any Database) async throws -> RegistrationRow {
        let row = try row(body, company: company, id: id)
        if try await all(company: company, on: db).contains(where: { $0.gstin == row.gstin }) {
            throw APIError.validation(field: "gstin", "\(row.gstin) is already registered in this company")
        }
        try await db.sql().insert(into: "gst_registrations").model(row).run()
        try await AuditLog.append(AuditEvent(companyID: company, action: "gst.registration.create", entityType: "gst_registration",
                                             entityID: row.id.uuidString.lowercased(), after: try JSONValue(encoding: RegistrationDTO(row))),
                                  by: actor, on: db)
        return row
    }

    @Sendable static func list(req: Request) async throws -> Page<RegistrationDTO> {
        let context = try req.company
        let actor = req.auditActor
        let company = try await CompanyController.find(context, on: req.db)
        var rows = try await all(company: context.companyID, on: req.db)
        if rows.isEmpty, let implied = try? await resolve(nil, company: company, actor: actor, save: false, on: req.db) { rows = [implied] }
        return try OffsetPaging(req).page(rows.map(RegistrationDTO.init))
    }

    @Sendable static func add(req: Request) async throws -> Response {
        let body = try req.decodeBody(RegistrationRequest.self)
        let context = try req.company
        let actor = req.auditActor
        let row = try await req.write { db in try await create(body, company: context.companyID, actor: actor, on: db) }
        return try await RegistrationDTO(row).encodeResponse(status: .created, for: req)
    }
}

/// Ledgers GST posting needs, created on first need with the names Tally users know.
enum GSTLedgers {
    static func named(_ name: String, under group: String, context: PostingContext, company: UUID, actor: AuditActor,
                      on db: any Database) async throws -> LedgerRow {
        if let existing = try await context.ledger(name, on: db) { return existing }
        let body = LedgerRequest(name: name, group: group)
        let dto = try await ChartController.createLedger(body, company: company, actor: actor, on: db)
        guard let row = try await context.ledger(dto.id.uuidString, on: db) else { throw APIError.notFound("Ledger") }
        return row
    }
}

/// `GET /api/v1/gstin/{gstin}`: what a GSTIN says about itself, for forms that check as you type.
enum GSTINLookup {
    struct Answer: APIResponseBody {
        var valid: Bool
        var gstin: String
        var stateCode: String?
        var stateName: String?
        var pan: String?
        var registrationType: String?
        var error: String?

        static let schema = Schema.object([
            .required("valid", .boolean), .required("gstin", .string()), .optional("stateCode", .nullable(.string())),
            .optional("stateName", .nullable(.string())), .optional("pan", .nullable(.string())),
            .optional("registrationType", .nullable(.string())), .optional("error", .nullable(.string())),
        ])
    }

    @Sendable static func check(req: Request) async throws -> Answer {
        let raw = req.parameters.get("gstin") ?? ""
        do {
            let g = try GSTIN(raw)
            return Answer(valid: true, gstin: g.value, stateCode: g.stateCode, stateName: StateCode(g.stateCode)?.name,
                          pan: [.normal, .tcs].contains(g.kind) ? g.pan : nil, registrationType: g.kind.rawValue, error: nil)
        } catch {
            return Answer(valid: false, gstin: raw, stateCode: nil, stateName: nil, pan: nil, registrationType: nil, error: error.description)
        }
    }
}

import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// `…/invoices/{id}/einvoice` and `…/ewaybill`: the payloads the IRP and the e-way bill system take, produced only
/// when every rejection rule passes; otherwise a 422 lists each broken rule by its field. Nothing is sent: a
/// `GSPClient` does that once one is configured.
enum EDocuments {
    struct Parts {
        var document: GSTDocument
        var seller: TradeParty
        var buyer: TradeParty
        var turnoverAbove10Crore = false
        var roundOff: Int64
    }

    static func parts(_ req: Request) async throws -> Parts {
        let company = try req.company.companyID
        guard let inv = try await InvoiceController.row(req.parameters.get("invoiceID") ?? "", company: company, on: req.db) else {
            throw APIError.notFound("Invoice")
        }
        if InvoiceKind(rawValue: inv.kind)?.isAdvance == true {
            throw APIError.validation(field: "kind", "an \(inv.kind) is not an invoice: it has no e-invoice or e-way bill")
        }
        guard let registrationID = inv.registration_id,
            let reg = try await Registrations.all(company: company, on: req.db).first(where: { $0.id == registrationID })
        else { throw APIError.validation(field: "registration", "the invoice was issued without a GST registration (bill of supply)") }
        let date = (try CalendarDate(stored: inv.date))
        guard let document = try await GSTReturns.documents(company: company, registration: registrationID, from: date, to: date, on: req.db)
            .first(where: { $0.id == inv.id.uuidString.lowercased() })
        else { throw APIError.notFound("Invoice") }
        guard !document.cancelled else { throw APIError.conflict("Invoice \(inv.number) is cancelled.") }
        guard let party = try await Chart.ledger(inv.party_ledger_id.uuidString, company: company, on: req.db) else { throw APIError.notFound("Ledger") }
        let seller = try await ours(reg, req)
        let buyer = other(party, gstin: inv.party_gstin, otherwise: inv.place_of_supply)
        return Parts(document: document, seller: seller, buyer: buyer, turnoverAbove10Crore: reg.turnover_above_10cr, roundOff: inv.round_off_paise)
    }

    /// Our side of an e-document: the registration's name and address (the company's name when it has none).
    static func ours(_ reg: RegistrationRow, _ req: Request) async throws -> TradeParty {
        let companyName = try await CompanyController.find(try req.company, on: req.db).name
        return TradeParty(gstin: reg.gstin, legalName: reg.legal_name ?? companyName, address: reg.address ?? "", place: reg.place ?? "",
                          pincode: reg.pincode, stateCode: reg.state_code)
    }

    /// The other side, from its ledger: its state on record, else its GSTIN's, else `otherwise`.
    static func other(_ party: LedgerRow, gstin: String?, otherwise state: String) -> TradeParty {
        TradeParty(gstin: gstin, legalName: party.name, address: party.address ?? "", place: party.place ?? "", pincode: party.pincode,
                   stateCode: party.state_code ?? gstin.map { String($0.prefix(2)) } ?? state)
    }

    /// `?voluntary=true|false`: an e-way bill below the threshold only when asked for.
    static func voluntary(_ req: Request, errors: inout [APIError.FieldError]) -> Bool {
        guard let raw = req.query[String.self, at: "voluntary"] else { return false }
        guard let flag = Bool(raw) else { errors.append(.init(field: "voluntary", message: "must be true or false")); return false }
        return flag
    }

    static func refuse(_ problems: EInvoice.Problems) -> APIError {
        APIError.validation(problems.list.map { .init(field: $0.field, message: $0.rule) })
    }

    @Sendable static func einvoice(req: Request) async throws -> Response {
        let p = try await parts(req)
        switch EInvoice.build(document: p.document, seller: p.seller, buyer: p.buyer, roundOff: p.roundOff, today: Format.today(),
                              turnoverAbove10Crore: p.turnoverAbove10Crore) {
        case .success(let payload): return try GSTReturns.portalJSON(payload, filename: "einvoice-\(safe(p.document.number)).json")
        case .failure(let problems): throw refuse(problems)
        }
    }

    @Sendable static func ewaybill(req: Request) async throws -> Response {
        let p = try await parts(req)
        var errors: [APIError.FieldError] = []
        let distance = req.query[String.self, at: "distance"].map { Int($0) }
        if let d = distance, d == nil || d! < 0 || d! > 4_000 { errors.append(.init(field: "distance", message: "must be 0 to 4000 km (0 lets the portal work it out)")) }
        let mode = req.query[String.self, at: "transMode"].map { Int($0) }
        if let m = mode, m == nil || !(1...5).contains(m!) { errors.append(.init(field: "transMode", message: "must be 1 road, 2 rail, 3 air, 4 ship or 5 in transit")) }
        let voluntary = voluntary(req, errors: &errors)
        var port: EWayBill.Port?
        switch (req.query[String.self, at: "portPincode"], req.query[String.self, at: "portState"]) {
        case (nil, nil): break
        case (let pin?, let state?):
            if !PINCode.isValid(pin) { errors.append(.init(field: "portPincode", message: "must be a 6-digit PIN code")) }
            if !StateCode.registrable.contains(state) { errors.append(.init(field: "portState", message: "must be the two-digit state code of the port")) }
            port = EWayBill.Port(pincode: pin, stateCode: state)
        case (nil, _): errors.append(.init(field: "portPincode", message: "is needed with portState"))
        case (_, nil): errors.append(.init(field: "portState", message: "is needed with portPincode"))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let transport = EWayBill.Transport(mode: mode ?? nil, distanceKm: (distance ?? 0) ?? 0, vehicleNo: req.query[String.self, at: "vehicleNo"]?.uppercased(),
                                           voluntary: voluntary, port: port)
        switch EWayBill.build(document: p.document, ours: p.seller, party: p.buyer, transport: transport) {
        case .success(let payload): return try GSTReturns.portalJSON(payload, filename: "ewaybill-\(safe(p.document.number)).json")
        case .failure(let problems): throw refuse(problems)
        }
    }

    static func safe(_ number: String) -> String { String(number.map { $0.isLetter || $0.isNumber ? $0 : "-" }) }
}

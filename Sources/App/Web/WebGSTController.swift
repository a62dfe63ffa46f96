import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// GST pages; every figure and rule comes from the same functions the API uses.
enum WebGSTController {
    private static func company(_ req: Request) async throws -> (CompanyContext, CompanyDTO) {
        let context = try req.company
        return (context, try CompanyDTO(try await CompanyController.find(context, on: req.db)))
    }

    private static func base(_ req: Request) throws -> String { "/app/c/\(try req.company.companyID.uuidString.lowercased())" }

    @Sendable static func items(req: Request) async throws -> Response { try await itemsPage(req, status: .ok) }

    @Sendable static func createItem(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        do {
            var json = WebForm.json(form, only: ["name", "hsn", "unit", "gstRate", "cessRate", "rateFrom", "taxability"])
            // Opening stock in the main godown, when a quantity is given.
            if case .object(var o) = json, let quantity = form["openingQuantity"], !quantity.isEmpty {
                o["openingStock"] = [["quantity": .string(quantity), "rate": .string(form["openingRate"].flatMap { $0.isEmpty ? nil : $0 } ?? "0")]]
                json = .object(o)
            }
            let body = try ItemRequest.decode(from: json, schema: ItemRequest.createSchema)
            let (context, actor) = (try req.company, req.auditActor)
            _ = try await req.write { db in try await ItemController.insert(body, context: context, actor: actor, on: db) }
            return req.redirect(to: try base(req) + "/items?notice=item-created")
        } catch let e as APIError where e.status.code < 500 {
            var errors = WebForm.errors(e)
            for (api, field) in [("openingStock[0].quantity", "openingQuantity"), ("openingStock[0].rate", "openingRate"), ("openingStock", "openingQuantity")] {
                if let message = errors[api] { errors[field] = message }
            }
            return try await itemsPage(req, values: form, errors: errors, status: e.status)
        }
    }

    private static func itemsPage(_ req: Request, values: [String: String] = [:], errors: [String: String] = [:],
                                  status: HTTPStatus) async throws -> Response {
        let (context, dto) = try await company(req)
        let items = try await ItemController.list(req: req).items
        let model = ItemsPage.Model(companyID: context.companyID, items: items, canEdit: context.role.can(.mastersEdit), values: values, errors: errors)
        return WebForm.page(ItemsPage.render(model, chrome: req.chrome("Items", section: .invoices, company: dto)), status: status)
    }

    @Sendable static func invoices(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let page = try await InvoiceController.list(req: req)
        return WebForm.page(InvoiceListPage.render(page.items, companyID: context.companyID, canCreate: context.role.can(.vouchersCreate),
                                                   nextCursor: page.nextCursor, chrome: req.chrome("Invoices", section: .invoices, company: dto)))
    }

    @Sendable static func newInvoice(req: Request) async throws -> Response {
        try await entryPage(req, values: ["date": Format.today().description, "kind": "sales"], status: .ok)
    }

    @Sendable static func createInvoice(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        let (json, filled) = InvoiceEntryPage.body(form)
        do {
            let body = try InvoiceRequest.decode(from: json)
            let (context, actor) = (try req.company, req.auditActor)
            let invoice = try await req.write { db in
                try await InvoicePosting.post(body, company: try await CompanyController.find(context, on: db), by: context, actor: actor, on: db)
            }
            return req.redirect(to: try base(req) + "/invoices/\(invoice.id.uuidString.lowercased())?notice=invoice-saved")
        } catch let e as APIError where e.status.code < 500 {
            return try await entryPage(req, values: form, errors: InvoiceEntryPage.errors(e, filled: filled), error: e.fields.isEmpty ? e.message : nil,
                                       status: e.status)
        }
    }

    /// The preview runs the posting computation inside a transaction that is always rolled back: the same
    /// figures the invoice will have, and nothing written.
    @Sendable static func preview(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        let (json, filled) = InvoiceEntryPage.body(form)
        struct Preview: Content {
            struct Line: Content { var line: Int; var taxable: String; var tax: String; var treatment: String }
            var lines: [Line] = []
            var taxable = "0.00", cgst = "0.00", sgst = "0.00", igst = "0.00", cess = "0.00", roundOff = "0.00", total = "0.00"
            var errors: [String: String] = [:]
        }
        struct Done: Error { var preview: Preview }
        var out = Preview()
        do {
            let body = try InvoiceRequest.decode(from: json)
            let (context, actor) = (try req.company, req.auditActor)
            try await req.write { db in
                let company = try await CompanyController.find(context, on: db)
                let posting = try await PostingContext(company: context.companyID, on: db)
                let c = try await InvoicePosting.compute(body, company: company, context: posting, actor: actor, on: db)
                var p = Preview()
                func m(_ x: Int64) -> String { Money(paise: x).description }
                p.lines = c.lines.map { l in
                    .init(line: filled[l.line_no], taxable: m(l.taxable_paise), tax: m(l.tax.tax), treatment: l.treatment)
                }
                p.taxable = m(c.invoice.taxable_paise)
                p.cgst = m(c.lines.reduce(0) { $0 + $1.cgst_paise })
                p.sgst = m(c.lines.reduce(0) { $0 + $1.sgst_paise })
                p.igst = m(c.lines.reduce(0) { $0 + $1.igst_paise })
                p.cess = m(c.lines.reduce(0) { $0 + $1.tax.allCess })
                p.roundOff = m(c.invoice.round_off_paise)
                p.total = m(c.invoice.total_paise)
                throw Done(preview: p)
            }
        } catch let done as Done {
            out = done.preview
        } catch let e as APIError where e.status.code < 500 {
            out.errors = InvoiceEntryPage.errors(e, filled: filled)
            if e.fields.isEmpty { out.errors["invoice"] = e.message }
        }
        return try await out.encodeResponse(for: req)
    }

    private static func entryPage(_ req: Request, values: [String: String], errors: [String: String] = [:], error: String? = nil,
                                  status: HTTPStatus) async throws -> Response {
        let (context, dto) = try await company(req)
        let ledgers = try await req.visibleLedgers().filter(\.active)
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: context.companyID, on: req.db).map { ($0.id, $0) })
        let parties = ledgers.filter { groups[$0.group_id]?.is_party_group == true || groups[$0.group_id]?.role.isCashOrBank == true }.map(\.name)
        let items = try await ItemController.list(req: req).items.filter(\.active).map(\.name)
        let model = InvoiceEntryPage.Model(companyID: context.companyID, parties: parties, items: items, values: values, errors: errors, error: error)
        return WebForm.page(InvoiceEntryPage.render(model, chrome: req.chrome("New invoice", section: .invoices, company: dto,
                                                                              back: try base(req) + "/invoices")), status: status)
    }

    @Sendable static func invoice(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let invoice = try await InvoiceController.show(req: req)
        let parts = try? await EDocuments.parts(req)
        let ledger = try await Chart.ledger(invoice.partyId.uuidString, company: context.companyID, on: req.db)
        let ours = TradeParty(gstin: invoice.registration, legalName: dto.name, address: "", place: "", pincode: nil, stateCode: invoice.supplierState)
        let theirs = TradeParty(gstin: invoice.partyGstin, legalName: invoice.party, address: ledger?.address ?? "", place: ledger?.place ?? "",
                                pincode: ledger?.pincode, stateCode: ledger?.state_code ?? invoice.placeOfSupply)
        let inward = invoice.kind == .purchase || (parts?.document.direction == .inward)
        let (supplier, recipient) = inward ? (theirs, parts?.seller ?? ours) : (parts?.seller ?? ours, parts?.buyer ?? theirs)
        return WebForm.page(InvoicePrintPage.render(invoice, supplier: supplier, recipient: recipient, companyID: context.companyID,
                                                    chrome: req.chrome("\(invoice.kind.rawValue) \(invoice.number)", section: .invoices, company: dto,
                                                                       back: try base(req) + "/invoices")))
    }

    @Sendable static func returns(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let registrations = try await Registrations.list(req: req).items.map(\.gstin)
        let lastMonth = Format.today().monthStart.adding(days: -1)
        let period = req.query[String.self, at: "period"] ?? lastMonth.monthKey
        var model = GSTReturnsPage.Model(companyID: context.companyID, registrations: registrations,
                                         gstin: req.query[String.self, at: "gstin"] ?? registrations.first, period: period, issues: [])
        var status = HTTPStatus.ok
        if !registrations.isEmpty {
            do {
                let q = try await GSTReturns.query(req, period: period, gstin: model.gstin, on: req.db)
                let docs = try await GSTReturns.documents(company: context.companyID, registration: q.registration.id, from: q.period.first,
                                                          to: q.period.last, on: req.db)
                let filer = try GSTIN(q.registration.gstin)
                model.gstr1 = try await GSTReturns.gstr1(q, company: context.companyID, documents: docs, on: req.db)
                model.gstr3b = try GSTR3B.build(filer: filer, period: q.period, documents: docs).0
                model.issues = GSTR1.validate(filer: filer, period: q.period, documents: docs, turnoverAbove5Crore: q.registration.turnover_above_5cr)
            } catch let e as APIError where e.status.code < 500 {
                model.error = e.fields.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
                status = e.status
            }
        } else {
            model.error = "This company has no GST registration: add its GSTIN in the settings."
        }
        return WebForm.page(GSTReturnsPage.render(model, chrome: req.chrome("GST returns", section: .invoices, company: dto)), status: status)
    }

    @Sendable static func gstr1Download(req: Request) async throws -> Response { try await download(GSTReturns.gstr1(req: req)) }
    @Sendable static func gstr3bDownload(req: Request) async throws -> Response { try await download(GSTReturns.gstr3b(req: req)) }

    private static func download(_ response: Response) async throws -> Response {
        if let disposition = response.headers.first(name: .contentDisposition) {
            response.headers.replaceOrAdd(name: .contentDisposition, value: disposition.replacingOccurrences(of: "inline", with: "attachment"))
        }
        return response
    }
}

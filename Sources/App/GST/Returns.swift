import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// GSTR-1 and GSTR-3B for one registration and month, built by GSTKit from the stored, already-settled invoices.
enum GSTReturns {
    struct Query {
        var registration: RegistrationRow
        var period: ReturnPeriod
    }

    /// `gstin` and `period` from the query string, each checked and reported by name.
    static func query(_ req: Request, on db: any Database) async throws -> Query {
        try await query(req, period: req.query[String.self, at: "period"], gstin: req.query[String.self, at: "gstin"], on: db)
    }

    static func query(_ req: Request, period rawPeriod: String?, gstin: String?, on db: any Database) async throws -> Query {
        var errors: [APIError.FieldError] = []
        let period = rawPeriod.flatMap(ReturnPeriod.init)
        if period == nil { errors.append(.init(field: "period", message: rawPeriod == nil ? "is required (YYYY-MM)" : "'\(rawPeriod!)' is not a month as YYYY-MM")) }
        let context = try req.company
        let company = try await CompanyController.find(context, on: db)
        var registration: RegistrationRow?
        // Resolving may create the registration from the company's GSTIN (an audited write), so it runs in a write
        // transaction like every other write, even when a report asks.
        let actor = req.auditActor
        do { registration = try await req.write { db in try await Registrations.resolve(gstin, company: company, actor: actor, on: db) } }
        catch let e as APIError { errors += e.fields.map { .init(field: $0.field == "registration" ? "gstin" : $0.field, message: $0.message) } }
        if registration == nil && errors.isEmpty { errors.append(.init(field: "gstin", message: "this company has no GST registration")) }
        if registration?.kind == "composition" {
            errors.append(.init(field: "gstin", message: "a composition registration files CMP-08 and GSTR-4, not GSTR-1 or GSTR-3B"))
        }
        guard errors.isEmpty, let registration, let period else { throw APIError.validation(errors) }
        return Query(registration: registration, period: period)
    }

    /// The registration's invoices and notes dated in the period, as the returns see them.
    static func documents(company: UUID, registration: UUID, from: CalendarDate, to: CalendarDate, on db: any Database) async throws -> [GSTDocument] {
        let sql = db.sql()
        // One pass over the month's invoices with their voucher's state and party name, and one over their lines:
        // a month of 100,000 invoices is two queries, not lists of ids.
        let scope: SQLQueryString = """
            i.company_id = \(bind: company) AND i.registration_id = \(bind: registration)
            AND i.date >= \(bind: from.description) AND i.date <= \(bind: to.description)
            """
        var statuses: [UUID: String] = [:], parties: [UUID: String] = [:]
        let invoices = try await sql.raw("""
            SELECT i.*, v.status AS voucher_status, l.name AS party_name FROM invoices i
            JOIN vouchers v ON v.id = i.voucher_id JOIN ledgers l ON l.id = i.party_ledger_id
            WHERE \(scope) ORDER BY i.date, i.number
            """).all().map { row -> InvoiceRow in
            let inv = try row.decode(model: InvoiceRow.self)
            statuses[inv.voucher_id] = try row.decode(column: "voucher_status", as: String.self)
            parties[inv.party_ledger_id] = try row.decode(column: "party_name", as: String.self)
            return inv
        }
        guard !invoices.isEmpty else { return [] }
        let originalIDs = Array(Set(invoices.compactMap(\.original_invoice_id)))
        // PostgreSQL refuses `IN ()`, so an empty list is not asked for.
        let originals = originalIDs.isEmpty ? [] : try await sql.select().column("*").from("invoices")
            .where("id", .in, originalIDs).all(decoding: InvoiceRow.self)
        let lines = Dictionary(grouping: try await sql.raw("""
            SELECT l.* FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE \(scope) ORDER BY l.invoice_id, l.line_no
            """).all(decoding: InvoiceLineRow.self), by: \.invoice_id)
        let byID = Dictionary(uniqueKeysWithValues: originals.map { ($0.id, $0) })
        func document(_ inv: InvoiceRow, lines: [InvoiceLineRow]) -> GSTDocument {
            let kind = InvoiceKind(rawValue: inv.kind) ?? .sales
            return GSTDocument(
                id: inv.id.uuidString.lowercased(), direction: inv.direction == "inward" ? .inward : .outward, kind: kind.documentKind,
                series: "\(inv.kind)|\(inv.fy_start)", number: inv.number, date: CalendarDate(inv.date)!, partyName: parties[inv.party_ledger_id] ?? "",
                partyGSTIN: inv.party_gstin, partyRegistration: Registration(rawValue: inv.party_registration) ?? .unregistered,
                supplierState: inv.supplier_state, placeOfSupply: inv.place_of_supply, supplyType: SupplyType(rawValue: inv.supply_type) ?? .regular,
                reverseCharge: inv.reverse_charge, value: inv.total_paise, cancelled: statuses[inv.voucher_id] == "cancelled",
                lines: lines.map { l in
                    var tax = l.tax
                    tax.reverseCharge = inv.reverse_charge
                    return GSTDocument.Line(hsn: l.hsn, description: l.description, uqc: l.uqc,
                                            quantity: l.quantity_milli > 0 ? Quantity(thousandths: l.quantity_milli) : nil, tax: tax)
                })
        }
        return invoices.filter { statuses[$0.voucher_id] != "optional" }.map { inv in
            var d = document(inv, lines: lines[inv.id] ?? [])
            if let o = inv.original_invoice_id.flatMap({ byID[$0] }) {
                d.original = .init(number: o.number, date: CalendarDate(o.date)!, wasB2CL: document(o, lines: []).isB2CL)
            }
            return d
        }
    }

    @Sendable static func gstr1(req: Request) async throws -> Response {
        let q = try await query(req, on: req.db)
        let docs = try await documents(company: req.company.companyID, registration: q.registration.id, from: q.period.first, to: q.period.last, on: req.db)
        let built = GSTR1.build(filer: try GSTIN(q.registration.gstin), period: q.period, documents: docs)
        return try portalJSON(built, filename: "GSTR-1-\(q.registration.gstin)-\(q.period.portal).json")
    }

    @Sendable static func gstr3b(req: Request) async throws -> Response {
        let q = try await query(req, on: req.db)
        let docs = try await documents(company: req.company.companyID, registration: q.registration.id, from: q.period.first, to: q.period.last, on: req.db)
        let (built, _) = GSTR3B.build(filer: try GSTIN(q.registration.gstin), period: q.period, documents: docs)
        return try portalJSON(built, filename: "GSTR-3B-\(q.registration.gstin)-\(q.period.portal).json")
    }

    struct ValidationDTO: APIResponseBody {
        var period: String
        var gstin: String
        var documents: Int
        var issues: [ReturnIssue]
        static let schema = Schema.object([
            .required("period", .string()), .required("gstin", .string()), .required("documents", .integer()),
            .required("issues", .array(.object([.required("documentId", .string()), .required("number", .string()),
                                                 .required("field", .string()), .required("message", .string())]))),
        ])
    }

    /// Every invoice the portal would reject and why, before anyone uploads.
    @Sendable static func gstr1Validation(req: Request) async throws -> ValidationDTO {
        let q = try await query(req, on: req.db)
        let docs = try await documents(company: req.company.companyID, registration: q.registration.id, from: q.period.first, to: q.period.last, on: req.db)
        let issues = GSTR1.validate(filer: try GSTIN(q.registration.gstin), period: q.period, documents: docs,
                                    turnoverAbove5Crore: q.registration.turnover_above_5cr)
        return ValidationDTO(period: q.period.description, gstin: q.registration.gstin,
                             documents: docs.filter { $0.direction == .outward && !$0.cancelled }.count, issues: issues)
    }

    struct SourceDTO: Codable, Sendable { var invoiceId: String; var number: String; var date: String; var party: String }
    struct SourcesDTO: APIResponseBody {
        var period: String
        var gstin: String
        var figures: [String: [SourceDTO]]
        static let schema = Schema.object([.required("period", .string()), .required("gstin", .string()), .required("figures", .object([]))])
    }

    /// The invoices behind every GSTR-3B figure, keyed by the figure's JSON path.
    @Sendable static func gstr3bSources(req: Request) async throws -> SourcesDTO {
        let q = try await query(req, on: req.db)
        let docs = try await documents(company: req.company.companyID, registration: q.registration.id, from: q.period.first, to: q.period.last, on: req.db)
        let (_, sources) = GSTR3B.build(filer: try GSTIN(q.registration.gstin), period: q.period, documents: docs)
        let byID = Dictionary(uniqueKeysWithValues: docs.map { ($0.id, $0) })
        return SourcesDTO(period: q.period.description, gstin: q.registration.gstin, figures: sources.mapValues { ids in
            ids.compactMap { byID[$0] }.map { SourceDTO(invoiceId: $0.id, number: $0.number, date: $0.date.description, party: $0.partyName) }
        })
    }

    /// The portal's JSON as the body itself (no wrapper), offered as a download.
    static func portalJSON<T: Encodable>(_ value: T, filename: String) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.add(name: .contentDisposition, value: "inline; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(data: try encoder.encode(value)))
    }
}

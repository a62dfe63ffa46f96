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

    /// What a period names: the return's own period (a QRMP registration's quarter), or just the month.
    enum Span { case returnPeriod, month }

    /// `gstin` and `period` from the query string, each checked and reported by name.
    static func query(_ req: Request, span: Span = .returnPeriod, on db: any Database) async throws -> Query {
        try await query(req, period: req.query[String.self, at: "period"], gstin: req.query[String.self, at: "gstin"], span: span, on: db)
    }

    static func query(_ req: Request, period rawPeriod: String?, gstin: String?, span: Span = .returnPeriod, on db: any Database) async throws -> Query {
        var errors: [APIError.FieldError] = []
        let period = rawPeriod.flatMap(ReturnPeriod.init)
        if period == nil { errors.append(.init(field: "period", message: rawPeriod == nil ? "is required (YYYY-MM)" : "'\(rawPeriod!)' is not a month as YYYY-MM")) }
        let context = try req.company
        let company = try await CompanyController.find(context, on: db)
        var registration: RegistrationRow?
        // A report never writes: a registration implied by the company's GSTIN is used unsaved.
        do { registration = try await Registrations.resolve(gstin, company: company, actor: req.auditActor, save: false, on: db) }
        catch let e as APIError { errors += e.fields.map { .init(field: $0.field == "registration" ? "gstin" : $0.field, message: $0.message) } }
        if registration == nil && errors.isEmpty { errors.append(.init(field: "gstin", message: "this company has no GST registration")) }
        if registration?.kind == "composition" {
            errors.append(.init(field: "gstin", message: "a composition registration files CMP-08 and GSTR-4, not GSTR-1 or GSTR-3B"))
        }
        guard errors.isEmpty, let registration, let month = period else { throw APIError.validation(errors) }
        // Under QRMP (Rule 61A) GSTR-1 and GSTR-3B are quarterly, named by the quarter's last month.
        guard registration.qrmp && span == .returnPeriod else { return Query(registration: registration, period: month) }
        guard let quarter = month.quarter else {
            throw APIError.validation(field: "period", "\(registration.gstin) files quarterly (QRMP): give the quarter's last month (June, September, December or March); the first two months' B2B invoices go through gst/iff")
        }
        return Query(registration: registration, period: quarter)
    }

    /// The registration's invoices and notes dated in the period, as the returns see them. A busy month is
    /// 100,000 invoices and half a million lines: one query reads them in the returns' order, each invoice's columns
    /// repeated on its lines but read only on its first. The invoices come in the order of their index (migration
    /// 046) and each invoice's lines in the order of theirs, so nothing is sorted; the party name and voucher status
    /// are primary-key lookups.
    static func documents(company: UUID, registration: UUID, from: CalendarDate, to: CalendarDate, on db: any Database) async throws -> [GSTDocument] {
        let collected = DocumentCollector()
        try await BulkRows.stream("""
            SELECT i.id, i.kind, i.direction, i.number, i.fy_start, i.date, i.party_gstin, i.party_registration, i.supplier_state,
                   i.place_of_supply, i.supply_type, i.reverse_charge, i.total_paise, v.status AS voucher_status, p.name AS party_name,
                   i.shipping_bill_number, i.shipping_bill_date, i.shipping_port, i.ship_to, i.dispatch_from, i.ecommerce_gstin, i.ecommerce_section, i.self_invoice_number,
                   o.number AS o_number, o.date AS o_date, o.party_registration AS o_registration, o.supplier_state AS o_supplier_state,
                   o.place_of_supply AS o_place, o.supply_type AS o_supply_type, o.total_paise AS o_total,
                   l.line_no, l.hsn, l.description, l.uqc, l.quantity_milli, l.treatment, l.rate_milli, l.cess_milli,
                   l.taxable_paise, l.cgst_paise, l.sgst_paise, l.igst_paise, l.cess_paise, l.utgst, l.price_paise, l.discount_paise,
                   l.cess_non_advol_paise, l.cess_per_unit_paise
            FROM invoices i JOIN vouchers v ON v.id = i.voucher_id JOIN ledgers p ON p.id = i.party_ledger_id
            LEFT JOIN invoices o ON o.id = i.original_invoice_id
            LEFT JOIN invoice_lines l ON l.invoice_id = i.id
            WHERE i.company_id = \(bind: company) AND i.registration_id = \(bind: registration)
              AND i.date >= \(bind: from.description) AND i.date <= \(bind: to.description)
            ORDER BY i.date, i.number, i.id
            """, on: db) { row in try collected.add(row) }
        return collected.finished()
    }

    /// Builds documents from streamed rows, one row per line in document order. Rows arrive one at a time and the
    /// result is read only after the query has finished, so the unsynchronised state is never shared.
    private final class DocumentCollector: @unchecked Sendable {
        private var documents: [GSTDocument] = []
        private var current: String?
        /// The current document's line numbers as read: the query does not order lines (its index does, whatever
        /// plan SQLite or PostgreSQL picks is checked here), so a document whose lines came out of order is sorted.
        private var lineNumbers: [Int64] = []

        func add(_ row: any BulkRows.Row) throws {
            let id = try row.uuidText("id")
            if id != current {
                finishDocument()
                try add(invoice: row, id: id)
                current = id
            }
            if let lineNo = try row.optionalInt("line_no") {
                lineNumbers.append(lineNo)
                try add(line: row)
            }
        }

        func finished() -> [GSTDocument] {
            finishDocument()
            return documents
        }

        private func finishDocument() {
            defer { lineNumbers = [] }
            guard let last = documents.indices.last, zip(lineNumbers, lineNumbers.dropFirst()).contains(where: { $0 > $1 }) else { return }
            let order = lineNumbers.indices.sorted { lineNumbers[$0] < lineNumbers[$1] }
            documents[last].lines = order.map { documents[last].lines[$0] }
        }

        private func add(invoice row: any BulkRows.Row, id: String) throws {
            let kind = InvoiceKind(rawValue: try row.string("kind")) ?? .sales
            let date = try row.string("date")
            var d = GSTDocument(
                id: id.lowercased(), direction: try row.string("direction") == "inward" ? .inward : .outward,
                kind: kind.documentKind, series: "\(kind.rawValue)|\(try row.string("fy_start"))", number: try row.string("number"),
                date: CalendarDate(date) ?? CalendarDate.earliest, partyName: try row.string("party_name"),
                partyGSTIN: try row.optionalString("party_gstin"),
                partyRegistration: Registration(rawValue: try row.string("party_registration")) ?? .unregistered,
                supplierState: try row.string("supplier_state"), placeOfSupply: try row.string("place_of_supply"),
                supplyType: SupplyType(rawValue: try row.string("supply_type")) ?? .regular, reverseCharge: try row.bool("reverse_charge"),
                value: try row.int("total_paise"),
                // An optional (memorandum) invoice is no supply, but it took a number from the series: Table 13 counts it
                // among the cancelled, and every other table leaves it out as it does cancelled ones.
                cancelled: ["cancelled", "optional"].contains(try row.string("voucher_status")), lines: [])
            if let number = try row.optionalString("shipping_bill_number"), let when = CalendarDate(try row.optionalString("shipping_bill_date") ?? ""),
               let port = try row.optionalString("shipping_port") {
                d.shippingBill = .init(number: number, date: when, portCode: port)
            }
            d.shipTo = AddressDTO.stored(try row.optionalString("ship_to"))?.party
            d.dispatchFrom = AddressDTO.stored(try row.optionalString("dispatch_from"))?.party
            d.selfInvoiceNumber = try row.optionalString("self_invoice_number")
            if let gstin = try row.optionalString("ecommerce_gstin"), let section = ECommerceSection(rawValue: try row.optionalString("ecommerce_section") ?? "") {
                d.ecommerce = ECommerce(operatorGSTIN: gstin, section: section)
            }
            if let number = try row.optionalString("o_number"), let oDate = CalendarDate(try row.string("o_date")) {
                // How the original was reported decides where a note to an unregistered buyer goes (cdnur or b2cs).
                let original = GSTDocument(
                    id: "", series: "", number: number, date: oDate, partyName: "", partyGSTIN: nil,
                    partyRegistration: Registration(rawValue: try row.string("o_registration")) ?? .unregistered,
                    supplierState: try row.string("o_supplier_state"), placeOfSupply: try row.string("o_place"),
                    supplyType: SupplyType(rawValue: try row.string("o_supply_type")) ?? .regular, value: try row.int("o_total"), lines: [])
                d.original = .init(number: number, date: oDate, wasB2CL: original.isB2CL)
            }
            documents.append(d)
        }

        private func add(line row: any BulkRows.Row) throws {
            let i = documents.count - 1
            let quantity = try row.int("quantity_milli")
            var tax = LineTax(treatment: Treatment(rawValue: try row.string("treatment")) ?? .intraState, taxable: try row.int("taxable_paise"),
                              rate: TaxRate(milli: try row.int("rate_milli")), cessRate: TaxRate(milli: try row.int("cess_milli")),
                              cgst: try row.int("cgst_paise"), sgst: try row.int("sgst_paise"), igst: try row.int("igst_paise"),
                              cess: try row.int("cess_paise"), cessNonAdvol: try row.int("cess_non_advol_paise"), usesUTGST: try row.bool("utgst"))
            tax.reverseCharge = documents[i].reverseCharge
            var line = GSTDocument.Line(hsn: try row.string("hsn"), description: try row.string("description"), uqc: try row.string("uqc"),
                                        quantity: quantity > 0 ? Quantity(thousandths: quantity) : nil, tax: tax,
                                        unitPrice: try row.int("price_paise"), discount: try row.int("discount_paise"))
            line.cessPerUnit = try row.int("cess_per_unit_paise")
            documents[i].lines.append(line)
        }
    }

    @Sendable static func gstr1(req: Request) async throws -> Response {
        let q = try await query(req, on: req.db)
        let furnished = try furnishedInIFF(req, quarter: q)
        let docs = try await documents(company: req.company.companyID, registration: q.registration.id, from: q.period.first, to: q.period.last, on: req.db)
        let built = try await gstr1(q, company: req.company.companyID, documents: docs, furnishedInIFF: furnished, on: req.db)
        return try portalJSON(built, filename: "GSTR-1-\(q.registration.gstin)-\(q.period.portal).json")
    }

    /// GSTR-1 as it is filed, for the API and the returns page alike: the period's documents, the other documents
    /// Table 13 counts (job-work challans, payment vouchers), less what IFF already carried.
    static func gstr1(_ q: Query, company: UUID, documents docs: [GSTDocument], furnishedInIFF: [ReturnPeriod] = [],
                      on db: any Database) async throws -> GSTR1 {
        let issued = try await JobWork.issued(company: company, registration: q.registration.id, from: q.period.first, to: q.period.last, on: db)
            + PaymentVouchers.issued(company: company, from: q.period.first, to: q.period.last, on: db)
        return try GSTR1.build(filer: try GSTIN(q.registration.gstin), period: q.period, documents: docs, furnishedInIFF: furnishedInIFF,
                               otherIssued: issued)
    }

    /// `?iff=YYYY-MM,YYYY-MM`: the months of a QRMP quarter whose B2B invoices went through IFF, so the quarter's
    /// GSTR-1 does not report them again.
    static func furnishedInIFF(_ req: Request, quarter q: Query) throws -> [ReturnPeriod] {
        guard let raw = req.query[String.self, at: "iff"], !raw.isEmpty else { return [] }
        guard q.registration.qrmp else { throw APIError.validation(field: "iff", "only a QRMP registration files IFF") }
        let early = Array(q.period.monthsInPeriod.dropLast())
        var months: [ReturnPeriod] = []
        for text in raw.split(separator: ",", omittingEmptySubsequences: false).prefix(3) {
            guard let m = ReturnPeriod(String(text)), early.contains(m) else {
                throw APIError.validation(field: "iff", "'\(text)' is not one of the quarter's first two months (\(early.map(\.description).joined(separator: ", ")))")
            }
            months.append(m)
        }
        return months
    }

    /// IFF for a month that does not end a quarter: the month's B2B invoices and notes, up to ₹50 lakh.
    @Sendable static func iff(req: Request) async throws -> Response {
        let q = try await query(req, span: .month, on: req.db)
        guard q.registration.qrmp else {
            throw APIError.validation(field: "gstin", "\(q.registration.gstin) files GSTR-1 monthly; IFF is for registrations under QRMP")
        }
        guard !q.period.endsQuarter else {
            throw APIError.validation(field: "period", "the quarter's last month is reported in the quarter's GSTR-1, not IFF")
        }
        let docs = try await documents(company: req.company.companyID, registration: q.registration.id, from: q.period.first, to: q.period.last, on: req.db)
        do {
            let built = try GSTR1.iff(filer: try GSTIN(q.registration.gstin), month: q.period, documents: docs)
            return try portalJSON(built, filename: "IFF-\(q.registration.gstin)-\(q.period.portal).json")
        } catch let e as GSTR1.IFFOverLimit {
            throw APIError.validation(field: "period", e.description)
        }
    }

    @Sendable static func gstr3b(req: Request) async throws -> Response {
        let q = try await query(req, on: req.db)
        let docs = try await taxSummary(company: req.company.companyID, registration: q.registration.id, from: q.period.first, to: q.period.last, on: req.db)
        let (built, _) = try GSTR3B.build(filer: try GSTIN(q.registration.gstin), period: q.period, documents: docs, sources: false)
        return try portalJSON(built, filename: "GSTR-3B-\(q.registration.gstin)-\(q.period.portal).json")
    }

    /// The period's live documents summed by everything GSTR-3B's builder looks at (direction, kind, party
    /// registration, states, supply type, reverse charge, line treatment and rate), read from the kept day totals
    /// (`GSTDayTotals`): a few dozen summary documents instead of every invoice, fed to the same builder, so 3B needs
    /// no second set of rules. A test checks that it agrees with the return built from the full documents.
    static func taxSummary(company: UUID, registration: UUID, from: CalendarDate, to: CalendarDate, on db: any Database) async throws -> [GSTDocument] {
        let collected = SummaryCollector(from: from)
        try await BulkRows.stream("""
            SELECT direction, kind, party_registration, supplier_state, place_of_supply, supply_type, reverse_charge, treatment, rate_milli,
                   CAST(SUM(taxable_paise) AS BIGINT) AS taxable, CAST(SUM(cgst_paise) AS BIGINT) AS cgst, CAST(SUM(sgst_paise) AS BIGINT) AS sgst,
                   CAST(SUM(igst_paise) AS BIGINT) AS igst, CAST(SUM(cess_paise) AS BIGINT) AS cess
            FROM gst_day_totals
            WHERE company_id = \(bind: company) AND registration_id = \(bind: registration)
              AND date >= \(bind: from.description) AND date <= \(bind: to.description)
            GROUP BY direction, kind, party_registration, supplier_state, place_of_supply, supply_type, reverse_charge, treatment, rate_milli
            HAVING SUM(taxable_paise) <> 0 OR SUM(cgst_paise) <> 0 OR SUM(sgst_paise) <> 0 OR SUM(igst_paise) <> 0 OR SUM(cess_paise) <> 0
            """, on: db) { row in try collected.add(row) }
        return collected.documents
    }

    /// Rows arrive one at a time and are read only after the query has finished.
    private final class SummaryCollector: @unchecked Sendable {
        let date: CalendarDate
        var documents: [GSTDocument] = []
        init(from: CalendarDate) { date = from }

        func add(_ row: any BulkRows.Row) throws {
            let kind = InvoiceKind(rawValue: try row.string("kind")) ?? .sales
            let reverseCharge = try row.bool("reverse_charge")
            var tax = LineTax(treatment: Treatment(rawValue: try row.string("treatment")) ?? .intraState, taxable: try row.int("taxable"),
                              rate: TaxRate(milli: try row.int("rate_milli")), cessRate: .zero, cgst: try row.int("cgst"), sgst: try row.int("sgst"),
                              igst: try row.int("igst"), cess: try row.int("cess"))
            tax.reverseCharge = reverseCharge
            documents.append(GSTDocument(
                id: "summary-\(documents.count)", direction: try row.string("direction") == "inward" ? .inward : .outward, kind: kind.documentKind,
                series: "", number: "", date: date, partyName: "", partyGSTIN: nil,
                partyRegistration: Registration(rawValue: try row.string("party_registration")) ?? .unregistered,
                supplierState: try row.string("supplier_state"), placeOfSupply: try row.string("place_of_supply"),
                supplyType: SupplyType(rawValue: try row.string("supply_type")) ?? .regular, reverseCharge: reverseCharge, value: 0,
                lines: [GSTDocument.Line(hsn: "", description: "", uqc: "", quantity: nil, tax: tax)]))
        }
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
        let (_, sources) = try GSTR3B.build(filer: try GSTIN(q.registration.gstin), period: q.period, documents: docs)
        let byID = Dictionary(uniqueKeysWithValues: docs.map { ($0.id, $0) })
        return SourcesDTO(period: q.period.description, gstin: q.registration.gstin, figures: sources.mapValues { ids in
            ids.compactMap { byID[$0] }.map { SourceDTO(invoiceId: $0.id, number: $0.number, date: $0.date.description, party: $0.partyName) }
        })
    }

    /// The portal's JSON as the body itself (no wrapper), offered as a download: sorted keys, written by
    /// `SortedJSON` without `JSONEncoder`'s intermediate tree (a busy month's GSTR-1 is 26 MB).
    static func portalJSON<T: Encodable>(_ value: T, filename: String) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.add(name: .contentDisposition, value: "inline; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: try SortedJSON.encode(value))))
    }
}

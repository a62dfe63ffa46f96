import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

enum InvoiceController {
    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(InvoiceRequest.self)
        let context = try req.company
        let actor = req.auditActor
        let dto = try await req.write { db in
            let company = try await CompanyController.find(context, on: db)
            return try await InvoicePosting.post(body, company: company, by: context, actor: actor, on: db)
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable static func show(req: Request) async throws -> InvoiceDTO {
        let invoice = try await load(req.parameters.get("invoiceID") ?? "", company: req.company.companyID, on: req.db)
        // An invoice is a voucher: one touching a ledger hidden from the member is not found.
        guard try await req.ledgerVisibility().touching([invoice.voucherId], on: req.db).isEmpty else { throw APIError.notFound("Invoice") }
        return invoice
    }

    /// An invoice by id, or by number (our outward number first, then a supplier's).
    static func row(_ reference: String, company: UUID, on db: any Database) async throws -> InvoiceRow? {
        let sql = db.sql()
        if let id = UUID(uuidString: reference) {
            return try await sql.raw("SELECT * FROM invoices WHERE company_id = \(bind: company) AND id = \(bind: id)").first(decoding: InvoiceRow.self)
        }
        return try await sql.raw("""
            SELECT * FROM invoices WHERE company_id = \(bind: company) AND number = \(bind: reference)
            ORDER BY CASE direction WHEN 'outward' THEN 0 ELSE 1 END, date DESC
            """).first(decoding: InvoiceRow.self)
    }

    static func load(_ reference: String, company: UUID, on db: any Database) async throws -> InvoiceDTO {
        guard let inv = try await row(reference, company: company, on: db) else { throw APIError.notFound("Invoice") }
        return try await dtos([inv], company: company, on: db)[0]
    }

    /// DTOs for many invoices with three queries, whatever their number.
    static func dtos(_ invoices: [InvoiceRow], company: UUID, on db: any Database) async throws -> [InvoiceDTO] {
        guard !invoices.isEmpty else { return [] }
        let sql = db.sql()
        let ids = invoices.map(\.id)
        let lines = Dictionary(grouping: try await sql.select().column("*").from("invoice_lines").where("invoice_id", .in, ids)
            .orderBy("line_no").all(decoding: InvoiceLineRow.self), by: \.invoice_id)
        struct Named: Decodable { var id: UUID; var name: String }
        struct Status: Decodable { var id: UUID; var status: String }
        let ledgers = Dictionary(uniqueKeysWithValues: try await sql.select().columns("id", "name").from("ledgers")
            .where("id", .in, Array(Set(invoices.map(\.party_ledger_id)))).all(decoding: Named.self).map { ($0.id, $0.name) })
        let items = Dictionary(uniqueKeysWithValues: try await sql.raw("SELECT id, name FROM items WHERE company_id = \(bind: company)")
            .all(decoding: Named.self).map { ($0.id, $0.name) })
        let statuses = Dictionary(uniqueKeysWithValues: try await sql.select().columns("id", "status").from("vouchers")
            .where("id", .in, invoices.map(\.voucher_id)).all(decoding: Status.self).map { ($0.id, $0.status) })
        let registrations = Dictionary(uniqueKeysWithValues: try await Registrations.all(company: company, on: db).map { ($0.id, $0.gstin) })
        return invoices.map { inv in
            dto(inv, lines: lines[inv.id] ?? [], party: ledgers[inv.party_ledger_id] ?? "", itemNames: items,
                registration: inv.registration_id.flatMap { registrations[$0] }, status: statuses[inv.voucher_id] ?? "active")
        }
    }

    /// One invoice's DTO from its rows and the names around it; posting uses it directly without reading back.
    static func dto(_ inv: InvoiceRow, lines rows: [InvoiceLineRow], party: String, itemNames: [UUID: String], registration: String?,
                    status: String) -> InvoiceDTO {
        func m(_ p: Int64) -> String { Money(paise: p).description }
        let sum = { (k: KeyPath<InvoiceLineRow, Int64>) in rows.reduce(Int64(0)) { $0 + $1[keyPath: k] } }
        let dtoLines = rows.map { l in
            let t = l.tax
            return InvoiceDTO.Line(item: itemNames[l.item_id] ?? "", itemId: l.item_id, description: l.description, hsn: l.hsn, unit: l.uqc,
                                   quantity: Quantity(thousandths: l.quantity_milli).description, rate: m(l.price_paise), discount: m(l.discount_paise),
                                   taxable: m(l.taxable_paise), treatment: t.treatment, gstRate: t.rate.description, cessRate: t.cessRate.description,
                                   cgst: m(l.cgst_paise), sgst: m(l.sgst_paise), utgst: l.utgst, igst: m(l.igst_paise), cess: m(t.allCess),
                                   specificCess: m(l.cess_non_advol_paise), total: m(inv.reverse_charge ? l.taxable_paise : t.invoiceValue))
        }
        // No tax on any line (composition seller, or only nil-rated, exempt and non-GST goods): a bill of supply.
        let untaxed: Set<String> = [Treatment.billOfSupply, .nilRated, .exempt, .nonGST].map(\.rawValue).reduce(into: []) { $0.insert($1) }
        let billOfSupply = inv.direction == "outward" && rows.allSatisfy { untaxed.contains($0.treatment) }
        return InvoiceDTO(
            id: inv.id, kind: InvoiceKind(rawValue: inv.kind) ?? .sales, number: inv.number, date: inv.date, voucherId: inv.voucher_id,
            status: status, party: party, partyId: inv.party_ledger_id,
            partyGstin: inv.party_gstin, partyRegistration: Registration(rawValue: inv.party_registration) ?? .unregistered,
            registration: registration, supplierState: inv.supplier_state, placeOfSupply: inv.place_of_supply,
            supplyType: SupplyType(rawValue: inv.supply_type) ?? .regular, reverseCharge: inv.reverse_charge, billOfSupply: billOfSupply,
            originalInvoiceId: inv.original_invoice_id, lines: dtoLines,
            totals: .init(taxable: m(inv.taxable_paise), cgst: m(sum(\.cgst_paise)), sgst: m(sum(\.sgst_paise)), igst: m(sum(\.igst_paise)),
                          cess: m(sum(\.cess_paise) + sum(\.cess_non_advol_paise)), tax: m(inv.tax_paise), roundOff: m(inv.round_off_paise), total: m(inv.total_paise)),
            shippingBill: inv.shipping_bill_number.map { ShippingBillDTO(number: $0, date: inv.shipping_bill_date ?? "", port: inv.shipping_port ?? "") },
            shipTo: AddressDTO.stored(inv.ship_to), dispatchFrom: AddressDTO.stored(inv.dispatch_from),
            ecommerceOperator: inv.ecommerce_gstin, ecommerceSection: inv.ecommerce_section.flatMap(ECommerceSection.init(rawValue:)),
            selfInvoiceNumber: inv.self_invoice_number)
    }

    /// Newest first; filters by kind and date range.
    @Sendable static func list(req: Request) async throws -> Page<InvoiceDTO> {
        let company = try req.company.companyID
        let paging = try OffsetPaging(req, defaultLimit: 50, maxLimit: 500)
        var errors: [APIError.FieldError] = []
        let select = req.db.sql().select().column("*").from("invoices").where("company_id", .equal, company)
        if let hidden = try await req.ledgerVisibility().voucherCondition("invoices.voucher_id") { select.where(hidden) }
        if let kind = req.query[String.self, at: "kind"] {
            if InvoiceKind(rawValue: kind) != nil { select.where("kind", .equal, kind) }
            else { errors.append(.init(field: "kind", message: "must be sales, purchase, credit-note or debit-note")) }
        }
        for (name, op) in [("from", SQLBinaryOperator.greaterThanOrEqual), ("to", .lessThanOrEqual)] {
            if let raw = req.query[String.self, at: name] {
                if CalendarDate(raw) != nil { select.where(SQLColumn("date"), op, SQLBind(raw)) }
                else { errors.append(.init(field: name, message: "must be " + CalendarDate.acceptedDescription)) }
            }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let rows = try await select.orderBy("date", .descending).orderBy("number", .descending)
            .limit(paging.limit + 1).offset(paging.offset).all(decoding: InvoiceRow.self)
        return Page(items: try await dtos(Array(rows.prefix(paging.limit)), company: company, on: req.db), nextCursor: paging.next(fetched: rows.count))
    }
}

import Fluent
import Foundation
import SQLKit
import GSTKit
import Ledger
import Vapor

extension InvoicePosting {
    /// Where a sale's goods go and come from: ship-to and dispatch-from addresses (sales only) and, for exports, the
    /// shipping bill. Problems are added to `errors` by field; the shipping bill comes back when it is valid.
    static func deliveryDetails(_ body: InvoiceRequest, outward: Bool, supplyType: SupplyType, date: CalendarDate,
                                errors: inout [APIError.FieldError]) -> GSTDocument.ShippingBill? {
        if let shipTo = body.shipTo {
            if !(outward && body.kind == .sales) { errors.append(.init(field: "shipTo", message: "only a sale ships goods to a ship-to address")) }
            errors += shipTo.problems(field: "shipTo")
        }
        if let dispatch = body.dispatchFrom {
            if !(outward && body.kind == .sales) {
                errors.append(.init(field: "dispatchFrom", message: "only a sale names a dispatch-from address (a purchase's goods leave from the supplier)"))
            }
            errors += dispatch.problems(field: "dispatchFrom")
        }
        guard let bill = body.shippingBill else { return nil }
        if !(outward && body.kind == .sales && supplyType.isExport) {
            errors.append(.init(field: "shippingBill", message: "only an export invoice has a shipping bill"))
        }
        return bill.checked(invoiceDate: date, within: "shippingBill", errors: &errors)
    }
}

extension InvoicePosting {
    /// A sale through an e-commerce operator: the operator must hold a TCS registration; s.9(5) covers notified
    /// services only, where the operator pays the tax, so it cannot meet reverse charge or a zero-rated supply. A note
    /// follows its original.
    static func ecommerceDetails(_ body: InvoiceRequest, original: InvoiceRow?, outward: Bool, supplyType: SupplyType, reverseCharge: Bool,
                                 allServices: Bool, errors: inout [APIError.FieldError]) -> ECommerce? {
        if let o = original {
            if body.ecommerceOperator != nil && body.ecommerceOperator != o.ecommerce_gstin {
                errors.append(.init(field: "ecommerceOperator", message: "a note follows its original invoice's e-commerce operator; leave it out"))
            }
            if body.ecommerceSection != nil && body.ecommerceSection?.rawValue != o.ecommerce_section {
                errors.append(.init(field: "ecommerceSection", message: "a note follows its original invoice's section; leave it out"))
            }
            return o.ecommerce_gstin.flatMap { g in o.ecommerce_section.flatMap(ECommerceSection.init(rawValue:)).map { ECommerce(operatorGSTIN: g, section: $0) } }
        }
        guard let raw = body.ecommerceOperator else {
            if body.ecommerceSection != nil { errors.append(.init(field: "ecommerceSection", message: "needs ecommerceOperator, the operator's GSTIN")) }
            return nil
        }
        guard outward && body.kind == .sales else {
            errors.append(.init(field: "ecommerceOperator", message: "only our sales are made through an e-commerce operator; a purchase through one is a purchase from the seller"))
            return nil
        }
        let gstin: GSTIN
        do { gstin = try GSTIN(raw) } catch {
            errors.append(.init(field: "ecommerceOperator", message: error.description))
            return nil
        }
        guard gstin.kind == .tcs else {
            errors.append(.init(field: "ecommerceOperator", message: "'\(gstin.value)' is not an e-commerce operator's GSTIN: operators hold a TCS registration (C as the 14th character, s.52)"))
            return nil
        }
        let section = body.ecommerceSection ?? .collectsTCS
        if section == .operatorPays {
            if !allServices {
                errors.append(.init(field: "ecommerceSection", message: "s.9(5) covers notified services only (transport of passengers, accommodation, housekeeping, restaurants); goods sold through an operator are under s.52"))
            }
            if reverseCharge { errors.append(.init(field: "reverseCharge", message: "under s.9(5) the operator pays the tax; it cannot also be the recipient's under reverse charge")) }
            if supplyType != .regular { errors.append(.init(field: "ecommerceSection", message: "s.9(5) applies to supplies within India, not \(supplyType.rawValue)")) }
        }
        return ECommerce(operatorGSTIN: gstin.value, section: section)
    }
}

extension ShippingBillDTO {
    /// The shipping bill as GSTR-1 checks it, on or after the invoice date; problems go to `errors` by field, under
    /// `within.` when the bill is part of a larger body.
    func checked(invoiceDate: CalendarDate, within: String? = nil, errors: inout [APIError.FieldError]) -> GSTDocument.ShippingBill? {
        func field(_ name: String) -> String { within.map { $0 + "." + name } ?? name }
        errors += GSTDocument.ShippingBill.problems(number: number, portCode: port).map { .init(field: field($0.field), message: $0.message) }
        guard let when = CalendarDate(date) else {
            errors.append(.init(field: field("date"), message: "must be " + CalendarDate.acceptedDescription))
            return nil
        }
        if when < invoiceDate { errors.append(.init(field: field("date"), message: "is before the invoice date")) }
        return .init(number: number, date: when, portCode: port)
    }
}

/// `PUT …/invoices/{id}/shipping-bill`: the shipping bill usually comes days after the export invoice (the customs
/// broker files it), and the refund route needs it in GSTR-1 `exp`. It is invoice data, not a voucher row, so the books
/// are untouched; the change is audited with what was there before.
enum ShippingBills {
    @Sendable static func put(req: Request) async throws -> InvoiceDTO {
        let body = try req.decodeBody(ShippingBillDTO.self)
        let context = try req.company
        let actor = req.auditActor
        let reference = req.parameters.get("invoiceID") ?? ""
        // An invoice touching a ledger hidden from the member is not found, as on GET.
        let visible = try await InvoiceController.show(req: req)
        return try await req.write { db in
            guard let inv = try await InvoiceController.row(visible.id.uuidString, company: context.companyID, on: db) else {
                throw APIError.notFound("Invoice")
            }
            guard inv.kind == InvoiceKind.sales.rawValue, SupplyType(rawValue: inv.supply_type)?.isExport == true else {
                throw APIError.validation(field: "invoice", "'\(reference)' is not an export invoice: only exports have a shipping bill")
            }
            let before = try await InvoiceController.load(inv.id.uuidString, company: context.companyID, on: db)
            guard before.status != "cancelled" else { throw APIError.conflict("Invoice \(inv.number) is cancelled.") }
            var errors: [APIError.FieldError] = []
            let bill = body.checked(invoiceDate: try CalendarDate(stored: inv.date), errors: &errors)
            guard errors.isEmpty, let bill else { throw APIError.validation(errors) }
            try await db.sql().update("invoices").set("shipping_bill_number", to: bill.number).set("shipping_bill_date", to: bill.date.description)
                .set("shipping_port", to: bill.portCode).where("id", .equal, inv.id).where("company_id", .equal, context.companyID).run()
            let after = try await InvoiceController.load(inv.id.uuidString, company: context.companyID, on: db)
            try await AuditLog.append(AuditEvent(companyID: context.companyID, action: "invoice.shipping-bill", entityType: "invoice",
                                                 entityID: inv.id.uuidString.lowercased(), before: try JSONValue(encoding: before),
                                                 after: try JSONValue(encoding: after)), by: actor, on: db)
            return after
        }
    }
}

/// GST documents that number in a series of their own, made on first need: receipt vouchers for advances (Rule 50),
/// self-invoices for reverse-charge purchases from unregistered suppliers (s.31(3)(f)) and delivery challans for job
/// work (Rule 55), refund vouchers for advances paid back (Rule 51) and payment vouchers to reverse-charge suppliers
/// (Rule 52). Table 13 reports each by
/// number range, which a series shared with ordinary vouchers would break.
enum ReservedSeries {
    case advanceReceipt, selfInvoice, jobWorkChallan, refundVoucher, paymentVoucher

    var name: String {
        switch self {
        case .advanceReceipt: "Advance Receipt"
        case .selfInvoice: "Self Invoice"
        case .jobWorkChallan: "Job Work Challan"
        case .refundVoucher: "Refund Voucher"
        case .paymentVoucher: "Payment Voucher"
        }
    }
    private var kind: VoucherKind {
        switch self {
        case .advanceReceipt: .receipt
        case .selfInvoice: .purchase
        case .jobWorkChallan: .journal
        case .refundVoucher, .paymentVoucher: .payment
        }
    }
    private var prefix: String {
        switch self {
        case .advanceReceipt: "ADV"
        case .selfInvoice: "SI"
        case .jobWorkChallan: "JW"
        case .refundVoucher: "RV"
        case .paymentVoucher: "PV"
        }
    }

    /// The series' voucher type, made (audited) when missing.
    @discardableResult
    func ensure(company: UUID, actor: AuditActor, on db: any Database) async throws -> VoucherTypeRow {
        let key = Chart.nameKey(name)
        if let existing = try await db.sql().raw("""
            SELECT * FROM voucher_types WHERE company_id = \(bind: company) AND name_key = \(bind: key)
            """).first(decoding: VoucherTypeRow.self) { return existing }
        let row = VoucherTypeRow(id: UUID(), company_id: company, name: name, name_key: key, kind: kind, prefix: prefix, suffix: "",
                                 width: 4, automatic: true, reserved: true, compact_year: true)
        try await db.sql().insert(into: "voucher_types").model(row).run()
        try await AuditLog.append(AuditEvent(companyID: company, action: "voucher_type.create", entityType: "voucher_type",
                                             entityID: row.id.uuidString.lowercased(), after: try JSONValue(encoding: VoucherTypeDTO(row))),
                                  by: actor, on: db)
        return row
    }

    /// The series' next number in the year starting `fyStart`, checked against Rule 46(b).
    func next(fyStart: CalendarDate, company: UUID, actor: AuditActor, on db: any Database) async throws -> String {
        let type = try await ensure(company: company, actor: actor, on: db)
        let sequence = try await VoucherPosting.reserveNumbers(type: type.id, fyStart: fyStart, count: 1, on: db.sql())
        let number = type.number(sequence, fyStart: fyStart)
        if let problem = GSTDocumentNumber.problem(number) {
            throw APIError.validation(field: "number", "the next \(name) number \(problem); change the series' prefix (…/voucher-types)")
        }
        return number
    }
}

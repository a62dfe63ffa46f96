import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

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

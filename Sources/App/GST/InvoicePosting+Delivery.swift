import Fluent
import Foundation
import SQLKit
import GSTKit
import Ledger

extension InvoicePosting {
    /// Where a sale's goods go: a ship-to address (sales only) and, for exports, the shipping bill. Problems are added to
    /// `errors` by field; the shipping bill comes back when it is valid.
    static func deliveryDetails(_ body: InvoiceRequest, outward: Bool, supplyType: SupplyType, date: CalendarDate,
                                errors: inout [APIError.FieldError]) -> GSTDocument.ShippingBill? {
        if let shipTo = body.shipTo {
            if !(outward && body.kind == .sales) { errors.append(.init(field: "shipTo", message: "only a sale ships goods to a ship-to address")) }
            errors += shipTo.problems()
        }
        guard let bill = body.shippingBill else { return nil }
        if !(outward && body.kind == .sales && supplyType.isExport) {
            errors.append(.init(field: "shippingBill", message: "only an export invoice has a shipping bill"))
        }
        errors += GSTDocument.ShippingBill.problems(number: bill.number, portCode: bill.port)
            .map { .init(field: "shippingBill." + $0.field, message: $0.message) }
        guard let when = CalendarDate(bill.date) else {
            errors.append(.init(field: "shippingBill.date", message: "must be " + CalendarDate.acceptedDescription))
            return nil
        }
        if when < date { errors.append(.init(field: "shippingBill.date", message: "is before the invoice date")) }
        return .init(number: bill.number, date: when, portCode: bill.port)
    }
}

/// Receipt vouchers for advances (Rule 50) are GST documents in a series of their own: Table 13 reports them by
/// number range, which a series shared with ordinary receipts would break. The type is made on the first advance.
enum AdvanceReceiptSeries {
    static let name = "Advance Receipt"

    static func ensure(company: UUID, actor: AuditActor, on db: any Database) async throws {
        struct Row: Decodable { var id: UUID }
        let key = Chart.nameKey(name)
        guard try await db.sql().raw("""
            SELECT id FROM voucher_types WHERE company_id = \(bind: company) AND name_key = \(bind: key)
            """).first(decoding: Row.self) == nil else { return }
        let row = VoucherTypeRow(id: UUID(), company_id: company, name: name, name_key: key, kind: .receipt, prefix: "ADV", suffix: "",
                                 width: 4, automatic: true, reserved: true, compact_year: true)
        try await db.sql().insert(into: "voucher_types").model(row).run()
        try await AuditLog.append(AuditEvent(companyID: company, action: "voucher_type.create", entityType: "voucher_type",
                                             entityID: row.id.uuidString.lowercased(), after: try JSONValue(encoding: VoucherTypeDTO(row))),
                                  by: actor, on: db)
    }
}

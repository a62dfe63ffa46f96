import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// GST documents that number in a series of their own, made on first need: receipt vouchers for advances (Rule 50),
/// self-invoices for reverse-charge purchases from unregistered suppliers (s.31(3)(f)) and delivery challans for job
/// work (Rule 55), refund vouchers for advances paid back (Rule 51) and payment vouchers to reverse-charge suppliers
/// (Rule 52). Table 13 reports each by number range, which a series shared with ordinary vouchers would break.
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

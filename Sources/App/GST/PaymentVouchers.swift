import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// `{date, amount, account, narration?}`: paying a supplier under reverse charge.
struct PaymentVoucherRequest: APIRequestBody {
    var date: String
    var amount: String
    var account: String
    var narration: String?

    static let schema = Schema.object([
        .required("date", .date),
        .required("amount", .string(.init(minLength: 1, maxLength: 20, description: "Rupees paid to the supplier"))),
        .required("account", .string(.init(minLength: 1, maxLength: 200, description: "The cash or bank ledger paid from: name or id"))),
        .optional("narration", .text(min: 0)),
    ])
}

/// `POST …/invoices/{id}/payment-voucher`: who pays tax under reverse charge issues a payment voucher when paying the
/// supplier (CGST Rule 52). It is an ordinary payment in the books, posted through the one voucher path, numbered in
/// its own `Payment Voucher` series (`PV/26-27/0001`) and counted in GSTR-1 Table 13 as nature 7.
enum PaymentVouchers {
    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(PaymentVoucherRequest.self)
        let context = try req.company
        let actor = req.auditActor
        // An invoice touching a ledger hidden from the member is not found, as on GET.
        let visible = try await InvoiceController.show(req: req)
        let dto = try await req.write { db in
            try await post(body, invoice: visible.id, context: context, actor: actor, on: db)
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    static func post(_ body: PaymentVoucherRequest, invoice id: UUID, context: CompanyContext, actor: AuditActor, on db: any Database) async throws -> VoucherDTO {
        guard let inv = try await InvoiceController.row(id.uuidString, company: context.companyID, on: db) else { throw APIError.notFound("Invoice") }
        guard inv.kind == InvoiceKind.purchase.rawValue, inv.reverse_charge else {
            throw APIError.validation(field: "invoice", "a payment voucher (Rule 52) is issued when paying for a purchase under reverse charge; \(inv.number) is not one")
        }
        let status = try await InvoiceController.load(inv.id.uuidString, company: context.companyID, on: db).status
        guard status == "active" else { throw APIError.conflict("Invoice \(inv.number) is \(status).") }
        var errors: [APIError.FieldError] = []
        var amount: Int64 = 0
        do {
            amount = try Money(parsing: body.amount).paise
            if amount <= 0 { errors.append(.init(field: "amount", message: "must be more than zero")) }
        } catch { errors.append(.init(field: "amount", message: error.description)) }
        let type = try await ReservedSeries.paymentVoucher.ensure(company: context.companyID, actor: actor, on: db)
        let paid = try await paidSoFar(invoice: inv, type: type.id, on: db)
        if amount > 0 && amount > inv.total_paise - paid {
            errors.append(.init(field: "amount", message: "is more than the \(Money(paise: inv.total_paise - paid)) still unpaid on \(inv.number)"))
        }
        let posting = try await PostingContext(company: context.companyID, on: db)
        if let account = try await posting.ledger(body.account, on: db) {
            if posting.groups[account.group_id]?.role.isCashOrBank != true {
                errors.append(.init(field: "account", message: "'\(account.name)' is not a cash or bank ledger"))
            }
        } else { errors.append(.init(field: "account", message: "no ledger '\(body.account)' in this company")) }
        let party = try await Chart.ledger(inv.party_ledger_id.uuidString, company: context.companyID, on: db)
        guard errors.isEmpty, let party else { throw APIError.validation(errors) }
        let money = Money(paise: amount).description
        let request = VoucherRequest(
            type: type.name, date: body.date, number: nil, narration: body.narration, reference: inv.number,
            entries: [
                .init(ledger: nil, ledgerId: party.id.uuidString, debit: money, credit: nil,
                      bills: party.bill_wise ? [BillInput(type: .against, reference: inv.number, amount: money)] : nil),
                .init(ledger: body.account, ledgerId: nil, debit: nil, credit: money),
            ])
        return try await VoucherPosting.post(request, company: context.companyID, by: context, actor: actor, on: db)
    }

    /// What active payment vouchers have already paid the invoice's supplier against it.
    static func paidSoFar(invoice inv: InvoiceRow, type: UUID, on db: any Database) async throws -> Int64 {
        struct Sum: Decodable { var s: Int64? }
        return try await db.sql().raw("""
            SELECT CAST(SUM(e.amount_paise) AS BIGINT) AS s FROM vouchers v JOIN voucher_entries e ON e.voucher_id = v.id
            WHERE v.company_id = \(bind: inv.company_id) AND v.voucher_type_id = \(bind: type) AND v.reference = \(bind: inv.number)
            AND e.ledger_id = \(bind: inv.party_ledger_id) AND e.superseded = \(bind: false) AND v.status = 'active'
            """).first(decoding: Sum.self)?.s ?? 0
    }

    /// Payment vouchers dated in a period, as Table 13 counts them (nature 7).
    static func issued(company: UUID, from: CalendarDate, to: CalendarDate, on db: any Database) async throws -> [GSTR1.IssuedDocument] {
        struct Row: Decodable { var number: String; var date: String; var fy_start: String; var status: String }
        return try await db.sql().raw("""
            SELECT v.number, v.date, v.fy_start, v.status FROM vouchers v JOIN voucher_types t ON t.id = v.voucher_type_id
            WHERE v.company_id = \(bind: company) AND t.name_key = \(bind: Chart.nameKey(ReservedSeries.paymentVoucher.name))
            AND v.date >= \(bind: from.description) AND v.date <= \(bind: to.description)
            """).all(decoding: Row.self).compactMap { r in
            CalendarDate(r.date).map {
                GSTR1.IssuedDocument(nature: 7, series: "payment-voucher|" + r.fy_start, number: r.number, date: $0, cancelled: r.status != "active")
            }
        }
    }
}

import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

extension InvoicePosting {
    /// A line's taxes by ledger name (without `Output `/`Input `), leaving out the zero ones. Rate-wise ledgers name
    /// the rate each carries: CGST and SGST half the GST rate, IGST the whole, cess its own.
    static func taxes(_ l: InvoiceLineRow, rateWise: Bool) -> [(String, Int64)] {
        // Tax the e-commerce operator pays (s.9(5)) is not ours to book.
        guard l.treatment != Treatment.paidByOperator.rawValue else { return [] }
        let rate = TaxRate(milli: l.rate_milli), cess = TaxRate(milli: l.cess_milli)
        func named(_ head: String, _ r: TaxRate) -> String { rateWise ? "\(head) \(r)%" : head }
        return [(named("CGST", rate.half), l.cgst_paise), (named(l.utgst ? "UTGST" : "SGST", rate.half), l.sgst_paise),
                (named("IGST", rate), l.igst_paise), (named("Cess", cess), l.cess_paise + l.cess_non_advol_paise)].filter { $0.1 != 0 }
    }

    /// An advance receipt owes its tax now: the cash or bank account takes the whole amount, the party is credited
    /// the value of the service and the output tax ledgers the tax. Its adjustment, once the invoice charges the tax
    /// again, debits the output tax back and puts the same amount on the party, which then nets to nothing. A refund
    /// pays the value and the tax back from the account: the party's advance and the output tax are both debited.
    static func advanceVoucher(for c: Computed, body: InvoiceRequest, context: PostingContext, company: UUID, actor: AuditActor,
                               on db: any Database) async throws -> VoucherRequest {
        let inv = c.invoice
        let receipt = body.kind == .advanceReceipt
        var taxTotals: [String: Int64] = [:]
        for l in c.lines { for (name, amount) in taxes(l, rateWise: c.rateWiseLedgers) { taxTotals["Output \(name)", default: 0] += amount } }
        let tax = taxTotals.values.reduce(0, +)
        guard let party = try await context.ledger(inv.party_ledger_id.uuidString, on: db) else { throw APIError.notFound("Ledger") }
        func money(_ p: Int64) -> String { Money(paise: p).description }
        var entries: [VoucherRequest.Entry] = []
        if receipt, let account = c.account {
            entries.append(.init(ledger: nil, ledgerId: account.id.uuidString, debit: money(inv.total_paise), credit: nil))
            entries.append(.init(ledger: nil, ledgerId: party.id.uuidString, debit: nil, credit: money(inv.taxable_paise),
                                 bills: party.bill_wise ? [BillInput(type: .advance, reference: inv.number, amount: money(inv.taxable_paise))] : nil))
        } else if body.kind == .advanceRefund, let account = c.account {
            let advance = try await InvoiceController.row(inv.original_invoice_id?.uuidString ?? "", company: company, on: db)?.number
            entries.append(.init(ledger: nil, ledgerId: account.id.uuidString, debit: nil, credit: money(inv.total_paise)))
            entries.append(.init(ledger: nil, ledgerId: party.id.uuidString, debit: money(inv.taxable_paise), credit: nil,
                                 bills: party.bill_wise ? [BillInput(type: advance == nil ? .onAccount : .against, reference: advance,
                                                                     amount: money(inv.taxable_paise))] : nil))
        } else {
            entries.append(.init(ledger: nil, ledgerId: party.id.uuidString, debit: nil, credit: money(tax),
                                 bills: party.bill_wise ? [BillInput(type: .onAccount, reference: nil, amount: money(tax))] : nil))
        }
        for (name, amount) in taxTotals.sorted(by: { $0.key < $1.key }) {
            let ledger = try await GSTLedgers.named(name, under: "Duties & Taxes", context: context, company: company, actor: actor, on: db)
            entries.append(.init(ledger: nil, ledgerId: ledger.id.uuidString, debit: receipt ? nil : money(amount), credit: receipt ? money(amount) : nil))
        }
        return VoucherRequest(type: body.kind.voucherType, date: inv.date, number: nil, narration: body.narration, reference: nil, entries: entries)
    }
}

import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// Changing a voucher once written: amending, regularising and cancelling. With `write` these are the only code
/// that writes vouchers, their entries, bills, allocations and day totals (an architecture test holds every other
/// file to it), whoever asks: the API, the pages, a Tally import or sync.
extension VoucherPosting {
    /// One path for amending and regularising: the old lines and allocations are kept (superseded), the new version
    /// is checked like a new voucher, day totals move only for vouchers that count, and the audit entry shows both.
    static func replace(_ before: VoucherDTO, with body: VoucherRequest, action: String, company: UUID, actor: AuditActor,
                        on db: any Database) async throws -> VoucherDTO {
        try await PeriodLocks.check(date: (try CalendarDate(stored: before.date)), company: company, on: db)
        let sql = db.sql()
        // An invoice's voucher follows its computed lines; changing the voucher alone would make them disagree.
        struct Invoice: Decodable { var number: String }
        if let invoice = try await sql.raw("SELECT number FROM invoices WHERE voucher_id = \(bind: before.id)").first(decoding: Invoice.self) {
            throw APIError.conflict("Voucher \(before.number) belongs to invoice \(invoice.number); cancel it and issue a new invoice instead.")
        }
        // The old version's bill allocations stop counting before the new version is checked against open bills.
        let oldBills = try await billsAllocated(by: before.id, on: sql)
        try await sql.raw("UPDATE bill_allocations SET superseded = \(bind: true) WHERE voucher_id = \(bind: before.id)").run()
        // Bills are looked up with their kept balance, so it must stop counting the old version now too.
        try await Bills.refreshOutstanding(oldBills, on: sql)
        var amendment = body
        let posting = try await PostingContext(company: company, on: db)
        guard let type = posting.type(body.type), type.name == before.type else {
            throw APIError.validation(field: "type", "stays \(before.type); cancel and post anew to change the type")
        }
        if let number = body.number, number != before.number {
            throw APIError.validation(field: "number", "an amendment keeps the number \(before.number)")
        }
        amendment.number = type.automatic ? nil : before.number
        let p = try await VoucherPosting.prepare(amendment, context: posting, amending: before.id, on: db)
        guard p.fyStart.description == (try CalendarDate(stored: before.date)).financialYearStart(month: p.fyStart.month).description else {
            throw APIError.validation(field: "date", "must stay in the financial year of the original voucher")
        }
        if before.status == "active" {
            try await DayTotals.apply(lines(of: before), date: (try CalendarDate(stored: before.date)), company: company, sign: -1, on: sql)
        }
        try await sql.raw("UPDATE voucher_entries SET superseded = \(bind: true) WHERE voucher_id = \(bind: before.id)").run()
        try await sql.raw("""
            UPDATE vouchers SET date = \(bind: p.date.description), narration = \(bind: body.narration), reference = \(bind: body.reference),
                total_paise = \(bind: p.total), status = \(bind: p.status), post_dated = \(bind: p.postDated) WHERE id = \(bind: before.id)
            """).run()
        guard let row = try await sql.raw("SELECT * FROM vouchers WHERE id = \(bind: before.id)").first(decoding: VoucherRow.self) else {
            throw APIError.notFound("Voucher")
        }
        try await VoucherPosting.insertEntries(voucher: row, lines: p.lines, on: sql)
        if !p.optional { try await DayTotals.apply(p.lines, date: p.date, company: company, sign: 1, on: sql) }
        try await Bills.save(p.allocations.compactMap(\.newBill), on: sql)
        let allocations = VoucherPosting.allocationRows(p, voucher: before.id, company: company)
        try await VoucherPosting.insert(allocations, into: "bill_allocations", on: sql)
        try await Bills.refreshOutstanding(oldBills.union(allocations.compactMap(\.bill_id)), on: sql)
        let after = VoucherPosting.makeDTO(row, typeName: p.type.name, lines: p.lines, allocations: p.allocations)
        let entry = try await AuditLog.append(
            AuditEvent(companyID: company, action: action, entityType: "voucher", entityID: before.id.uuidString.lowercased(),
                       before: try JSONValue(encoding: before), after: try JSONValue(encoding: after)), by: actor, on: db)
        try await sql.raw("UPDATE vouchers SET audit_hash = \(bind: entry.hash) WHERE id = \(bind: before.id)").run()
        return after
    }

    static func lines(of voucher: VoucherDTO) -> [(UUID, VoucherLine)] {
        voucher.entries.map { e in
            (e.ledgerId, VoucherLine(ledgerName: e.ledger, role: .other, side: e.debit != nil ? .debit : .credit,
                                     amount: (try? Money(parsing: e.debit ?? e.credit ?? "0")) ?? .zero))
        }
    }

    /// Cancelling keeps the voucher and its number; its effect on the books, bills and stock goes. The API and a
    /// Tally sync that finds the voucher deleted there both end here.
    static func cancel(_ reference: String, company: UUID, actor: AuditActor, on db: any Database) async throws -> VoucherDTO {
        let before = try await VoucherController.load(reference, company: company, on: db)
        guard before.status != "cancelled" else { throw APIError.conflict("Voucher \(before.number) is already cancelled.") }
        try await PeriodLocks.check(date: (try CalendarDate(stored: before.date)), company: company, on: db)
        try await db.sql().raw("""
            UPDATE vouchers SET status = 'cancelled', cancelled_at = \(bind: Date()) WHERE id = \(bind: before.id)
            """).run()
        if before.status == "active" {
            try await DayTotals.apply(lines(of: before), date: (try CalendarDate(stored: before.date)), company: company, sign: -1, on: db.sql())
        }
        try await Bills.refreshOutstanding(try await billsAllocated(by: before.id, on: db.sql()), on: db.sql())
        // A cancelled invoice's goods go back (or out) of stock with it.
        struct Invoice: Decodable { var id: UUID }
        if let invoice = try await db.sql().raw("SELECT id FROM invoices WHERE voucher_id = \(bind: before.id)").first(decoding: Invoice.self) {
            try await Stock.deactivate(source: invoice.id, on: db)
            if before.status == "active" { try await GSTDayTotals.remove(invoice: invoice.id, on: db.sql()) }
            // The notes it took over can be invoiced again.
            try await db.sql().update("trade_documents").set("invoice_id", to: SQLLiteral.null).where("invoice_id", .equal, invoice.id).run()
        }
        // Stock a voucher moved itself (vouchers imported from Tally with their stock lines).
        try await Stock.deactivate(source: before.id, on: db)
        var after = before
        after.status = "cancelled"
        let entry = try await AuditLog.append(
            AuditEvent(companyID: company, action: "voucher.cancel", entityType: "voucher",
                       entityID: before.id.uuidString.lowercased(), before: try JSONValue(encoding: before),
                       after: try JSONValue(encoding: after)), by: actor, on: db)
        try await db.sql().raw("UPDATE vouchers SET audit_hash = \(bind: entry.hash) WHERE id = \(bind: before.id)").run()
        return after
    }

    /// The bills a voucher's current allocations name.
    static func billsAllocated(by voucher: UUID, on sql: any SQLDatabase) async throws -> Set<UUID> {
        struct Row: Decodable { var bill_id: UUID }
        return Set(try await sql.raw("""
            SELECT DISTINCT bill_id FROM bill_allocations WHERE voucher_id = \(bind: voucher) AND superseded = \(bind: false) AND bill_id IS NOT NULL
            """).all(decoding: Row.self).map(\.bill_id))
    }
}

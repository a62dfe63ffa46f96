import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

enum VoucherController {
    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(VoucherRequest.self)
        let context = try req.company
        let actor = req.auditActor
        let dto = try await req.write { db in try await VoucherPosting.post(body, company: context.companyID, by: context, actor: actor, on: db) }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable static func show(req: Request) async throws -> VoucherDTO {
        try await loadVisible(req.parameters.get("voucherID") ?? "", for: req)
    }

    /// A voucher as the member may see it: one touching a ledger hidden from them is not found.
    static func loadVisible(_ reference: String, for req: Request) async throws -> VoucherDTO {
        let voucher = try await load(reference, company: req.company.companyID, on: req.db)
        guard try await req.ledgerVisibility().allows(voucher) else { throw APIError.notFound("Voucher") }
        return voucher
    }

    static func load(_ reference: String, company: UUID, on db: any Database) async throws -> VoucherDTO {
        guard let id = UUID(uuidString: reference),
            let v = try await db.sql().raw("SELECT * FROM vouchers WHERE company_id = \(bind: company) AND id = \(bind: id)")
                .first(decoding: VoucherRow.self)
        else { throw APIError.notFound("Voucher") }
        struct Line: Decodable { var ledger_id: UUID; var name: String; var amount_paise: Int64 }
        let lines = try await db.sql().raw("""
            SELECT e.ledger_id, l.name, e.amount_paise FROM voucher_entries e JOIN ledgers l ON l.id = e.ledger_id
            WHERE e.voucher_id = \(bind: id) AND e.superseded = \(bind: false) ORDER BY e.line_no
            """).all(decoding: Line.self)
        struct Allocation: Decodable {
            var line_no: Int?; var ledger_id: UUID; var type: String; var amount_paise: Int64; var reference: String?; var due_date: String?
        }
        let stored = try await db.sql().raw("""
            SELECT a.line_no, a.ledger_id, a.type, a.amount_paise, b.reference, b.due_date
            FROM bill_allocations a LEFT JOIN bills b ON b.id = a.bill_id
            WHERE a.voucher_id = \(bind: id) AND a.superseded = \(bind: false) ORDER BY a.line_no, b.reference
            """).all(decoding: Allocation.self)
        let allocations = stored.compactMap { a -> PlannedAllocation? in
            guard let type = BillType(rawValue: a.type) else { return nil }
            // Allocations written before lines were recorded belong to the first line of their ledger.
            let line = a.line_no ?? lines.firstIndex { $0.ledger_id == a.ledger_id } ?? 0
            return PlannedAllocation(ledgerID: a.ledger_id, line: line, type: type, reference: a.reference, signedAmount: a.amount_paise,
                                     dueDate: type == .new || type == .advance ? a.due_date.flatMap(CalendarDate.init) : nil)
        }
        struct TypeName: Decodable { var name: String }
        let type = try await db.sql().raw("SELECT name FROM voucher_types WHERE id = \(bind: v.voucher_type_id)").first(decoding: TypeName.self)
        return VoucherPosting.makeDTO(v, typeName: type?.name ?? v.kind.displayName, lines: lines.map {
            ($0.ledger_id, VoucherLine(ledgerName: $0.name, role: .other, side: $0.amount_paise >= 0 ? .debit : .credit,
                                       amount: Money(paise: abs($0.amount_paise))))
        }, allocations: allocations)
    }

    /// Amending replaces the lines (the old ones are kept, superseded) and re-applies the totals; the number stays.
    @Sendable static func amend(req: Request) async throws -> VoucherDTO {
        let request = try req.decodeBody(VoucherRequest.self)
        let context = try req.company
        let reference = req.parameters.get("voucherID") ?? ""
        let actor = req.auditActor
        return try await req.write { db in
            var body = request
            try await authorize(reference, .amend, by: context, on: db)
            let before = try await load(reference, company: context.companyID, on: db)
            guard before.status != "cancelled" else {
                throw APIError.conflict("Voucher \(before.number) is cancelled; a cancelled voucher cannot be amended.")
            }
            if let optional = body.optional, optional != (before.status == "optional") {
                throw APIError.validation(field: "optional", before.status == "optional"
                    ? "stays true on an amendment; regularise the voucher (POST …/vouchers/\(before.id)/regularise) to bring it into the books"
                    : "an active voucher cannot be made optional; cancel it instead")
            }
            body.optional = before.status == "optional"
            return try await replace(before, with: body, action: "voucher.amend", company: context.companyID, actor: actor, on: db)
        }
    }

    /// Brings an optional voucher into the books: every rule is checked again as of now (the bills it settles may
    /// have been settled meanwhile), then its lines count like any other voucher's.
    @Sendable static func regularise(req: Request) async throws -> VoucherDTO {
        let context = try req.company
        let reference = req.parameters.get("voucherID") ?? ""
        let actor = req.auditActor
        return try await req.write { db in
            try await authorize(reference, .amend, by: context, on: db)
            let before = try await load(reference, company: context.companyID, on: db)
            guard before.status == "optional" else {
                throw APIError.conflict("Voucher \(before.number) is \(before.status), not optional; only optional vouchers are regularised.")
            }
            var body = request(from: before)
            body.optional = false
            return try await replace(before, with: body, action: "voucher.regularise", company: context.companyID, actor: actor, on: db)
        }
    }

    /// The request that would post `voucher` as it stands, for re-checking it.
    static func request(from voucher: VoucherDTO) -> VoucherRequest {
        VoucherRequest(type: voucher.type, date: voucher.date, number: voucher.number, narration: voucher.narration,
                       reference: voucher.reference, optional: voucher.status == "optional", postDated: voucher.postDated,
                       entries: voucher.entries.map {
                           .init(ledger: nil, ledgerId: $0.ledgerId.uuidString, debit: $0.debit, credit: $0.credit, bills: $0.bills)
                       })
    }

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
        try await sql.raw("UPDATE bill_allocations SET superseded = \(bind: true) WHERE voucher_id = \(bind: before.id)").run()
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
        try await VoucherPosting.insert(VoucherPosting.allocationRows(p, voucher: before.id, company: company), into: "bill_allocations", on: sql)
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

    /// Posts every voucher or none; every invalid one is reported with its index (`vouchers[3].entries`).
    @Sendable static func batch(req: Request) async throws -> Response {
        let body = try req.decodeBody(VoucherBatchRequest.self)
        guard (1...VoucherBatchRequest.maxVouchers).contains(body.vouchers.count) else {
            throw APIError.validation(field: "vouchers", "send 1 to \(VoucherBatchRequest.maxVouchers) vouchers per batch, got \(body.vouchers.count)")
        }
        let context = try req.company
        let actor = req.auditActor
        let posted = try await req.write { db in try await VoucherPosting.postMany(body.vouchers, company: context.companyID, by: context, actor: actor, on: db) }
        return try await VoucherBatchResponse(items: posted).encodeResponse(status: .created, for: req)
    }

    /// Cancelling keeps the voucher and its number and takes its effect off the books.
    @Sendable static func cancel(req: Request) async throws -> VoucherDTO {
        let context = try req.company
        let reference = req.parameters.get("voucherID") ?? ""
        let actor = req.auditActor
        return try await req.write { db in
            try await authorize(reference, .cancel, by: context, on: db)
            return try await cancel(reference, company: context.companyID, actor: actor, on: db)
        }
    }

    /// May this member amend or cancel the voucher? Its kind must be one they enter, and if someone else entered it
    /// they need `vouchers.amend` / `vouchers.cancel`. An unknown id passes here and is a 404 where it is loaded.
    static func authorize(_ reference: String, _ change: VoucherChange, by member: CompanyContext, on db: any Database) async throws {
        struct Entry: Decodable { var kind: VoucherKind; var created_by: UUID? }
        guard let id = UUID(uuidString: reference), let entry = try await db.sql().raw("""
            SELECT t.kind, v.created_by FROM vouchers v JOIN voucher_types t ON t.id = v.voucher_type_id
            WHERE v.company_id = \(bind: member.companyID) AND v.id = \(bind: id)
            """).first(decoding: Entry.self) else { return }
        // A voucher the member may not see is not there for them to change either.
        guard try await LedgerVisibility.of(member, on: db).touching([id], on: db).isEmpty else { throw APIError.notFound("Voucher") }
        try member.require(VoucherClass(entry.kind), change, enteredBy: entry.created_by)
    }

    /// Cancelling keeps the voucher and its number; its effect on the books, bills and stock goes. The API and a
    /// Tally sync that finds the voucher deleted there both end here.
    static func cancel(_ reference: String, company: UUID, actor: AuditActor, on db: any Database) async throws -> VoucherDTO {
        let before = try await load(reference, company: company, on: db)
        guard before.status != "cancelled" else { throw APIError.conflict("Voucher \(before.number) is already cancelled.") }
        try await PeriodLocks.check(date: (try CalendarDate(stored: before.date)), company: company, on: db)
        try await db.sql().raw("""
            UPDATE vouchers SET status = 'cancelled', cancelled_at = \(bind: Date()) WHERE id = \(bind: before.id)
            """).run()
        if before.status == "active" {
            try await DayTotals.apply(lines(of: before), date: (try CalendarDate(stored: before.date)), company: company, sign: -1, on: db.sql())
        }
        // A cancelled invoice's goods go back (or out) of stock with it.
        struct Invoice: Decodable { var id: UUID }
        if let invoice = try await db.sql().raw("SELECT id FROM invoices WHERE voucher_id = \(bind: before.id)").first(decoding: Invoice.self) {
            try await Stock.deactivate(source: invoice.id, on: db)
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

    struct ListRow: Decodable { var id: UUID }

    /// Newest first; filters by type, date range, ledger and free text.
    @Sendable static func list(req: Request) async throws -> Page<VoucherDTO> {
        let company = try req.company.companyID
        let paging = try OffsetPaging(req, defaultLimit: 50, maxLimit: 500)
        var errors: [APIError.FieldError] = []
        let visibility = try await req.ledgerVisibility()
        let select = req.db.sql().select().column("id").from("vouchers").where("company_id", .equal, company)
        if let hidden = visibility.voucherCondition() { select.where(hidden) }
        if let type = req.query[String.self, at: "type"] {
            if let t = try await VoucherPosting.voucherType(type, company: company, on: req.db) {
                select.where("voucher_type_id", .equal, t.id)
            } else { errors.append(.init(field: "type", message: "no voucher type '\(type)'")) }
        }
        for (name, op) in [("from", SQLBinaryOperator.greaterThanOrEqual), ("to", .lessThanOrEqual)] {
            if let raw = req.query[String.self, at: name] {
                if CalendarDate(raw) != nil { select.where(SQLColumn("date"), op, SQLBind(raw)) }
                else { errors.append(.init(field: name, message: "must be " + CalendarDate.acceptedDescription)) }
            }
        }
        if let ledgerRef = req.query[String.self, at: "ledger"] {
            if let ledger = try await Chart.ledger(ledgerRef, company: company, on: req.db), visibility.allows(ledger: ledger.id) {
                select.where(SQLQueryString(
                    "EXISTS (SELECT 1 FROM voucher_entries e WHERE e.voucher_id = vouchers.id AND e.superseded = \(bind: false) AND e.ledger_id = \(bind: ledger.id))"))
            } else { errors.append(.init(field: "ledger", message: "no ledger '\(ledgerRef)'")) }
        }
        if let status = req.query[String.self, at: "status"] {
            if ["active", "optional", "cancelled"].contains(status) { select.where("status", .equal, status) }
            else { errors.append(.init(field: "status", message: "must be active, optional or cancelled")) }
        }
        if let raw = req.query[String.self, at: "postDated"] {
            if let flag = Bool(raw) { select.where("post_dated", .equal, flag) }
            else { errors.append(.init(field: "postDated", message: "must be true or false")) }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let ids = try await select.orderBy("date", .descending).orderBy("number", .descending)
            .limit(paging.limit + 1).offset(paging.offset).all(decoding: ListRow.self)
        var items: [VoucherDTO] = []
        for row in ids.prefix(paging.limit) { items.append(try await load(row.id.uuidString, company: company, on: req.db)) }
        return Page(items: items, nextCursor: paging.next(fetched: ids.count))
    }
}

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
            return try await VoucherPosting.replace(before, with: body, action: "voucher.amend", company: context.companyID, actor: actor, on: db)
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
            return try await VoucherPosting.replace(before, with: body, action: "voucher.regularise", company: context.companyID, actor: actor, on: db)
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
            return try await VoucherPosting.cancel(reference, company: context.companyID, actor: actor, on: db)
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

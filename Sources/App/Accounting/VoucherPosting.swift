import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// The one way a voucher reaches the books: API, web form, batch, import and demo all end here. Runs inside the
/// caller's write transaction, so vouchers, entries, day totals, bills and audit entries land together.
enum VoucherPosting {
    /// A voucher that passed every check and is ready to write.
    struct Prepared {
        var type: VoucherTypeRow
        var date: CalendarDate
        var fyStart: CalendarDate
        var lines: [(UUID, VoucherLine)]
        var total: Int64
        var allocations: [PlannedAllocation]
        var manualNumber: String?
        var narration: String?
        var reference: String?
        var optional: Bool
        var postDated: Bool
        /// A number already reserved from the type's series by the caller (an invoice needs it for its bill).
        var presetNumber: String? = nil

        /// Optional vouchers are kept with their lines and bills but add nothing to the books.
        var status: String { cancelled ? "cancelled" : optional ? "optional" : "active" }
        /// Written as cancelled (a voucher Tally kept cancelled, with its number); like an optional one it adds nothing.
        var cancelled = false
    }

    static func post(_ body: VoucherRequest, company: UUID, by member: CompanyContext? = nil, actor: AuditActor, on db: any Database) async throws -> VoucherDTO {
        let context = try await PostingContext(company: company, on: db)
        context.member = member
        let prepared = try await prepare(body, context: context, on: db)
        return try await write([prepared], context: context, actor: actor, on: db)[0]
    }

    /// Posts many vouchers in the caller's transaction with a handful of statements per chunk; every invalid
    /// voucher is reported with its index and nothing is written unless all are valid.
    static func postMany(_ bodies: [VoucherRequest], company: UUID, by member: CompanyContext? = nil, actor: AuditActor,
                         on db: any Database) async throws -> [VoucherDTO] {
        let context = try await PostingContext(company: company, preload: true, on: db)
        context.member = member
        var prepared: [Prepared] = []
        var errors: [APIError.FieldError] = []
        var invalid = 0
        for (i, body) in bodies.enumerated() {
            do {
                prepared.append(try await prepare(body, context: context, on: db))
            } catch let e as APIError where e.status == .forbidden {
                throw APIError.forbidden("vouchers[\(i)]: \(e.message)")
            } catch let e as APIError where e.status.code < 500 {
                invalid += 1
                let fields = e.fields.isEmpty ? [APIError.FieldError(field: "", message: e.message)] : e.fields
                errors += fields.map { .init(field: "vouchers[\(i)]" + ($0.field.isEmpty ? "" : "." + $0.field), message: $0.message) }
            }
        }
        guard errors.isEmpty else {
            var e = APIError.validation(errors)
            e.message = "\(invalid) of \(bodies.count) vouchers are invalid; none was posted"
            throw e
        }
        var out: [VoucherDTO] = []
        for start in stride(from: 0, to: prepared.count, by: 2_000) {
            out += try await write(Array(prepared[start..<min(start + 2_000, prepared.count)]), context: context, actor: actor, on: db)
        }
        return out
    }

    /// Every check a voucher must pass, collected into one 422 (or the 409 of a locked period). Bills it creates or
    /// settles are recorded in the context, so the next voucher of the same transaction sees them.
    static func prepare(_ body: VoucherRequest, context: PostingContext, amending: UUID? = nil, on db: any Database) async throws -> Prepared {
        var errors: [APIError.FieldError] = []
        context.pendingSettlements = [:]
        let type = context.type(body.type)
        if type == nil { errors.append(.init(field: "type", message: "no voucher type '\(body.type)' in this company")) }
        if let type, let member = context.member { try member.require(VoucherClass(type.kind)) }

        guard let date = CalendarDate(body.date) else { throw APIError.validation(field: "date", "must be " + CalendarDate.acceptedDescription) }
        if date < context.booksBeginning {
            errors.append(.init(field: "date", message: "is before the books begin (\(context.booksBeginning))"))
        }
        try PeriodLocks.check(date: date, against: context.lock)
        if body.postDated == true, date <= context.today {
            errors.append(.init(field: "postDated", message: "a post-dated voucher must be dated after today (\(context.today))"))
        }

        // Resolve every line, reporting each bad one by its index.
        var lines: [(row: LedgerRow, line: VoucherLine)] = []
        var allocations: [PlannedAllocation] = []
        for (i, entry) in body.entries.enumerated() {
            let field = "entries[\(i)]"
            let reference = entry.ledgerId ?? entry.ledger
            if (entry.ledger == nil) == (entry.ledgerId == nil) {
                errors.append(.init(field: field + ".ledger", message: "give exactly one of ledger (name) or ledgerId"))
            }
            if (entry.debit == nil) == (entry.credit == nil) {
                errors.append(.init(field: field, message: "give exactly one of debit or credit"))
                continue
            }
            let side: Side = entry.debit != nil ? .debit : .credit
            let amountField = field + (side == .debit ? ".debit" : ".credit")
            var amount = Money.zero
            do {
                amount = try Money(parsing: entry.debit ?? entry.credit ?? "")
                if amount.paise <= 0 { errors.append(.init(field: amountField, message: "must be more than zero")) }
            } catch {
                errors.append(.init(field: amountField, message: error.description))
            }
            guard let reference, let ledger = try await context.ledger(reference, on: db) else {
                if let reference { errors.append(.init(field: field + ".ledger", message: "no ledger '\(reference)' in this company")) }
                continue
            }
            guard ledger.active else {
                errors.append(.init(field: field + ".ledger", message: "'\(ledger.name)' is deactivated"))
                continue
            }
            let role = context.groups[ledger.group_id]?.role ?? .other
            if amount.paise > 0 {
                allocations += try await Bills.plan(entry.bills, for: ledger, line: lines.count, side: side, amount: amount, date: date,
                                                    field: field, context: context, on: db, errors: &errors)
            }
            lines.append((ledger, VoucherLine(ledgerName: ledger.name, role: role, side: side, amount: amount)))
        }
        guard errors.isEmpty, let type else { throw APIError.validation(errors) }
        let issues = VoucherRules.check(kind: type.kind, lines: lines.map(\.line))
        guard issues.isEmpty else { throw APIError.validation(issues.map { .init(field: $0.field, message: $0.message) }) }

        let fyStart = date.financialYearStart(month: context.fyMonth)
        try await checkNumbering(type: type, manual: body.number, fyStart: fyStart, context: context, amending: amending, on: db)
        try Bills.commit(&allocations, date: date, context: context)
        // Within the limit: `VoucherRules.check` summed the same debits with checked arithmetic.
        let total = try Checked.sum(lines.filter { $0.line.side == .debit }.map(\.line.amount.paise))
        return Prepared(type: type, date: date, fyStart: fyStart, lines: lines.map { ($0.row.id, $0.line) }, total: total,
                        allocations: allocations, manualNumber: body.number, narration: body.narration, reference: body.reference,
                        optional: body.optional ?? false, postDated: body.postDated ?? false)
    }

    /// Manual numbers must be given and unused; automatic ones must be left out.
    static func checkNumbering(type: VoucherTypeRow, manual: String?, fyStart: CalendarDate, context: PostingContext,
                               amending: UUID? = nil, on db: any Database) async throws {
        guard !type.automatic else {
            if manual != nil { throw APIError.validation(field: "number", "\(type.name) vouchers are numbered automatically; leave number out") }
            return
        }
        guard let manual, !manual.isEmpty else {
            throw APIError.validation(field: "number", "is required: \(type.name) vouchers are numbered by hand")
        }
        if type.kind.isGSTDocument, let problem = GSTDocumentNumber.problem(manual) { throw APIError.validation(field: "number", problem) }
        struct Row: Decodable { var id: UUID }
        let key = "\(type.id)|\(fyStart)|\(manual)"
        let taken = try await db.sql().raw("""
            SELECT id FROM vouchers WHERE voucher_type_id = \(bind: type.id) AND fy_start = \(bind: fyStart.description)
            AND number = \(bind: manual) AND id <> \(bind: amending ?? UUID())
            """).first(decoding: Row.self) != nil
        guard !taken, context.manualNumbers.insert(key).inserted else {
            throw APIError.validation(field: "number", "'\(manual)' is already used by another \(type.name) voucher this year")
        }
    }

    /// Gap-free numbering: each series row is bumped once per chunk inside the posting transaction, so two posts
    /// never share a number and a failed post gives its numbers back by rolling back.
    static func reserveNumbers(type: UUID, fyStart: CalendarDate, count: Int, on sql: any SQLDatabase) async throws -> Int64 {
        struct Series: Decodable { var last_number: Int64 }
        // Make sure the year's series exists (a concurrent first post waits here for the other to commit), then
        // bump it: the UPDATE takes the row lock, so concurrent posts queue rather than share a number.
        try await sql.raw("""
            INSERT INTO voucher_series (voucher_type_id, fy_start, last_number)
            VALUES (\(bind: type), \(bind: fyStart.description), 0)
            ON CONFLICT (voucher_type_id, fy_start) DO NOTHING
            """).run()
        guard let last = try await sql.raw("""
            UPDATE voucher_series SET last_number = last_number + \(bind: Int64(count))
            WHERE voucher_type_id = \(bind: type) AND fy_start = \(bind: fyStart.description)
            RETURNING last_number
            """).first(decoding: Series.self)?.last_number
        else { throw Abort(.internalServerError, reason: "voucher series vanished") }
        return last - Int64(count) + 1
    }

    /// Writes prepared vouchers with multi-row statements: vouchers, entries, bills, allocations, day totals, audit.
    static func write(_ prepared: [Prepared], context: PostingContext, actor: AuditActor, on db: any Database) async throws -> [VoucherDTO] {
        let sql = db.sql()
        var firstNumber: [String: Int64] = [:]
        var counts: [String: (UUID, CalendarDate, Int)] = [:]
        for p in prepared where p.type.automatic && p.presetNumber == nil {
            let key = "\(p.type.id)|\(p.fyStart)"
            let c = counts[key] ?? (p.type.id, p.fyStart, 0)
            counts[key] = (c.0, c.1, c.2 + 1)
        }
        for (key, c) in counts.sorted(by: { $0.key < $1.key }) {
            firstNumber[key] = try await reserveNumbers(type: c.0, fyStart: c.1, count: c.2, on: sql)
        }
        var vouchers: [VoucherRow] = []
        var entries: [EntryRow] = []
        var allocations: [AllocationRow] = []
        var newBills: [BillRow] = []
        var dayTotals: [String: DayTotalRow] = [:]
        var dtos: [VoucherDTO] = []
        for p in prepared {
            var number = p.presetNumber ?? p.manualNumber ?? ""
            if p.type.automatic && p.presetNumber == nil {
                let key = "\(p.type.id)|\(p.fyStart)"
                guard let n = firstNumber[key] else { throw APIError.conflict("The \(p.type.name) series could not be numbered; try again.") }
                firstNumber[key] = n + 1
                number = try p.type.checkedNumber(n, fyStart: p.fyStart)
            }
            let v = VoucherRow(id: .timeOrdered(), company_id: context.companyID, voucher_type_id: p.type.id, kind: p.type.kind, number: number,
                               date: p.date.description, fy_start: p.fyStart.description, narration: p.narration, reference: p.reference,
                               status: p.status, total_paise: p.total, created_by: actor.userID, post_dated: p.postDated)
            vouchers.append(v)
            entries += entryRows(voucher: v, lines: p.lines)
            for (ledger, line) in p.lines where !p.optional {
                let key = "\(ledger)|\(p.date)"
                var t = dayTotals[key] ?? DayTotalRow(company_id: context.companyID, ledger_id: ledger, date: p.date.description, debit_paise: 0, credit_paise: 0)
                if line.side == .debit { t.debit_paise += line.amount.paise } else { t.credit_paise += line.amount.paise }
                dayTotals[key] = t
            }
            newBills += p.allocations.compactMap(\.newBill)
            allocations += allocationRows(p, voucher: v.id, company: context.companyID)
            dtos.append(makeDTO(v, typeName: p.type.name, lines: p.lines, allocations: p.allocations))
        }
        // The audit entries first, so each voucher row is written with the hash of the entry that records it.
        let audited = try await AuditLog.appendMany(try dtos.map { dto in
            AuditEvent(companyID: context.companyID, action: "voucher.create", entityType: "voucher", entityID: dto.id.uuidString.lowercased(),
                       after: try JSONValue(encoding: dto))
        }, by: actor, on: db)
        for (i, entry) in zip(vouchers.indices, audited) { vouchers[i].audit_hash = entry.hash }
        try await insert(vouchers, into: "vouchers", on: sql)
        // Vouchers written cancelled (a Tally import keeps them so its numbering has no unexplained gap) say when.
        let cancelled = zip(prepared, vouchers).filter { $0.0.cancelled }.map(\.1.id)
        if !cancelled.isEmpty {
            try await sql.raw("UPDATE vouchers SET cancelled_at = \(bind: Date()) WHERE id IN (\(binds: cancelled))").run()
        }
        try await insert(entries, into: "voucher_entries", on: sql)
        try await Bills.save(newBills, on: sql)
        try await insert(allocations, into: "bill_allocations", on: sql)
        try await Bills.refreshOutstanding(Set(allocations.compactMap(\.bill_id)), on: sql)
        try await DayTotals.upsert(Array(dayTotals.values), on: sql)
        return dtos
    }

    /// Rows of the hot tables are bound straight to their statements (`BoundRows`).
    static func insert<Row: BoundRow>(_ rows: [Row], into table: String, on sql: any SQLDatabase) async throws {
        try await BoundRows.insert(rows, into: table, on: sql)
    }

    static func insert<Row: Encodable & Sendable>(_ rows: [Row], into table: String, on sql: any SQLDatabase) async throws {
        // One statement per 500 rows keeps well under every bind-parameter limit.
        for start in stride(from: 0, to: rows.count, by: 500) {
            try await sql.insert(into: table).models(Array(rows[start..<min(start + 500, rows.count)]), nilEncodingStrategy: .asNil).run()
        }
    }

    struct EntryRow: Codable, BoundRow {
        var id: UUID; var company_id: UUID; var voucher_id: UUID; var line_no: Int; var ledger_id: UUID; var amount_paise: Int64
        var superseded = false
        /// The voucher's date and number, repeated so statements read in index order.
        var date: String; var number: String

        static let columns = ["id", "company_id", "voucher_id", "line_no", "ledger_id", "amount_paise", "superseded", "date", "number"]
        var values: [BoundValue] {
            [.uuid(id), .uuid(company_id), .uuid(voucher_id), .int(Int64(line_no)), .uuid(ledger_id), .int(amount_paise), .bool(superseded),
             .text(date), .text(number)]
        }
    }

    struct AllocationRow: Codable, BoundRow {
        var id: UUID; var company_id: UUID; var voucher_id: UUID; var ledger_id: UUID; var bill_id: UUID?; var type: String
        var amount_paise: Int64; var superseded: Bool; var line_no: Int?

        static let columns = ["id", "company_id", "voucher_id", "ledger_id", "bill_id", "type", "amount_paise", "superseded", "line_no"]
        var values: [BoundValue] {
            [.uuid(id), .uuid(company_id), .uuid(voucher_id), .uuid(ledger_id), BoundValue(bill_id), .text(type), .int(amount_paise),
             .bool(superseded), BoundValue(line_no)]
        }
    }

    struct DayTotalRow: Codable, BoundRow {
        var company_id: UUID; var ledger_id: UUID; var date: String; var debit_paise: Int64; var credit_paise: Int64
        static let columns = ["company_id", "ledger_id", "date", "debit_paise", "credit_paise"]
        var values: [BoundValue] { [.uuid(company_id), .uuid(ledger_id), .text(date), .int(debit_paise), .int(credit_paise)] }
    }

    static func allocationRows(_ p: Prepared, voucher: UUID, company: UUID) -> [AllocationRow] {
        p.allocations.map { a in
            AllocationRow(id: .timeOrdered(), company_id: company, voucher_id: voucher, ledger_id: a.ledgerID, bill_id: a.billID,
                          type: a.type.rawValue, amount_paise: a.signedAmount, superseded: false, line_no: a.line)
        }
    }

    static func entryRows(voucher: VoucherRow, lines: [(UUID, VoucherLine)]) -> [EntryRow] {
        lines.enumerated().map { i, l in
            EntryRow(id: .timeOrdered(), company_id: voucher.company_id, voucher_id: voucher.id, line_no: i, ledger_id: l.0,
                     amount_paise: l.1.side == .debit ? l.1.amount.paise : -l.1.amount.paise, date: voucher.date, number: voucher.number)
        }
    }

    /// `sales` and `Sales` both name the built-in type; any other text is a user-defined type's name.
    static func typeKey(_ reference: String) -> String {
        VoucherKind(rawValue: reference).map { Chart.nameKey($0.displayName) } ?? Chart.nameKey(reference)
    }

    static func voucherType(_ reference: String, company: UUID, on db: any Database) async throws -> VoucherTypeRow? {
        try await db.sql().raw("""
            SELECT * FROM voucher_types WHERE company_id = \(bind: company) AND name_key = \(bind: typeKey(reference))
            """).first(decoding: VoucherTypeRow.self)
    }

    static func insertEntries(voucher: VoucherRow, lines: [(UUID, VoucherLine)], on sql: any SQLDatabase) async throws {
        try await insert(entryRows(voucher: voucher, lines: lines), into: "voucher_entries", on: sql)
    }

    /// The API's view of a voucher; each entry lists its bill allocations (unsigned, as they are entered).
    static func makeDTO(_ v: VoucherRow, typeName: String, lines: [(UUID, VoucherLine)], allocations: [PlannedAllocation]) -> VoucherDTO {
        VoucherDTO(
            id: v.id, type: typeName, kind: v.kind, number: v.number, date: v.date, narration: v.narration, reference: v.reference,
            status: v.status, postDated: v.post_dated, total: Money(paise: v.total_paise).description,
            entries: lines.enumerated().map { i, l in
                let bills = allocations.filter { $0.line == i }.map {
                    BillInput(type: $0.type, reference: $0.reference, amount: Money(paise: abs($0.signedAmount)).description,
                              dueDate: $0.dueDate?.description)
                }
                return .init(ledgerId: l.0, ledger: l.1.ledgerName, debit: l.1.side == .debit ? l.1.amount.description : nil,
                             credit: l.1.side == .credit ? l.1.amount.description : nil, bills: bills.isEmpty ? nil : bills)
            })
    }
}

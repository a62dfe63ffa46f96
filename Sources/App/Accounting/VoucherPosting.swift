import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// The one way a voucher reaches the books: API, web form, import and webhook all end here. Runs inside the
/// caller's write transaction, so the voucher, its entries, the day totals and the audit entry land together.
enum VoucherPosting {
    /// A voucher that passed every check and is ready to write.
    struct Prepared {
        var type: VoucherTypeRow
        var date: CalendarDate
        var fyStart: CalendarDate
        var lines: [(UUID, VoucherLine)]
        var total: Int64
        var allocations: [PlannedAllocation]
    }

    static func post(_ body: VoucherRequest, company: UUID, actor: AuditActor, on db: any Database) async throws -> VoucherDTO {
        let p = try await prepare(body, company: company, on: db)
        let number = try await assignNumber(type: p.type, manual: body.number, fyStart: p.fyStart, on: db)
        let voucher = VoucherRow(
            id: UUID(), company_id: company, voucher_type_id: p.type.id, kind: p.type.kind, number: number, date: p.date.description,
            fy_start: p.fyStart.description, narration: body.narration, reference: body.reference, status: "active",
            total_paise: p.total, created_by: actor.userID)
        let sql = db.sql()
        try await sql.insert(into: "vouchers").model(voucher).run()
        try await insertEntries(voucher: voucher, lines: p.lines, on: sql)
        try await DayTotals.apply(p.lines, date: p.date, company: company, sign: 1, on: sql)
        try await Bills.write(p.allocations, voucher: voucher.id, date: p.date, company: company, on: db)
        let dto = makeDTO(voucher, typeName: p.type.name, lines: p.lines)
        try await AuditLog.append(
            AuditEvent(companyID: company, action: "voucher.create", entityType: "voucher", entityID: voucher.id.uuidString.lowercased(),
                       after: try JSONValue(encoding: dto)), by: actor, on: db)
        return dto
    }

    /// Every check a voucher must pass, collected into one 422 (or the 409 of a locked period).
    static func prepare(_ body: VoucherRequest, company: UUID, on db: any Database) async throws -> Prepared {
        guard let companyRow = try await Company.find(company, on: db) else { throw APIError.notFound("Company") }
        var errors: [APIError.FieldError] = []

        let type = try await voucherType(body.type, company: company, on: db)
        if type == nil { errors.append(.init(field: "type", message: "no voucher type '\(body.type)' in this company")) }

        let date = CalendarDate(body.date)!  // the schema checked the format
        if date < CalendarDate(companyRow.booksBeginning)! {
            errors.append(.init(field: "date", message: "is before the books begin (\(companyRow.booksBeginning))"))
        }
        try await PeriodLocks.check(date: date, company: company, on: db)

        // Resolve every line, reporting each bad one by its index.
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: company, on: db).map { ($0.id, $0) })
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
            guard let reference, let ledger = try await Chart.ledger(reference, company: company, on: db) else {
                if let reference { errors.append(.init(field: field + ".ledger", message: "no ledger '\(reference)' in this company")) }
                continue
            }
            guard ledger.active else {
                errors.append(.init(field: field + ".ledger", message: "'\(ledger.name)' is deactivated"))
                continue
            }
            let role = groups[ledger.group_id]?.role ?? .other
            lines.append((ledger, VoucherLine(ledgerName: ledger.name, role: role, side: side, amount: amount)))
            if amount.paise > 0 {
                allocations += try await Bills.plan(entry.bills, for: ledger, side: side, amount: amount, date: date, field: field,
                                                    company: company, on: db, errors: &errors)
            }
        }
        guard errors.isEmpty, let type else { throw APIError.validation(errors) }
        let issues = VoucherRules.check(kind: type.kind, lines: lines.map(\.line))
        guard issues.isEmpty else { throw APIError.validation(issues.map { .init(field: $0.field, message: $0.message) }) }

        let fyStart = date.financialYearStart(month: CalendarDate(companyRow.financialYearStart)!.month)
        let total = lines.filter { $0.line.side == .debit }.reduce(Int64(0)) { $0 + $1.line.amount.paise }
        return Prepared(type: type, date: date, fyStart: fyStart, lines: lines.map { ($0.row.id, $0.line) }, total: total,
                        allocations: allocations)
    }

    static func voucherType(_ reference: String, company: UUID, on db: any Database) async throws -> VoucherTypeRow? {
        // `sales` and `Sales` both name the built-in type; any other text is a user-defined type's name.
        let key = VoucherKind(rawValue: reference).map { Chart.nameKey($0.displayName) } ?? Chart.nameKey(reference)
        return try await db.sql().raw("""
            SELECT * FROM voucher_types WHERE company_id = \(bind: company) AND name_key = \(bind: key)
            """).first(decoding: VoucherTypeRow.self)
    }

    /// Gap-free numbering: the series row is read and bumped inside the posting transaction, so two posts can
    /// never take the same number and a failed post gives its number back by rolling back.
    static func assignNumber(type: VoucherTypeRow, manual: String?, fyStart: CalendarDate, on db: any Database) async throws -> String {
        let sql = db.sql()
        if !type.automatic {
            guard let manual, !manual.isEmpty else {
                throw APIError.validation(field: "number", "is required: \(type.name) vouchers are numbered by hand")
            }
            struct Row: Decodable { var id: UUID }
            if try await sql.raw("""
                SELECT id FROM vouchers WHERE voucher_type_id = \(bind: type.id) AND fy_start = \(bind: fyStart.description)
                AND number = \(bind: manual)
                """).first(decoding: Row.self) != nil
            {
                throw APIError.validation(field: "number", "'\(manual)' is already used by another \(type.name) voucher this year")
            }
            return manual
        }
        if manual != nil {
            throw APIError.validation(field: "number", "\(type.name) vouchers are numbered automatically; leave number out")
        }
        struct Series: Decodable { var last_number: Int64 }
        // Make sure the year's series exists (a concurrent first post waits here for the other to commit), then
        // bump it: the UPDATE takes the row lock, so concurrent posts queue rather than share a number.
        try await sql.raw("""
            INSERT INTO voucher_series (voucher_type_id, fy_start, last_number)
            VALUES (\(bind: type.id), \(bind: fyStart.description), 0)
            ON CONFLICT (voucher_type_id, fy_start) DO NOTHING
            """).run()
        guard let next = try await sql.raw("""
            UPDATE voucher_series SET last_number = last_number + 1
            WHERE voucher_type_id = \(bind: type.id) AND fy_start = \(bind: fyStart.description)
            RETURNING last_number
            """).first(decoding: Series.self)?.last_number
        else { throw Abort(.internalServerError, reason: "voucher series vanished") }
        return VoucherNumbering.format(prefix: type.prefix, suffix: type.suffix, width: type.width, fyStart: fyStart, sequence: next)
    }

    static func insertEntries(voucher: VoucherRow, lines: [(UUID, VoucherLine)], on sql: any SQLDatabase) async throws {
        struct EntryRow: Codable {
            var id: UUID; var company_id: UUID; var voucher_id: UUID; var line_no: Int; var ledger_id: UUID; var amount_paise: Int64
            var superseded = false
        }
        // Multi-row inserts in chunks: one statement per 500 lines instead of one per line.
        let rows = lines.enumerated().map { i, l in
            EntryRow(id: UUID(), company_id: voucher.company_id, voucher_id: voucher.id, line_no: i, ledger_id: l.0,
                     amount_paise: l.1.side == .debit ? l.1.amount.paise : -l.1.amount.paise)
        }
        for start in stride(from: 0, to: rows.count, by: 500) {
            try await sql.insert(into: "voucher_entries").models(Array(rows[start..<min(start + 500, rows.count)])).run()
        }
    }

    static func makeDTO(_ v: VoucherRow, typeName: String, lines: [(UUID, VoucherLine)]) -> VoucherDTO {
        VoucherDTO(
            id: v.id, type: typeName, kind: v.kind, number: v.number, date: v.date, narration: v.narration, reference: v.reference,
            status: v.status, total: Money(paise: v.total_paise).description,
            entries: lines.map { id, line in
                .init(ledgerId: id, ledger: line.ledgerName, debit: line.side == .debit ? line.amount.description : nil,
                      credit: line.side == .credit ? line.amount.description : nil)
            })
    }
}

/// Per-ledger per-day debit and credit totals, maintained with every posting and cancellation so reports read
/// O(ledgers × days with activity) rows instead of every entry.
enum DayTotals {
    static func apply(_ lines: [(UUID, VoucherLine)], date: CalendarDate, company: UUID, sign: Int64, on sql: any SQLDatabase) async throws {
        var byLedger: [UUID: (debit: Int64, credit: Int64)] = [:]
        for (ledger, line) in lines {
            var t = byLedger[ledger] ?? (0, 0)
            if line.side == .debit { t.debit += line.amount.paise } else { t.credit += line.amount.paise }
            byLedger[ledger] = t
        }
        for (ledger, t) in byLedger.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            try await sql.raw("""
                INSERT INTO ledger_day_totals (company_id, ledger_id, date, debit_paise, credit_paise)
                VALUES (\(bind: company), \(bind: ledger), \(bind: date.description), \(bind: sign * t.debit), \(bind: sign * t.credit))
                ON CONFLICT (ledger_id, date) DO UPDATE SET
                    debit_paise = ledger_day_totals.debit_paise + excluded.debit_paise,
                    credit_paise = ledger_day_totals.credit_paise + excluded.credit_paise
                """).run()
        }
    }
}

import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// Bill-wise references on party ledgers, as in Tally: a sale creates a bill (`new`), a receipt settles it
/// (`against`), money before a bill is an `advance`, and anything unmatched is `on-account`.
/// A bill's outstanding is the sum of its allocations from active vouchers, so cancelling or amending a voucher
/// re-opens what it settled without touching the bill.
enum BillType: String, Codable, Sendable, CaseIterable {
    case new, against, advance
    case onAccount = "on-account"
}

struct BillInput: Codable, Sendable {
    var type: BillType
    var reference: String?
    var amount: String
    var dueDate: String?

    static let schema = Schema.ref("BillAllocationInput", .object([
        .required("type", .oneOf(BillType.self)),
        .optional("reference", .string(.init(minLength: 1, maxLength: 100))),
        .required("amount", .string(.init(minLength: 1, maxLength: 20))),
        .optional("dueDate", .date),
    ]))
}

/// A checked allocation, ready to write once the voucher exists.
struct PlannedAllocation: Sendable {
    var ledgerID: UUID
    /// The voucher line (0-based) the allocation belongs to.
    var line: Int
    var type: BillType
    var reference: String?
    var signedAmount: Int64
    var billID: UUID?
    var dueDate: CalendarDate?
    /// Set when this allocation brings a bill into existence (or revives a reference freed by a cancellation).
    var newBill: BillRow?
}

struct BillRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var ledger_id: UUID
    var reference: String
    var date: String
    var due_date: String
    /// A freed reference keeps its row; only its dates change.
    var reuse = false

    enum CodingKeys: String, CodingKey { case id, company_id, ledger_id, reference, date, due_date }
}

enum Bills {
    /// Checks one entry's bill allocations and returns what to write; problems are reported against `field`.
    static func plan(_ inputs: [BillInput]?, for ledger: LedgerRow, line: Int, side: Side, amount: Money, date: CalendarDate, field: String,
                     context: PostingContext, on db: any Database, errors: inout [APIError.FieldError]) async throws -> [PlannedAllocation]
    {
        guard ledger.bill_wise else {
            if inputs?.isEmpty == false { errors.append(.init(field: field + ".bills", message: "'\(ledger.name)' is not maintained bill-wise")) }
            return []
        }
        let sign: Int64 = side == .debit ? 1 : -1
        // No allocation given: the whole amount goes on account, as Tally does when bills are skipped.
        guard let inputs, !inputs.isEmpty else {
            return [PlannedAllocation(ledgerID: ledger.id, line: line, type: .onAccount, signedAmount: sign * amount.paise)]
        }
        var planned: [PlannedAllocation] = []
        var total: Int64 = 0
        var seen = Set<String>()
        for (j, input) in inputs.enumerated() {
            let f = "\(field).bills[\(j)]"
            guard let money = try? Money(parsing: input.amount), money.paise > 0 else {
                errors.append(.init(field: f + ".amount", message: "must be a positive amount with at most two decimals"))
                continue
            }
            // Each allocation is within the money limit; thousands of them are not, and must not wrap (or trap).
            guard let sum = try? Checked.add(total, money.paise) else {
                errors.append(.init(field: field + ".bills", message: "add up to more than the limit of \(Money.limitText)"))
                return []
            }
            total = sum
            var a = PlannedAllocation(ledgerID: ledger.id, line: line, type: input.type, reference: input.reference, signedAmount: sign * money.paise)
            switch input.type {
            case .onAccount:
                break
            case .new, .advance:
                guard let reference = input.reference else { errors.append(.init(field: f + ".reference", message: "is required for a new bill")); continue }
                guard seen.insert(reference.lowercased()).inserted else {
                    errors.append(.init(field: f + ".reference", message: "'\(reference)' appears twice in this voucher")); continue
                }
                if let existing = try await context.bill(reference, ledger: ledger.id, on: db), existing.hasOrigin || existing.outstanding != 0 {
                    errors.append(.init(field: f + ".reference", message: "bill '\(reference)' already exists for \(ledger.name)")); continue
                }
                if let raw = input.dueDate {
                    a.dueDate = CalendarDate(raw)
                } else {
                    a.dueDate = date.adding(days: ledger.credit_period_days ?? 0)
                }
            case .against:
                guard let reference = input.reference else { errors.append(.init(field: f + ".reference", message: "is required to settle a bill")); continue }
                guard let existing = try await context.bill(reference, ledger: ledger.id, on: db),
                    let outstanding = try? Checked.add(existing.outstanding, context.pendingSettlements[existing.id, default: 0]), outstanding != 0
                else {
                    errors.append(.init(field: f + ".reference", message: "no open bill '\(reference)' of \(ledger.name)")); continue
                }
                // Settling moves the outstanding towards zero and never past it (so the pending sum stays within it).
                if outstanding.signum() == a.signedAmount.signum() {
                    errors.append(.init(field: f + ".amount", message: "bill '\(reference)' is on the same side; settle it from the other side"))
                    continue
                } else if a.signedAmount.magnitude > outstanding.magnitude {
                    errors.append(.init(field: f + ".amount", message: "is more than the \(Money(paise: Int64(clamping: outstanding.magnitude))) still open on bill '\(reference)'"))
                    continue
                }
                a.billID = existing.id
                context.pendingSettlements[existing.id] = try Checked.add(context.pendingSettlements[existing.id, default: 0], a.signedAmount)
            }
            planned.append(a)
        }
        if total != amount.paise {
            errors.append(.init(field: field + ".bills", message: "allocations add up to \(Money(paise: total)) but the entry is \(amount)"))
        }
        return planned
    }

    struct Known: Decodable { var id: UUID; var ledger_id: UUID; var reference: String; var outstanding: Int64; var origins: Int64 }

    /// Every bill of a party (or the one with `reference`) with its outstanding and whether an active voucher still creates it.
    static func all(ledger: UUID, reference: String? = nil, on db: any Database) async throws -> [Known] {
        let only: SQLQueryString = reference.map { "AND LOWER(b.reference) = \(bind: $0.lowercased())" } ?? ""
        return try await known(where: "b.ledger_id = \(bind: ledger) \(only)", on: db)
    }

    /// The bills named by (party, reference) pairs, in one query (a chunk of imported vouchers asks for many).
    static func named(_ pairs: [(ledger: UUID, reference: String)], on db: any Database) async throws -> [Known] {
        guard !pairs.isEmpty else { return [] }
        let wanted = Set(pairs.map { "\($0.ledger)|\($0.reference.lowercased())" })
        return try await known(where: """
            b.ledger_id IN (\(binds: Array(Set(pairs.map(\.ledger))))) AND LOWER(b.reference) IN (\(binds: Array(Set(pairs.map { $0.reference.lowercased() }))))
            """, on: db).filter { wanted.contains("\($0.ledger_id)|\($0.reference.lowercased())") }
    }

    /// Bills with their kept balance (maintained by every post, amend and cancel, checked by `verify-books`) and
    /// whether anything opened them: an opening amount, or an active new-ref or advance.
    private static func known(where condition: SQLQueryString, on db: any Database) async throws -> [Known] {
        try await db.sql().raw("""
            SELECT b.id, b.ledger_id, b.reference, b.outstanding_paise AS outstanding,
                   CAST(CASE WHEN b.opening_paise <> 0 OR EXISTS (
                       SELECT 1 FROM bill_allocations a JOIN vouchers v ON v.id = a.voucher_id
                       WHERE a.bill_id = b.id AND a.superseded = \(bind: false) AND a.type IN ('new', 'advance') AND v.status = 'active'
                   ) THEN 1 ELSE 0 END AS BIGINT) AS origins
            FROM bills b
            WHERE \(condition)
            """).all(decoding: Known.self)
    }

    /// Records an accepted voucher's allocations in the context (so later vouchers of the transaction see the
    /// bills it opened or settled) and gives every new bill its row.
    static func commit(_ planned: inout [PlannedAllocation], date: CalendarDate, context: PostingContext) throws {
        for i in planned.indices {
            let a = planned[i]
            guard let reference = a.reference, a.type != .onAccount else { continue }
            var state = context.cached(reference, ledger: a.ledgerID)
            if a.type == .new || a.type == .advance {
                let id = state?.id ?? .timeOrdered()
                planned[i].billID = id
                planned[i].newBill = BillRow(id: id, company_id: context.companyID, ledger_id: a.ledgerID, reference: reference,
                                             date: date.description, due_date: (a.dueDate ?? date).description,
                                             reuse: state?.existsInDatabase == true)
                state = PostingContext.BillState(id: id, ledgerID: a.ledgerID, reference: reference, outstanding: try Checked.add(state?.outstanding ?? 0, a.signedAmount),
                                                 hasOrigin: true, existsInDatabase: state?.existsInDatabase ?? false)
            } else if var s = state {
                s.outstanding = try Checked.add(s.outstanding, a.signedAmount)
                state = s
            }
            if let state { context.record(state) }
        }
    }

    /// Bills a party owed at books-beginning (imported from Tally's ledger masters): signed debit positive.
    struct OpeningBill: Sendable { var reference: String; var date: CalendarDate; var dueDate: CalendarDate; var signedAmount: Int64 }

    static func saveOpening(_ bills: [OpeningBill], ledger: UUID, company: UUID, on sql: any SQLDatabase) async throws {
        for b in bills {
            try await sql.raw("""
                INSERT INTO bills (id, company_id, ledger_id, reference, date, due_date, opening_paise, outstanding_paise)
                VALUES (\(bind: UUID()), \(bind: company), \(bind: ledger), \(bind: b.reference), \(bind: b.date.description), \(bind: b.dueDate.description), \(bind: b.signedAmount), \(bind: b.signedAmount))
                """).run()
        }
    }

    /// Sets each bill's kept balance (`outstanding_paise`: its opening plus every allocation of an active voucher, of
    /// any date) from its allocations. Called by the posting module for the bills a write touched, so the kept figure
    /// can never drift from the allocations; `verify-books` checks that it has not.
    static func refreshOutstanding(_ bills: Set<UUID>, on sql: any SQLDatabase) async throws {
        let ids = Array(bills)
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            try await sql.raw("""
                UPDATE bills SET outstanding_paise = opening_paise + COALESCE((
                    SELECT SUM(a.amount_paise) FROM bill_allocations a JOIN vouchers v ON v.id = a.voucher_id
                    WHERE a.bill_id = bills.id AND a.superseded = \(bind: false) AND v.status = 'active'), 0)
                WHERE id IN (\(binds: chunk))
                """).run()
        }
    }

    static func save(_ bills: [BillRow], on sql: any SQLDatabase) async throws {
        for bill in bills where bill.reuse {
            try await sql.raw("UPDATE bills SET date = \(bind: bill.date), due_date = \(bind: bill.due_date) WHERE id = \(bind: bill.id)").run()
        }
        try await VoucherPosting.insert(bills.filter { !$0.reuse }, into: "bills", on: sql)
    }
}

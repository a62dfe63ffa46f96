import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

/// What posting needs to know about a company, loaded once per transaction: a thousand-voucher batch resolves
/// ledgers, types, the lock and open bills from memory, and single posts use exactly the same path.
final class PostingContext {
    struct BillState {
        var id: UUID
        var ledgerID: UUID
        var reference: String
        var outstanding: Int64
        var hasOrigin: Bool
        var existsInDatabase: Bool
    }

    let companyID: UUID
    let booksBeginning: CalendarDate
    let fyMonth: Int
    /// Today in India, the line between post-dated and current vouchers.
    let today = Format.today()
    let lock: PeriodLocks.Row?
    let groups: [UUID: GroupRow]
    private var ledgersByID: [UUID: LedgerRow] = [:]
    private var ledgersByKey: [String: LedgerRow] = [:]
    /// A batch of vouchers: each party's bills are read all at once.
    private let batch: Bool
    let typesByKey: [String: VoucherTypeRow]
    private var bills: [String: BillState?] = [:]
    private var billsLoaded = Set<UUID>()
    var manualNumbers = Set<String>()
    /// What the voucher being prepared already settles, per bill, so two `against` lines cannot together
    /// over-settle one bill. Cleared at the start of every voucher.
    var pendingSettlements: [UUID: Int64] = [:]
    /// The member entering the vouchers, when it is one (not an import, a sync or the system): each voucher's kind is
    /// checked against what their role enters.
    var member: CompanyContext?

    /// `preload` marks a batch: a party's bills are then read all at once. Everything else comes from the company's
    /// snapshot, current as of this transaction (`CompanySnapshots`); a ledger it does not know — one created later in
    /// the same transaction — is looked up in the database.
    init(company: UUID, preload: Bool = false, on db: any Database) async throws {
        guard let snapshot = try await CompanySnapshots.shared.current(company: company, on: db, miss: .load) else {
            throw APIError.notFound("Company")
        }
        companyID = company
        booksBeginning = snapshot.booksBeginning
        fyMonth = snapshot.fyMonth
        lock = snapshot.lock
        groups = snapshot.groups
        batch = preload
        ledgersByID = snapshot.ledgers
        ledgersByKey = snapshot.ledgersByKey
        typesByKey = snapshot.typesByKey
    }

    /// A ledger by id or name; a restricted one is not there for a member who may not see it, so they cannot post to it.
    func ledger(_ reference: String, on db: any Database) async throws -> LedgerRow? {
        guard let row = try await anyLedger(reference, on: db) else { return nil }
        if row.restricted, let member, !member.role.can(.ledgersRestricted) { return nil }
        return row
    }

    private func anyLedger(_ reference: String, on db: any Database) async throws -> LedgerRow? {
        if let hit = UUID(uuidString: reference).flatMap({ ledgersByID[$0] }) ?? ledgersByKey[Chart.nameKey(reference)] { return hit }
        guard let row = try await Chart.ledger(reference, company: companyID, on: db) else { return nil }
        ledgersByID[row.id] = row
        ledgersByKey[Chart.nameKey(row.name)] = row
        return row
    }

    /// Looks up, in one query, every ledger a batch names, so each is then answered from memory (a name costs two
    /// queries when asked for alone).
    func preloadLedgers(_ names: [String], on db: any Database) async throws {
        let keys = Array(Set(names.map(Chart.nameKey)).filter { ledgersByKey[$0] == nil })
        guard !keys.isEmpty else { return }
        let rows = try await db.sql().raw("""
            SELECT l.*, n.name_key AS looked_up FROM ledgers l JOIN account_names n ON n.entity_id = l.id AND n.kind = 'ledger'
            WHERE n.company_id = \(bind: companyID) AND n.name_key IN (\(binds: keys))
            """).all()
        for row in rows {
            let ledger = try row.decode(model: LedgerRow.self)
            ledgersByID[ledger.id] = ledger
            ledgersByKey[try row.decode(column: "looked_up", as: String.self)] = ledger
        }
    }

    func type(_ reference: String) -> VoucherTypeRow? { typesByKey[VoucherPosting.typeKey(reference)] }

    private func key(_ reference: String, _ ledger: UUID) -> String { ledger.uuidString + "|" + reference.lowercased() }

    /// A bill as it stands, counting what earlier vouchers of this transaction did to it. The first question about
    /// a party loads all its bills in one query, so a batch asks the database once per party, not once per bill.
    func bill(_ reference: String, ledger: UUID, on db: any Database) async throws -> BillState? {
        // A single post asks only for the bill it names: a party with thousands of bills costs one indexed lookup.
        if !batch && !billsLoaded.contains(ledger) {
            guard bills[key(reference, ledger)] == nil else { return bills[key(reference, ledger)] ?? nil }
            let found = try await Bills.all(ledger: ledger, reference: reference, on: db).first
            bills[key(reference, ledger)] = found.map {
                .some(BillState(id: $0.id, ledgerID: ledger, reference: $0.reference, outstanding: $0.outstanding, hasOrigin: $0.origins > 0,
                                existsInDatabase: true))
            } ?? .some(nil)
            return bills[key(reference, ledger)] ?? nil
        }
        if billsLoaded.insert(ledger).inserted {
            for b in try await Bills.all(ledger: ledger, on: db) where bills[key(b.reference, ledger)] == nil {
                bills[key(b.reference, ledger)] = .some(BillState(id: b.id, ledgerID: ledger, reference: b.reference,
                                                                  outstanding: b.outstanding, hasOrigin: b.origins > 0, existsInDatabase: true))
            }
        }
        return bills[key(reference, ledger)] ?? nil
    }

    /// Looks up, in one query, every bill a batch is about to name; each is then answered from memory.
    func preloadBills(_ wanted: [(ledger: UUID, reference: String)], on db: any Database) async throws {
        let missing = wanted.filter { bills[key($0.reference, $0.ledger)] == nil && !billsLoaded.contains($0.ledger) }
        guard !batch, !missing.isEmpty else { return }
        for m in missing { bills[key(m.reference, m.ledger)] = .some(nil) }
        for b in try await Bills.named(missing, on: db) {
            bills[key(b.reference, b.ledger_id)] = .some(BillState(id: b.id, ledgerID: b.ledger_id, reference: b.reference, outstanding: b.outstanding,
                                                                   hasOrigin: b.origins > 0, existsInDatabase: true))
        }
    }

    func record(_ state: BillState) { bills[key(state.reference, state.ledgerID)] = .some(state) }

    /// The bill as already looked up (nil when never looked up or known not to exist).
    func cached(_ reference: String, ledger: UUID) -> BillState? { bills[key(reference, ledger)] ?? nil }
}

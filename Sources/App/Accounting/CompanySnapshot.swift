import Fluent
import Foundation
import Ledger
import NIOConcurrencyHelpers
import SQLKit

/// What posting and the reports read about a company on nearly every call and what changes rarely: the company's
/// dates, its current lock, groups, ledgers (by id and by every name they answer to), voucher types, items with their
/// rate histories, and GST registrations.
///
/// A snapshot is exactly the company's state at one `version` (migration 043): the database changes the version in
/// the same transaction as any write to those tables, so a snapshot is used only while the version a request reads
/// is the one it was taken at. Nothing can make it stale: not a code path that forgot to invalidate, not a commit
/// on another instance.
struct CompanySnapshot: Sendable {
    let version: Int64
    let booksBeginning: CalendarDate
    let fyMonth: Int
    let lock: PeriodLocks.Row?
    /// In name order, as `Chart.groups` answers.
    let groupList: [GroupRow]
    let groups: [UUID: GroupRow]
    let groupsByKey: [String: GroupRow]
    /// In name order, as `Chart.ledgers` answers.
    let ledgerList: [LedgerRow]
    let ledgers: [UUID: LedgerRow]
    let ledgersByKey: [String: LedgerRow]
    let typesByKey: [String: VoucherTypeRow]
    let items: [UUID: ItemRow]
    let itemsByKey: [String: ItemRow]
    let itemRates: [UUID: [ItemRateRow]]
    /// Active ones, in GSTIN order, as `Registrations.all` answers.
    let registrations: [RegistrationRow]

    func ledger(_ reference: String) -> LedgerRow? {
        UUID(uuidString: reference).flatMap { ledgers[$0] } ?? ledgersByKey[Chart.nameKey(reference)]
    }

    func group(_ reference: String) -> GroupRow? {
        UUID(uuidString: reference).flatMap { groups[$0] } ?? groupsByKey[Chart.nameKey(reference)]
    }

    /// Reads the company's state in full; nil when there is no such company.
    static func load(company: UUID, version: Int64, on db: any Database) async throws -> CompanySnapshot? {
        guard let row = try await Company.find(company, on: db) else { return nil }
        let sql = db.sql()
        let groupList = try await Chart.storedGroups(company: company, on: db)
        let ledgerList = try await Chart.storedLedgers(company: company, on: db)
        let groups = Dictionary(groupList.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ledgers = Dictionary(ledgerList.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        struct Name: Decodable { var kind: String; var name_key: String; var entity_id: UUID }
        var groupsByKey: [String: GroupRow] = [:]
        var ledgersByKey: [String: LedgerRow] = [:]
        for name in try await sql.raw("SELECT kind, name_key, entity_id FROM account_names WHERE company_id = \(bind: company)")
            .all(decoding: Name.self)
        {
            if name.kind == "ledger", let l = ledgers[name.entity_id] { ledgersByKey[name.name_key] = l }
            if name.kind == "group", let g = groups[name.entity_id] { groupsByKey[name.name_key] = g }
        }
        let types = try await sql.raw("SELECT * FROM voucher_types WHERE company_id = \(bind: company)").all(decoding: VoucherTypeRow.self)
        let items = try await sql.raw("SELECT * FROM items WHERE company_id = \(bind: company)").all(decoding: ItemRow.self)
        return CompanySnapshot(
            version: version, booksBeginning: try CalendarDate(stored: row.booksBeginning),
            fyMonth: CalendarDate(row.financialYearStart)?.month ?? 4, lock: try await PeriodLocks.current(company: company, on: db),
            groupList: groupList, groups: groups, groupsByKey: groupsByKey, ledgerList: ledgerList, ledgers: ledgers,
            ledgersByKey: ledgersByKey, typesByKey: Dictionary(types.map { ($0.name_key, $0) }, uniquingKeysWith: { a, _ in a }),
            items: Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
            itemsByKey: Dictionary(items.map { ($0.name_key, $0) }, uniquingKeysWith: { a, _ in a }),
            itemRates: try await Items.storedRates(company: company, on: db),
            registrations: try await Registrations.stored(company: company, on: db))
    }
}

/// The snapshots this process keeps, one per company, each for the version it was read at.
///
/// One per process rather than per application: a version is a value no other state of any company ever has (see
/// migration 043), so a snapshot can only ever be answered for the exact state it was read from, whichever
/// database or application asks.
final class CompanySnapshots: Sendable {
    static let shared = CompanySnapshots()
    /// Companies kept at once; past it the oldest-read half is dropped (a server holds a few dozen companies).
    static let capacity = 256

    private let kept = NIOLockedValueBox<[UUID: (snapshot: CompanySnapshot, used: UInt64)]>([:])
    private let clock = NIOLockedValueBox<UInt64>(0)
    /// Snapshots read from the database since the process started (the benchmarks print it: a number that grows with
    /// the requests means something keeps changing the version).
    let loads = NIOLockedValueBox<Int>(0)

    /// When to read the company afresh if the kept snapshot is not the current version.
    enum Miss {
        /// Read it and keep it: reads outside a transaction, and posting, which reads most of it anyway.
        case load
        /// Answer nil and let the caller ask the database for the one thing it needs: a single lookup inside a
        /// transaction that is itself changing the chart (an import creating thousands of ledgers) must not reread
        /// the whole chart after each.
        case skip
    }

    /// The company's snapshot at the version `db` sees now; nil when there is no such company, or on a miss with
    /// `.skip` (by default, inside a transaction). One indexed read of the version when the kept snapshot is current.
    func current(company: UUID, on db: any Database, miss: Miss? = nil) async throws -> CompanySnapshot? {
        let miss = miss ?? (db.inTransaction ? .skip : .load)
        // Every company has a version from the moment its row is inserted (the trigger), so none means no company.
        guard let version = try await Self.version(company: company, on: db) else { return nil }
        let tick = clock.withLockedValue { $0 += 1; return $0 }
        if let hit = kept.withLockedValue({ kept -> CompanySnapshot? in
            guard let entry = kept[company], entry.snapshot.version == version else { return nil }
            kept[company]?.used = tick
            return entry.snapshot
        }) {
            return hit
        }
        guard miss == .load, let snapshot = try await CompanySnapshot.load(company: company, version: version, on: db) else { return nil }
        loads.withLockedValue { $0 += 1 }
        kept.withLockedValue { kept in
            if kept.count >= Self.capacity {
                let cut = kept.values.map(\.used).sorted()[kept.count / 2]
                kept = kept.filter { $0.value.used > cut }
            }
            kept[company] = (snapshot, tick)
        }
        return snapshot
    }

    static func version(company: UUID, on db: any Database) async throws -> Int64? {
        struct Row: Decodable { var version: Int64 }
        return try await db.pointReads.sql().raw("SELECT version FROM snapshot_versions WHERE company_id = \(bind: company)")
            .first(decoding: Row.self)?.version
    }
}

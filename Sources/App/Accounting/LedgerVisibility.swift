import Fluent
import Foundation
import SQLKit
import Vapor

/// Restricted ledgers (salaries, directors' accounts) are seen only by roles holding `ledgers.restricted`. For anyone
/// else every read withholds them: the ledger itself (404, or "no ledger" where it is named), its rows in reports,
/// and every voucher with a live line in it. Totals stay whole — a group's or a report's total includes what is
/// withheld — so the books a viewer reads still balance and the profit is the true one.
struct LedgerVisibility: Sendable {
    /// The restricted ledgers this member may not see; empty when they see everything.
    let hidden: Set<UUID>

    static let everything = LedgerVisibility(hidden: [])

    var seesEverything: Bool { hidden.isEmpty }

    func allows(ledger id: UUID) -> Bool { !hidden.contains(id) }

    func allows(_ voucher: VoucherDTO) -> Bool { voucher.entries.allSatisfy { allows(ledger: $0.ledgerId) } }

    /// A condition on `vouchers.id` (the column named by `voucherColumn`): no live line in a hidden ledger.
    func voucherCondition(_ voucherColumn: String = "vouchers.id") -> SQLQueryString? {
        guard !hidden.isEmpty else { return nil }
        return SQLQueryString("""
            NOT EXISTS (SELECT 1 FROM voucher_entries hidden_e WHERE hidden_e.voucher_id = \(unsafeRaw: voucherColumn)
            AND hidden_e.superseded = \(bind: false) AND hidden_e.ledger_id IN (\(binds: Array(hidden))))
            """)
    }

    /// Of `vouchers`, those with a live line in a hidden ledger.
    func touching(_ vouchers: [UUID], on db: any Database) async throws -> Set<UUID> {
        guard !hidden.isEmpty, !vouchers.isEmpty else { return [] }
        struct Row: Decodable { var voucher_id: UUID }
        return Set(try await db.sql().raw("""
            SELECT DISTINCT voucher_id FROM voucher_entries WHERE voucher_id IN (\(binds: vouchers))
            AND superseded = \(bind: false) AND ledger_id IN (\(binds: Array(hidden)))
            """).all(decoding: Row.self).map(\.voucher_id))
    }

    static func of(_ member: CompanyContext, on db: any Database) async throws -> LedgerVisibility {
        guard !member.role.can(.ledgersRestricted) else { return .everything }
        struct Row: Decodable { var id: UUID }
        let rows = try await db.sql().raw("""
            SELECT id FROM ledgers WHERE company_id = \(bind: member.companyID) AND restricted = \(bind: true)
            """).all(decoding: Row.self)
        return LedgerVisibility(hidden: Set(rows.map(\.id)))
    }
}

extension TrialBalanceDTO {
    /// Rows of hidden ledgers withheld; group totals and totals stay as they are.
    func withholding(_ visibility: LedgerVisibility) -> TrialBalanceDTO {
        guard !visibility.seesEverything else { return self }
        var copy = self
        copy.rows.removeAll { !visibility.allows(ledger: $0.ledgerId) }
        return copy
    }
}

extension [StatementLine] {
    /// Ledgers hidden from a statement's groups; each group's amount stays as it is.
    func withholding(_ visibility: LedgerVisibility) -> [StatementLine] {
        guard !visibility.seesEverything else { return self }
        return map { line in
            var copy = line
            copy.ledgers.removeAll { !visibility.allows(ledger: $0.ledgerId) }
            return copy
        }
    }
}

private struct LedgerVisibilityKey: StorageKey { typealias Value = LedgerVisibility }

extension Request {
    /// What the signed-in member may see in this company, read once per request.
    func ledgerVisibility() async throws -> LedgerVisibility {
        if let known = storage[LedgerVisibilityKey.self] { return known }
        let visibility = try await LedgerVisibility.of(try company, on: db)
        storage[LedgerVisibilityKey.self] = visibility
        return visibility
    }

    /// The company's ledgers this member may see, for lists and the pickers of entry forms.
    func visibleLedgers() async throws -> [LedgerRow] {
        let visibility = try await ledgerVisibility()
        return try await Chart.ledgers(company: try company.companyID, on: db).filter { visibility.allows(ledger: $0.id) }
    }
}

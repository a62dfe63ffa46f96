import Fluent
import Foundation
import Ledger
import SQLKit

/// A group as stored.
struct GroupRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var name: String
    var parent_id: UUID?
    var nature: GroupNature
    var role: LedgerRole
    var affects_gross_profit: Bool
    var is_party_group: Bool
    var reserved: Bool
    var active: Bool
}

/// A ledger as stored.
struct LedgerRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var name: String
    var group_id: UUID
    var opening_paise: Int64
    var gstin: String?
    var registration_type: String?
    var state_code: String?
    var address: String?
    var contact: String?
    var credit_period_days: Int?
    var credit_limit_paise: Int64?
    var bill_wise: Bool
    var reserved: Bool
    var active: Bool
    var place: String? = nil
    var pincode: String? = nil
    /// Seen only by roles holding `ledgers.restricted` (`LedgerVisibility`).
    var restricted: Bool = false
}

/// Company-scoped reads of the chart of accounts. Every function takes the company: there is no unscoped query.
enum Chart {
    /// Names are unique per company across groups and ledgers, ignoring case, as in Tally (and Unicode form and
    /// zero-width characters, `String.comparisonKey`).
    static func nameKey(_ name: String) -> String { name.comparisonKey }

    /// The company's groups in name order, from its snapshot when there is a current one.
    static func groups(company: UUID, on db: any Database) async throws -> [GroupRow] {
        if let snapshot = try await CompanySnapshots.shared.current(company: company, on: db) {
            return snapshot.groupList
        }
        return try await storedGroups(company: company, on: db)
    }

    static func ledgers(company: UUID, on db: any Database) async throws -> [LedgerRow] {
        if let snapshot = try await CompanySnapshots.shared.current(company: company, on: db) {
            return snapshot.ledgerList
        }
        return try await storedLedgers(company: company, on: db)
    }

    static func storedGroups(company: UUID, on db: any Database) async throws -> [GroupRow] {
        try await db.sql().raw("SELECT * FROM account_groups WHERE company_id = \(bind: company) ORDER BY name")
            .all(decoding: GroupRow.self)
    }

    static func storedLedgers(company: UUID, on db: any Database) async throws -> [LedgerRow] {
        try await db.sql().raw("SELECT * FROM ledgers WHERE company_id = \(bind: company) ORDER BY name")
            .all(decoding: LedgerRow.self)
    }

    /// A group by id or by exact (case-insensitive) name: from the snapshot when there is a current one, else two lookups.
    static func group(_ reference: String, company: UUID, on db: any Database) async throws -> GroupRow? {
        if let snapshot = try await CompanySnapshots.shared.current(company: company, on: db) { return snapshot.group(reference) }
        var id = UUID(uuidString: reference)
        if id == nil { id = try await entity(named: reference, kind: "group", company: company, on: db) }
        guard let id else { return nil }
        return try await db.sql().raw("SELECT * FROM account_groups WHERE company_id = \(bind: company) AND id = \(bind: id)")
            .first(decoding: GroupRow.self)
    }

    static func ledger(_ reference: String, company: UUID, on db: any Database) async throws -> LedgerRow? {
        if let snapshot = try await CompanySnapshots.shared.current(company: company, on: db) { return snapshot.ledger(reference) }
        var id = UUID(uuidString: reference)
        if id == nil { id = try await entity(named: reference, kind: "ledger", company: company, on: db) }
        guard let id else { return nil }
        return try await db.sql().raw("SELECT * FROM ledgers WHERE company_id = \(bind: company) AND id = \(bind: id)")
            .first(decoding: LedgerRow.self)
    }

    private static func entity(named name: String, kind: String, company: UUID, on db: any Database) async throws -> UUID? {
        struct Row: Decodable { var entity_id: UUID }
        return try await db.sql().raw("""
            SELECT entity_id FROM account_names
            WHERE company_id = \(bind: company) AND name_key = \(bind: nameKey(name)) AND kind = \(bind: kind)
            """).first(decoding: Row.self)?.entity_id
    }

    /// Claims a name for a group or ledger; a clash with any other group or ledger is a field error.
    static func claimName(_ name: String, kind: String, entity: UUID, company: UUID, field: String, on db: any Database) async throws {
        struct Row: Decodable { var kind: String }
        if let existing = try await db.sql().raw("""
            SELECT kind FROM account_names WHERE company_id = \(bind: company) AND name_key = \(bind: nameKey(name))
            """).first(decoding: Row.self)
        {
            throw APIError.validation(field: field, "'\(name)' is already the name of a \(existing.kind) in this company")
        }
        try await db.sql().raw("""
            INSERT INTO account_names (company_id, name_key, kind, entity_id)
            VALUES (\(bind: company), \(bind: nameKey(name)), \(bind: kind), \(bind: entity))
            """).run()
    }

    /// Moves an entity's claim to a new name (the audit trail keeps the old one).
    static func renameClaim(to name: String, entity: UUID, company: UUID, field: String, on db: any Database) async throws {
        struct Row: Decodable { var kind: String; var entity_id: UUID }
        if let existing = try await db.sql().raw("""
            SELECT kind, entity_id FROM account_names WHERE company_id = \(bind: company) AND name_key = \(bind: nameKey(name))
            """).first(decoding: Row.self), existing.entity_id != entity
        {
            throw APIError.validation(field: field, "'\(name)' is already the name of a \(existing.kind) in this company")
        }
        try await db.sql().raw("""
            UPDATE account_names SET name_key = \(bind: nameKey(name)) WHERE company_id = \(bind: company) AND entity_id = \(bind: entity)
            """).run()
    }

    /// Names from the root down, e.g. ["Current Assets", "Sundry Debtors"].
    static func path(of groupID: UUID, in groups: [UUID: GroupRow]) -> [String] {
        var out: [String] = []
        var current: UUID? = groupID
        var seen = Set<UUID>()
        while let id = current, let g = groups[id], seen.insert(id).inserted {
            out.insert(g.name, at: 0)
            current = g.parent_id
        }
        return out
    }
}

/// Gives a new company Tally's chart, its two predefined ledgers and the eight voucher types.
enum ChartSeeder {
    static func seed(company: UUID, on db: any Database) async throws {
        var ids: [String: UUID] = [:]
        let sql = db.sql()
        try await Godowns.insertMain(company: company, on: sql)
        for g in DefaultChart.groups {
            let id = UUID()
            ids[g.name] = id
            let row = GroupRow(id: id, company_id: company, name: g.name, parent_id: g.parent.flatMap { ids[$0] },
                               nature: g.nature, role: g.role, affects_gross_profit: g.affectsGrossProfit,
                               is_party_group: g.isPartyGroup, reserved: true, active: true)
            try await sql.insert(into: "account_groups").model(row).run()
            try await Chart.claimName(g.name, kind: "group", entity: id, company: company, field: "name", on: db)
        }
        for l in DefaultChart.ledgers {
            let id = UUID()
            let row = LedgerRow(id: id, company_id: company, name: l.name, group_id: ids[l.group]!, opening_paise: 0,
                                bill_wise: false, reserved: true, active: true)
            try await sql.insert(into: "ledgers").model(row).run()
            try await Chart.claimName(l.name, kind: "ledger", entity: id, company: company, field: "name", on: db)
        }
        for kind in VoucherKind.allCases {
            let row = VoucherTypeRow(id: UUID(), company_id: company, name: kind.displayName, name_key: Chart.nameKey(kind.displayName),
                                     kind: kind, prefix: kind.defaultPrefix, suffix: "", width: 4, automatic: true, reserved: true,
                                     compact_year: kind.isGSTDocument)
            try await sql.insert(into: "voucher_types").model(row).run()
        }
    }
}

struct VoucherTypeRow: Codable, Sendable {
    var id: UUID
    var company_id: UUID
    var name: String
    var name_key: String
    var kind: VoucherKind
    var prefix: String
    var suffix: String
    var width: Int
    var automatic: Bool
    var reserved: Bool
    /// Numbers with the short year (`INV/26-27/0001`): series of GST documents created since migration 031.
    var compact_year: Bool = false

    /// The number `sequence` of the year starting `fyStart`.
    func number(_ sequence: Int64, fyStart: CalendarDate) -> String {
        VoucherNumbering.format(prefix: prefix, suffix: suffix, width: width, fyStart: fyStart, sequence: sequence, compactYear: compact_year)
    }

    /// The series' number `sequence`, refused when it is a GST document number the rules do not allow.
    func checkedNumber(_ sequence: Int64, fyStart: CalendarDate) throws -> String {
        let number = number(sequence, fyStart: fyStart)
        if kind.isGSTDocument, let problem = GSTDocumentNumber.problem(number) {
            throw APIError.validation(field: "number", "the next \(name) number \(problem); change the series' prefix or suffix (…/voucher-types)")
        }
        return number
    }

    /// For a new series of GST documents: what is wrong with its prefix, suffix and width, or nil.
    static func seriesProblem(kind: VoucherKind, prefix: String, suffix: String, width: Int, compactYear: Bool) -> String? {
        guard kind.isGSTDocument else { return nil }
        let year = CalendarDate(year: 2026, month: 4, day: 1) ?? CalendarDate.earliest
        let sample = VoucherNumbering.format(prefix: prefix, suffix: suffix, width: width, fyStart: year, sequence: 1, compactYear: compactYear)
        if let problem = GSTDocumentNumber.problem(sample) { return "its first number \(problem)" }
        let capacity = VoucherNumbering.capacity(prefix: prefix, suffix: suffix, width: width, fyStart: year, compactYear: compactYear)
        if capacity < minimumYearlyCapacity {
            return "leaves room for only \(capacity) numbers a year within 16 characters (CGST Rule 46(b)); shorten the prefix or suffix"
        }
        return nil
    }

    /// A series of GST documents must be able to number this many in a year.
    static let minimumYearlyCapacity: Int64 = 99_999
}

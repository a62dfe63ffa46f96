import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

struct OutstandingDTO: APIResponseBody {
    struct Bill: Codable, Sendable {
        var reference: String?
        var date: String?
        var dueDate: String?
        var pending: String
        var ageDays: Int?
        var overdueDays: Int
        var bucket: String
        var scheduleIIIBucket: String
    }

    struct Party: Codable, Sendable {
        var party: String
        var ledgerId: UUID
        var pending: String
        var buckets: [String: String]
        var bills: [Bill]
    }

    var kind: String
    var asOf: String
    var parties: [Party]
    var pending: String
    var buckets: [String: String]
    var scheduleIII: [String: String]

    static let schema = Schema.ref("Outstanding", .object([
        .required("kind", .string(.init(allowed: ["receivable", "payable"]))), .required("asOf", .date),
        .required("parties", .array(.object([
            .required("party", .text()), .required("ledgerId", .uuid), .required("pending", .string()),
            .required("buckets", .object([])),
            .required("bills", .array(.object([
                .optional("reference", .nullable(.string())), .optional("date", .nullable(.date)), .optional("dueDate", .nullable(.date)),
                .required("pending", .string()), .optional("ageDays", .nullable(.integer())), .required("overdueDays", .integer()),
                .required("bucket", .string()), .required("scheduleIIIBucket", .string()),
            ]))),
        ]))),
        .required("pending", .string()), .required("buckets", .object([])), .required("scheduleIII", .object([])),
    ]))
}

/// Bill-wise receivables or payables as at a date, aged two ways: by days since the bill (0–30 … >180) and, as
/// Schedule III asks, by time since the due date (<6 m … >3 y). Amounts are positive when owed in the report's
/// direction (to us for receivables, by us for payables); advances show negative.
enum Outstanding {
    static let buckets = ["0-30", "31-60", "61-90", "91-180", ">180"]
    static let scheduleIIIBuckets = ["<6m", "6m-1y", "1-2y", "2-3y", ">3y"]

    static func bucket(age: Int) -> String {
        switch age {
        case ..<31: "0-30"
        case ..<61: "31-60"
        case ..<91: "61-90"
        case ..<181: "91-180"
        default: ">180"
        }
    }

    static func scheduleIII(overdue: Int) -> String {
        switch overdue {
        case ..<183: "<6m"
        case ..<365: "6m-1y"
        case ..<730: "1-2y"
        case ..<1095: "2-3y"
        default: ">3y"
        }
    }

    struct Row: Decodable { var ledger_id: UUID; var bill_id: UUID?; var reference: String?; var date: String?; var due_date: String?; var pending: Int64 }

    static func compute(company: UUID, receivable: Bool, asOf: CalendarDate, on db: any Database) async throws -> OutstandingDTO {
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: company, on: db).map { ($0.id, $0) })
        let partyGroups = groups.values.filter { $0.is_party_group && (receivable ? $0.nature == .assets : $0.nature == .liabilities) }.map(\.id)
        let parties = Dictionary(uniqueKeysWithValues: try await Chart.ledgers(company: company, on: db)
            .filter { partyGroups.contains($0.group_id) }.map { ($0.id, $0) })
        // Each bill keeps its balance as of now (the posting module maintains it): the open ones are read through
        // their partial index, less what vouchers dated after `asOf` did to any bill; money on account is summed from
        // its own allocations. Nothing scans the company's whole allocation history.
        guard !partyGroups.isEmpty else { return try summarise([], parties: parties, receivable: receivable, asOf: asOf) }
        let rows = try await db.sql().raw("""
            SELECT x.ledger_id, x.bill_id, b.reference, b.date, b.due_date, x.pending FROM (
                SELECT ledger_id, bill_id, CAST(SUM(amount) AS BIGINT) AS pending FROM (
                    SELECT b.ledger_id, b.id AS bill_id, b.outstanding_paise AS amount
                    FROM bills b WHERE b.company_id = \(bind: company) AND b.outstanding_paise <> 0
                    UNION ALL
                    SELECT a.ledger_id, a.bill_id, -a.amount_paise AS amount
                    FROM vouchers v JOIN bill_allocations a ON a.voucher_id = v.id
                    WHERE v.company_id = \(bind: company) AND v.date > \(bind: asOf.description) AND v.status = 'active'
                      AND a.superseded = \(bind: false) AND a.bill_id IS NOT NULL
                    UNION ALL
                    SELECT a.ledger_id, a.bill_id, a.amount_paise AS amount
                    FROM bill_allocations a JOIN vouchers v ON v.id = a.voucher_id
                    WHERE a.company_id = \(bind: company) AND a.bill_id IS NULL AND a.superseded = \(bind: false)
                      AND a.ledger_id IN (SELECT id FROM ledgers WHERE company_id = \(bind: company) AND group_id IN (\(binds: partyGroups)))
                      AND v.status = 'active' AND v.date <= \(bind: asOf.description)
                ) u
                GROUP BY ledger_id, bill_id
                HAVING SUM(amount) <> 0
            ) x LEFT JOIN bills b ON b.id = x.bill_id
            """).all(decoding: Row.self)
        return try summarise(rows, parties: parties, receivable: receivable, asOf: asOf)
    }

    /// Sums with checked arithmetic: thousands of bills at the money limit are more than an `Int64` holds, and the
    /// report must answer that (422), not stop the server.
    static func summarise(_ rows: [Row], parties: [UUID: LedgerRow], receivable: Bool, asOf: CalendarDate) throws -> OutstandingDTO {
        let direction: Int64 = receivable ? 1 : -1
        var byParty: [UUID: [OutstandingDTO.Bill]] = [:]
        var partyTotals: [UUID: Int64] = [:]
        var partyBuckets: [UUID: [String: Int64]] = [:]
        var total: Int64 = 0
        var totalBuckets: [String: Int64] = [:], totalSchedule: [String: Int64] = [:]
        for r in rows where r.pending != 0 && parties[r.ledger_id] != nil {
            let pending = try Checked.multiply(r.pending, direction)
            let date = r.date.flatMap(CalendarDate.init)
            let due = r.due_date.flatMap(CalendarDate.init)
            let age = date.map { asOf - $0 }
            let overdue = max(0, due.map { asOf - $0 } ?? 0)
            let b = bucket(age: age ?? 0)
            let s = scheduleIII(overdue: overdue)
            byParty[r.ledger_id, default: []].append(.init(
                reference: r.reference, date: r.date, dueDate: r.due_date, pending: Money(paise: pending).description,
                ageDays: age, overdueDays: overdue, bucket: b, scheduleIIIBucket: s))
            partyTotals[r.ledger_id] = try Checked.add(partyTotals[r.ledger_id, default: 0], pending)
            partyBuckets[r.ledger_id, default: [:]][b] = try Checked.add(partyBuckets[r.ledger_id]?[b] ?? 0, pending)
            total = try Checked.add(total, pending)
            totalBuckets[b] = try Checked.add(totalBuckets[b, default: 0], pending)
            totalSchedule[s] = try Checked.add(totalSchedule[s, default: 0], pending)
        }
        func strings(_ d: [String: Int64], _ keys: [String]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: keys.map { ($0, Money(paise: d[$0] ?? 0).description) })
        }
        let partyList = byParty.map { id, bills in
            OutstandingDTO.Party(party: parties[id]!.name, ledgerId: id, pending: Money(paise: partyTotals[id] ?? 0).description,
                                 buckets: strings(partyBuckets[id] ?? [:], buckets),
                                 bills: bills.sorted { ($0.date ?? "", $0.reference ?? "") < ($1.date ?? "", $1.reference ?? "") })
        }.sorted { $0.party < $1.party }
        return OutstandingDTO(kind: receivable ? "receivable" : "payable", asOf: asOf.description, parties: partyList,
                              pending: Money(paise: total).description, buckets: strings(totalBuckets, buckets),
                              scheduleIII: strings(totalSchedule, scheduleIIIBuckets))
    }

    @Sendable static func report(req: Request) async throws -> OutstandingDTO {
        let context = try req.company
        var errors: [APIError.FieldError] = []
        let kind = req.query[String.self, at: "kind"] ?? "receivable"
        if !["receivable", "payable"].contains(kind) { errors.append(.init(field: "kind", message: "must be receivable or payable")) }
        var asOf = Format.today()
        if let raw = req.query[String.self, at: "asOf"] {
            if let d = CalendarDate(raw) { asOf = d } else { errors.append(.init(field: "asOf", message: "must be " + CalendarDate.acceptedDescription)) }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        var report = try await compute(company: context.companyID, receivable: kind == "receivable", asOf: asOf, on: req.db)
        let visibility = try await req.ledgerVisibility()
        report.parties.removeAll { !visibility.allows(ledger: $0.ledgerId) }
        return report
    }
}

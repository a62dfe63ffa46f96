import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

struct TrialBalanceDTO: APIResponseBody {
    struct Row: Codable, Sendable {
        var ledger: String
        var ledgerId: UUID
        var groupPath: [String]
        var opening: BalanceDTO
        var debit: String
        var credit: String
        var closing: BalanceDTO
    }

    struct GroupTotal: Codable, Sendable {
        var group: String
        var groupId: UUID
        var groupPath: [String]
        var debit: String
        var credit: String
        var closing: BalanceDTO
    }

    struct Totals: Codable, Sendable {
        var debit: String
        var credit: String
        var closingDebit: String
        var closingCredit: String
        /// Non-zero only when opening balances were entered unbalanced (Tally shows the same "difference").
        var openingDifference: BalanceDTO
    }

    var from: String
    var asOf: String
    var rows: [Row]
    var groups: [GroupTotal]
    var totals: Totals

    static let schema = Schema.ref("TrialBalance", .object([
        .required("from", .date), .required("asOf", .date),
        .required("rows", .array(.object([
            .required("ledger", .text()), .required("ledgerId", .uuid), .required("groupPath", .array(.string())),
            .required("opening", BalanceDTO.schema), .required("debit", .string()), .required("credit", .string()),
            .required("closing", BalanceDTO.schema),
        ]))),
        .required("groups", .array(.object([
            .required("group", .text()), .required("groupId", .uuid), .required("groupPath", .array(.string())),
            .required("debit", .string()), .required("credit", .string()), .required("closing", BalanceDTO.schema),
        ]))),
        .required("totals", .object([
            .required("debit", .string()), .required("credit", .string()), .required("closingDebit", .string()),
            .required("closingCredit", .string()), .required("openingDifference", BalanceDTO.schema),
        ])),
    ]))
}

/// Trial balance from maintained day totals: O(ledgers × active days), never a scan of every entry.
enum TrialBalance {

    static func compute(company: Company, asOf: CalendarDate, on db: any Database) async throws -> TrialBalanceDTO {
        let companyID = try company.requireID()
        let fyStart = asOf.financialYearStart(month: CalendarDate(company.financialYearStart)?.month ?? 4)
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: companyID, on: db).map { ($0.id, $0) })
        let ledgers = try await Chart.ledgers(company: companyID, on: db)
        let beginning = CalendarDate.earliest
        let prior = try await Movements.sums(company: companyID, from: beginning, to: fyStart.adding(days: -1), on: db)
        let period = try await Movements.sums(company: companyID, from: fyStart, to: asOf, on: db)
        let priorBy = prior.mapValues { $0.debit - $0.credit }
        let periodBy = period

        // Income and expenses start every year at nil; last years' result sits in Profit & Loss A/c.
        var carried: Int64 = 0
        var opening: [UUID: Int64] = [:]
        for l in ledgers {
            let before = priorBy[l.id] ?? 0
            if groups[l.group_id]?.nature.isRevenue == true { carried += before; opening[l.id] = l.opening_paise }
            else { opening[l.id] = l.opening_paise + before }
        }
        if let pl = ledgers.first(where: { $0.reserved && $0.name == "Profit & Loss A/c" }) { opening[pl.id, default: 0] += carried }

        var rows: [TrialBalanceDTO.Row] = []
        var groupSums: [UUID: (debit: Int64, credit: Int64, closing: Int64)] = [:]
        var totalDebit: Int64 = 0, totalCredit: Int64 = 0, closingDr: Int64 = 0, closingCr: Int64 = 0, openingSum: Int64 = 0
        for l in ledgers {
            let open = opening[l.id] ?? 0
            let (debit, credit) = periodBy[l.id] ?? (0, 0)
            let closing = open + debit - credit
            guard open != 0 || debit != 0 || credit != 0 else { continue }
            rows.append(.init(ledger: l.name, ledgerId: l.id, groupPath: Chart.path(of: l.group_id, in: groups),
                              opening: BalanceDTO(Balance(signed: open)), debit: Money(paise: debit).description,
                              credit: Money(paise: credit).description, closing: BalanceDTO(Balance(signed: closing))))
            totalDebit += debit
            totalCredit += credit
            openingSum += open
            if closing >= 0 { closingDr += closing } else { closingCr -= closing }
            var g: UUID? = l.group_id
            var seen = Set<UUID>()
            while let id = g, seen.insert(id).inserted {
                var s = groupSums[id] ?? (0, 0, 0)
                s.debit += debit
                s.credit += credit
                s.closing += closing
                groupSums[id] = s
                g = groups[id]?.parent_id
            }
        }
        let groupTotals = groupSums.compactMap { id, s -> TrialBalanceDTO.GroupTotal? in
            guard let g = groups[id] else { return nil }
            return .init(group: g.name, groupId: id, groupPath: Chart.path(of: id, in: groups), debit: Money(paise: s.debit).description,
                         credit: Money(paise: s.credit).description, closing: BalanceDTO(Balance(signed: s.closing)))
        }.sorted { $0.groupPath.joined(separator: "/") < $1.groupPath.joined(separator: "/") }
        return TrialBalanceDTO(
            from: fyStart.description, asOf: asOf.description,
            rows: rows.sorted { ($0.groupPath.joined(separator: "/"), $0.ledger) < ($1.groupPath.joined(separator: "/"), $1.ledger) },
            groups: groupTotals,
            totals: .init(debit: Money(paise: totalDebit).description, credit: Money(paise: totalCredit).description,
                          closingDebit: Money(paise: closingDr).description, closingCredit: Money(paise: closingCr).description,
                          openingDifference: BalanceDTO(Balance(signed: openingSum))))
    }

    @Sendable static func report(req: Request) async throws -> Response {
        let context = try req.company
        var asOf = Format.today()
        if let raw = req.query[String.self, at: "asOf"] {
            guard let d = CalendarDate(raw) else { throw APIError.validation(field: "asOf", "must be " + CalendarDate.acceptedDescription) }
            asOf = d
        }
        let company = try await CompanyController.find(context, on: req.db)
        let tb = try await compute(company: company, asOf: asOf, on: req.db).withholding(try await req.ledgerVisibility())
        if req.query[String.self, at: "format"] == "csv" {
            var csv = "ledger,group,opening,opening_side,debit,credit,closing,closing_side\n"
            for r in tb.rows {
                csv += [r.ledger, r.groupPath.joined(separator: " > "), r.opening.amount, r.opening.side.rawValue, r.debit, r.credit,
                        r.closing.amount, r.closing.side.rawValue].map(csvField).joined(separator: ",") + "\n"
            }
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"trial-balance-\(tb.asOf).csv\"")
            return Response(status: .ok, headers: headers, body: .init(string: csv))
        }
        return try await tb.encodeResponse(for: req)
    }

    /// Quotes a CSV field, and defuses text a spreadsheet would run as a formula.
    static func csvField(_ s: String) -> String {
        var v = s
        if let first = v.first, "=+-@".contains(first), Money.isPlainAmount(v) == false { v = "'" + v }
        return v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
    }
}

extension Money {
    /// True for the API's amount strings (so a negative amount is not mistaken for a formula).
    static func isPlainAmount(_ s: String) -> Bool { (try? Money(parsing: s)) != nil }
}

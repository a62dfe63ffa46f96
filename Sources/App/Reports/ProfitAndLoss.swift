import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor


struct StatementLine: Codable, Sendable {
    var group: String
    var groupId: UUID
    var amount: String
    var ledgers: [LedgerAmount]

    struct LedgerAmount: Codable, Sendable {
        var ledger: String
        var ledgerId: UUID
        var amount: String
    }

    /// One line per primary group, its ledgers under it, sorted by name; returns the lines and their total.
    static func grouped(_ byGroup: [UUID: [(name: String, id: UUID, amount: Int64)]], groups: [UUID: GroupRow]) -> ([StatementLine], Int64) {
        let lines = byGroup.map { id, items in
            StatementLine(group: groups[id]?.name ?? "", groupId: id, amount: Money(paise: items.reduce(0) { $0 + $1.amount }).description,
                          ledgers: items.sorted { $0.name < $1.name }.map { .init(ledger: $0.name, ledgerId: $0.id, amount: Money(paise: $0.amount).description) })
        }.sorted { $0.group < $1.group }
        return (lines, byGroup.values.flatMap { $0 }.reduce(0) { $0 + $1.amount })
    }

    static let schema = Schema.object([
        .required("group", .text()), .required("groupId", .uuid), .required("amount", .string()),
        .required("ledgers", .array(.object([.required("ledger", .text()), .required("ledgerId", .uuid), .required("amount", .string())]))),
    ])
}

struct ProfitAndLossDTO: APIResponseBody {
    var from: String
    var to: String
    var tradingIncome: [StatementLine]
    var tradingExpenses: [StatementLine]
    /// Stock at the start and end of the period (Tally's Opening and Closing Stock in the trading account).
    var openingStock: String
    var closingStock: String
    var grossProfit: String
    var indirectIncome: [StatementLine]
    var indirectExpenses: [StatementLine]
    var netProfit: String

    static let schema = Schema.ref("ProfitAndLoss", .object([
        .required("from", .date), .required("to", .date),
        .required("tradingIncome", .array(StatementLine.schema)), .required("tradingExpenses", .array(StatementLine.schema)),
        .required("openingStock", .string()), .required("closingStock", .string()),
        .required("grossProfit", .string(.init(description: "Negative for a gross loss; closing less opening stock included"))),
        .required("indirectIncome", .array(StatementLine.schema)), .required("indirectExpenses", .array(StatementLine.schema)),
        .required("netProfit", .string(.init(description: "Negative for a net loss"))),
    ]))
}

/// Tally's layout: the trading part (groups that affect gross profit) gives gross profit; indirect income and
/// expenses then give net profit. Closing stock less opening stock (valued by each item's method) joins the
/// trading part, as Tally shows it.
enum ProfitAndLoss {
    static func compute(company: Company, from: CalendarDate, to: CalendarDate, on db: any Database) async throws
        -> (dto: ProfitAndLossDTO, net: Int64)
    {
        let companyRow = company
        let company = try company.requireID()
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: company, on: db).map { ($0.id, $0) })
        let ledgers = try await Chart.ledgers(company: company, on: db)
        let movement = try await Movements.between(company: company, from: from, to: to, on: db)
        func lines(_ nature: GroupNature, trading: Bool) -> (lines: [StatementLine], total: Int64) {
            // Income shows as credit-positive, expenses as debit-positive.
            let sign: Int64 = nature == .income ? -1 : 1
            var byPrimary: [UUID: [(name: String, id: UUID, amount: Int64)]] = [:]
            for l in ledgers {
                guard let g = groups[l.group_id], g.nature == nature, g.affects_gross_profit == trading,
                    let amount = movement[l.id], amount != 0
                else { continue }
                byPrimary[primary(of: g.id, in: groups), default: []].append((l.name, l.id, sign * amount))
            }
            let (out, total) = StatementLine.grouped(byPrimary, groups: groups)
            return (out, total)
        }
        let ti = lines(.income, trading: true), te = lines(.expenses, trading: true)
        let ii = lines(.income, trading: false), ie = lines(.expenses, trading: false)
        let openingStock = try await StockReports.openingForPeriod(company: companyRow, from: from, on: db)
        let closingStock = try await StockReports.value(company: company, asOf: to, on: db)
        let gross = ti.total - te.total + closingStock - openingStock
        let net = gross + ii.total - ie.total
        return (ProfitAndLossDTO(from: from.description, to: to.description, tradingIncome: ti.lines, tradingExpenses: te.lines,
                                 openingStock: Money(paise: openingStock).description, closingStock: Money(paise: closingStock).description,
                                 grossProfit: Money(paise: gross).description, indirectIncome: ii.lines, indirectExpenses: ie.lines,
                                 netProfit: Money(paise: net).description), net)
    }

    static func primary(of group: UUID, in groups: [UUID: GroupRow]) -> UUID {
        var current = group
        var seen = Set<UUID>()
        while let parent = groups[current]?.parent_id, seen.insert(current).inserted { current = parent }
        return current
    }

    @Sendable static func report(req: Request) async throws -> ProfitAndLossDTO {
        let context = try req.company
        let company = try await CompanyController.find(context, on: req.db)
        let today = Format.today()
        let (from, to) = try ReportDates.range(req, defaultFrom: today.financialYearStart(month: CalendarDate(company.financialYearStart)?.month ?? 4),
                                               defaultTo: today)
        var pl = try await compute(company: company, from: from, to: to, on: req.db).dto
        let visibility = try await req.ledgerVisibility()
        pl.tradingIncome = pl.tradingIncome.withholding(visibility)
        pl.tradingExpenses = pl.tradingExpenses.withholding(visibility)
        pl.indirectIncome = pl.indirectIncome.withholding(visibility)
        pl.indirectExpenses = pl.indirectExpenses.withholding(visibility)
        return pl
    }
}

enum ReportDates {
    static func range(_ req: Request, defaultFrom: CalendarDate, defaultTo: CalendarDate) throws -> (CalendarDate, CalendarDate) {
        var errors: [APIError.FieldError] = []
        func date(_ name: String, _ fallback: CalendarDate) -> CalendarDate {
            guard let raw = req.query[String.self, at: name] else { return fallback }
            guard let d = CalendarDate(raw) else {
                errors.append(.init(field: name, message: "must be " + CalendarDate.acceptedDescription))
                return fallback
            }
            return d
        }
        let from = date("from", defaultFrom), to = date("to", defaultTo)
        if errors.isEmpty, to < from { errors.append(.init(field: "to", message: "must not be before from")) }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return (from, to)
    }
}

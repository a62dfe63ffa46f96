import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

struct BalanceSheetDTO: APIResponseBody {
    var asOf: String
    var liabilities: [StatementLine]
    var assets: [StatementLine]
    /// This year's result so far, shown on the liabilities side as Tally does.
    var currentYearProfit: String
    var totalLiabilities: String
    var totalAssets: String
    /// Non-zero only when opening balances were entered unbalanced.
    var openingDifference: String

    static let schema = Schema.ref("BalanceSheet", .object([
        .required("asOf", .date), .required("liabilities", .array(StatementLine.schema)),
        .required("assets", .array(StatementLine.schema)), .required("currentYearProfit", .string()),
        .required("totalLiabilities", .string()), .required("totalAssets", .string()), .required("openingDifference", .string()),
    ]))
}

/// Closing balances of asset and liability ledgers by primary group, from the trial balance, with this year's
/// profit carried in, so the two sides agree whenever the opening balances did.
enum BalanceSheet {
    static func compute(company: Company, asOf: CalendarDate, on db: any Database) async throws -> BalanceSheetDTO {
        let companyID = try company.requireID()
        let tb = try await TrialBalance.compute(company: company, asOf: asOf, on: db)
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: companyID, on: db).map { ($0.id, $0) })
        let ledgers = Dictionary(uniqueKeysWithValues: try await Chart.ledgers(company: companyID, on: db).map { ($0.id, $0) })
        var sides: [GroupNature: [UUID: [(name: String, id: UUID, amount: Int64)]]] = [:]
        // This year's profit is what the income and expense ledgers moved this year (the P&L's net profit),
        // read from the same trial balance rather than computed a second time.
        var profit: Int64 = 0
        for row in tb.rows {
            guard let l = ledgers[row.ledgerId], let g = groups[l.group_id] else { continue }
            if g.nature.isRevenue {
                profit += try Money(parsing: row.credit).paise - Money(parsing: row.debit).paise
                continue
            }
            let signed = Balance(try Money(parsing: row.closing.amount), row.closing.side).signed
            let amount = g.nature == .assets ? signed : -signed
            sides[g.nature, default: [:]][ProfitAndLoss.primary(of: g.id, in: groups), default: []].append((l.name, l.id, amount))
        }
        func lines(_ nature: GroupNature) -> ([StatementLine], Int64) { StatementLine.grouped(sides[nature] ?? [:], groups: groups) }
        let (liabilities, totalL) = lines(.liabilities)
        let (assets, totalA) = lines(.assets)
        let opening = Balance(try Money(parsing: tb.totals.openingDifference.amount), tb.totals.openingDifference.side).signed
        return BalanceSheetDTO(asOf: asOf.description, liabilities: liabilities, assets: assets,
                               currentYearProfit: Money(paise: profit).description,
                               totalLiabilities: Money(paise: totalL + profit).description, totalAssets: Money(paise: totalA).description,
                               openingDifference: Money(paise: opening).description)
    }

    @Sendable static func report(req: Request) async throws -> BalanceSheetDTO {
        let context = try req.company
        var asOf = Format.today()
        if let raw = req.query[String.self, at: "asOf"] {
            guard let d = CalendarDate(raw) else { throw APIError.validation(field: "asOf", "must be a date as YYYY-MM-DD") }
            asOf = d
        }
        return try await compute(company: try await CompanyController.find(context, on: req.db), asOf: asOf, on: req.db)
    }
}

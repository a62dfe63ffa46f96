import Fluent
import Foundation
import Ledger
import SQLKit
import Vapor

struct BalanceSheetDTO: APIResponseBody {
    var asOf: String
    var liabilities: [StatementLine]
    var assets: [StatementLine]
    /// This year's result so far (closing less opening stock included), shown on the liabilities side as Tally does.
    var currentYearProfit: String
    /// Stock value at the date, among the assets.
    var closingStock: String
    /// What stock gained in earlier years of these books (their closing less opening stock), beside this year's profit.
    var stockGainBroughtForward: String
    var totalLiabilities: String
    var totalAssets: String
    /// Non-zero only when opening balances were entered unbalanced; items' opening stock counts as an opening
    /// debit, as in Tally's "difference in opening balances".
    var openingDifference: String

    static let schema = Schema.ref("BalanceSheet", .object([
        .required("asOf", .date), .required("liabilities", .array(StatementLine.schema)),
        .required("assets", .array(StatementLine.schema)), .required("currentYearProfit", .string()),
        .required("closingStock", .string()), .required("stockGainBroughtForward", .string()),
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
        // Stock: worth S at the date, O when the books began; the year's part of the gain joins this year's profit.
        let stock = try await StockReports.value(company: companyID, asOf: asOf, on: db)
        let openingStock = try await StockReports.openingValue(company: companyID, on: db)
        let yearStart = asOf.financialYearStart(month: CalendarDate(company.financialYearStart)?.month ?? 4)
        let stockAtYearStart = try await StockReports.openingForPeriod(company: company, from: yearStart, on: db)
        profit += stock - stockAtYearStart
        let broughtForward = stockAtYearStart - openingStock
        let opening = Balance(try Money(parsing: tb.totals.openingDifference.amount), tb.totals.openingDifference.side).signed + openingStock
        return BalanceSheetDTO(asOf: asOf.description, liabilities: liabilities, assets: assets,
                               currentYearProfit: Money(paise: profit).description, closingStock: Money(paise: stock).description,
                               stockGainBroughtForward: Money(paise: broughtForward).description,
                               totalLiabilities: Money(paise: totalL + profit + broughtForward).description, totalAssets: Money(paise: totalA + stock).description,
                               openingDifference: Money(paise: opening).description)
    }

    @Sendable static func report(req: Request) async throws -> BalanceSheetDTO {
        let context = try req.company
        var asOf = Format.today()
        if let raw = req.query[String.self, at: "asOf"] {
            guard let d = CalendarDate(raw) else { throw APIError.validation(field: "asOf", "must be " + CalendarDate.acceptedDescription) }
            asOf = d
        }
        var sheet = try await compute(company: try await CompanyController.find(context, on: req.db), asOf: asOf, on: req.db)
        let visibility = try await req.ledgerVisibility()
        sheet.liabilities = sheet.liabilities.withholding(visibility)
        sheet.assets = sheet.assets.withholding(visibility)
        return sheet
    }
}

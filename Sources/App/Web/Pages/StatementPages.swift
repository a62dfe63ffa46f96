import Foundation
import Ledger

/// Profit and loss and balance sheet pages: groups with their ledgers, each ledger linking to its statement.
enum StatementPages {
    static func section(_ title: String, _ lines: [StatementLine], base: String, from: String, to: String) -> HTMLNode {
        var rows = ""
        for line in lines {
            rows += "<tr class=\"group\"><th scope=\"row\">\(esc(line.group))</th><td class=\"num\" data-label=\"Amount\">\(money(line.amount))</td></tr>"
            for l in line.ledgers {
                let link = "\(base)/reports/ledger?ledger=\(l.ledgerId.uuidString.lowercased())&from=\(from)&to=\(to)"
                rows += "<tr><td class=\"depth-1\"><a href=\"\(esc(link))\">\(esc(l.ledger))</a></td><td class=\"num\" data-label=\"Amount\">\(money(l.amount))</td></tr>"
            }
        }
        if lines.isEmpty { rows = "<tr><td colspan=\"2\">Nothing in this period.</td></tr>" }
        return el("section", ["class": "card", "aria-label": title], [
            el("h2", text: title),
            el("table", ["class": "stack"], [
                el("thead", [:], [el("tr", [:], [el("th", ["scope": "col"], text: "Particulars"), el("th", ["scope": "col", "class": "num"], text: "Amount")])]),
                el("tbody", [:], [.raw(rows)]),
            ]),
        ])
    }

    static func money(_ s: String) -> String { esc(Format.rupees((try? Money(parsing: s)) ?? .zero)) }

    static func figure(_ label: String, _ amount: String) -> HTMLNode {
        el("div", ["class": "card tile"], [el("div", ["class": "label"], text: label),
                                           el("div", ["class": "figure"], text: Format.rupees((try? Money(parsing: amount)) ?? .zero))])
    }

    static func profitAndLoss(_ pl: ProfitAndLossDTO, companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        return Layout.render(chrome, [
            el("h1", text: "Profit and loss"),
            ReportsNav.render(base: base, current: "profit-and-loss"),
            el("form", ["method": "get", "action": base + "/reports/profit-and-loss", "class": "card filters"], [
                FormField.input("from", label: "From", value: pl.from, type: "date"),
                FormField.input("to", label: "To", value: pl.to, type: "date"),
                el("div", ["class": "field"], [el("button", ["type": "submit"], text: "Show")]),
            ]),
            el("section", ["class": "grid", "aria-label": "Result"], [
                figure("Opening stock", pl.openingStock), figure("Closing stock", pl.closingStock),
                figure("Gross profit", pl.grossProfit), figure("Net profit", pl.netProfit),
            ]),
            section("Trading income", pl.tradingIncome, base: base, from: pl.from, to: pl.to),
            section("Trading expenses", pl.tradingExpenses, base: base, from: pl.from, to: pl.to),
            section("Indirect income", pl.indirectIncome, base: base, from: pl.from, to: pl.to),
            section("Indirect expenses", pl.indirectExpenses, base: base, from: pl.from, to: pl.to),
        ])
    }

    static func balanceSheet(_ bs: BalanceSheetDTO, from: String, companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var content: [HTMLNode] = [
            el("h1", text: "Balance sheet"),
            ReportsNav.render(base: base, current: "balance-sheet"),
            el("form", ["method": "get", "action": base + "/reports/balance-sheet", "class": "card filters"], [
                FormField.input("asOf", label: "As of", value: bs.asOf, type: "date"),
                el("div", ["class": "field"], [el("button", ["type": "submit"], text: "Show")]),
            ]),
            el("section", ["class": "grid", "aria-label": "Totals"], [
                figure("Liabilities (with this year's profit)", bs.totalLiabilities), figure("Assets", bs.totalAssets),
                figure("Profit this year", bs.currentYearProfit), figure("Closing stock (in assets)", bs.closingStock),
            ]),
        ]
        if (try? Money(parsing: bs.openingDifference))?.paise != 0 {
            content.append(el("div", ["class": "notice warn", "role": "status"],
                              text: "Opening balances differ by \(Format.rupees((try? Money(parsing: bs.openingDifference)) ?? .zero)); the two sides will not agree until they are corrected."))
        }
        content.append(section("Liabilities", bs.liabilities, base: base, from: from, to: bs.asOf))
        content.append(section("Assets", bs.assets, base: base, from: from, to: bs.asOf))
        return Layout.render(chrome, content)
    }
}

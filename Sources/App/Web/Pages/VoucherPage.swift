import Foundation
import Ledger

/// One voucher with its lines and bills; amending, regularising and cancelling are offered to those allowed.
enum VoucherPage {
    static func render(_ v: VoucherDTO, companyID: UUID, canCancel: Bool, canAmend: Bool, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        let path = "\(base)/vouchers/\(v.id.uuidString.lowercased())"
        var rows = ""
        for e in v.entries {
            let link = "\(base)/reports/ledger?ledger=\(e.ledgerId.uuidString.lowercased())"
            let bills = (e.bills ?? []).map { b in
                [b.type.rawValue, b.reference ?? "", Format.rupees((try? Money(parsing: b.amount)) ?? .zero),
                 b.dueDate.flatMap(CalendarDate.init).map { "due " + Format.date($0) } ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
            }.joined(separator: "; ")
            rows += "<tr><td data-label=\"Ledger\"><a href=\"\(esc(link))\">\(esc(e.ledger))</a></td>"
            rows += "<td data-label=\"Bills\">\(esc(bills))</td>"
            rows += "<td class=\"num\" data-label=\"Debit\">\(esc(money(e.debit)))</td><td class=\"num\" data-label=\"Credit\">\(esc(money(e.credit)))</td></tr>"
        }
        var facts = ["Dated \(CalendarDate(v.date).map(Format.date) ?? v.date)", "total \(money(v.total))"]
        if v.status != "active" { facts.append(v.status) }
        if v.postDated { facts.append("post-dated") }
        var content: [HTMLNode] = [el("h1", text: "\(v.type) \(v.number)"), el("p", ["class": "hint", "id": "voucher-facts"], text: facts.joined(separator: " · "))]
        if v.status == "optional" {
            content.append(el("p", ["class": "notice warn"], text: "Optional voucher: it is kept with its lines and bills but does not count in the books until it is regularised."))
        }
        if let reference = v.reference { content.append(el("p", text: "Reference: \(reference)")) }
        if let narration = v.narration { content.append(el("p", text: narration)) }
        content.append(el("table", ["class": "stack", "id": "entries"], [
            el("thead", [:], [el("tr", [:], [el("th", ["scope": "col"], text: "Ledger"), el("th", ["scope": "col"], text: "Bills"),
                                             el("th", ["scope": "col", "class": "num"], text: "Debit"), el("th", ["scope": "col", "class": "num"], text: "Credit")])]),
            el("tbody", [:], [.raw(rows)]),
        ]))
        var actions: [HTMLNode] = []
        if canAmend && v.status != "cancelled" {
            actions.append(el("a", ["class": "button secondary", "href": path + "/edit"], text: "Amend"))
        }
        if canAmend && v.status == "optional" {
            actions.append(el("form", ["method": "post", "action": path + "/regularise", "class": "inline-form"], [
                Layout.csrfField(chrome.csrf), el("button", ["type": "submit"], text: "Regularise"),
            ]))
        }
        if canCancel && v.status != "cancelled" {
            actions.append(el("form", ["method": "post", "action": path + "/cancel", "class": "inline-form",
                                       "data-confirm": "Cancel \(v.number)? It keeps its number and stops counting in the books."], [
                Layout.csrfField(chrome.csrf),
                el("button", ["type": "submit", "class": "danger"], text: "Cancel voucher"),
            ]))
        }
        if !actions.isEmpty { content.append(el("div", ["class": "actions"], actions)) }
        return Layout.render(chrome, content)
    }

    static func money(_ s: String?) -> String { s.flatMap { try? Money(parsing: $0) }.map(Format.rupees) ?? "" }
}

/// Tally's Day Book: every voucher of a day or range in entry order, cancelled and optional ones marked.
enum DayBookPage {
    static func render(_ vouchers: [VoucherDTO], from: CalendarDate, to: CalendarDate, companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var rows = ""
        for v in vouchers {
            let debit = v.entries.first { $0.debit != nil }?.ledger ?? ""
            rows += "<tr><td class=\"num\" data-label=\"Date\">\(esc(CalendarDate(v.date).map(Format.date) ?? v.date))</td>"
            rows += "<td data-label=\"Particulars\">\(esc(debit))\(v.narration.map { " — " + esc($0) } ?? "")</td>"
            rows += "<td data-label=\"Type\">\(esc(v.type))</td><td data-label=\"Number\"><a href=\"\(base)/vouchers/\(v.id.uuidString.lowercased())\"><code>\(esc(v.number))</code></a></td>"
            rows += "<td class=\"num\" data-label=\"Amount\">\(esc(VoucherPage.money(v.total)))</td>"
            rows += "<td data-label=\"Status\">\(v.status == "active" ? (v.postDated ? "post-dated" : "") : esc(v.status))</td></tr>"
        }
        return Layout.render(chrome, [
            el("h1", text: "Day book"),
            ReportsNav.render(base: base, current: "day-book"),
            el("form", ["method": "get", "action": base + "/reports/day-book", "class": "card filters"], [
                FormField.input("from", label: "From", value: from.description, type: "date"),
                FormField.input("to", label: "To", value: to.description, type: "date"),
                el("div", ["class": "field"], [el("button", ["type": "submit"], text: "Show")]),
            ]),
            vouchers.isEmpty ? el("p", ["class": "card"], text: "No vouchers in this period.") :
                el("div", ["class": "table-wrap"], [el("table", ["id": "day-book", "class": "stack"], [
                    el("thead", [:], [el("tr", [:], ["Date", "Particulars", "Type", "Number", "Amount", "Status"].map { h in
                        el("th", ["scope": "col", "class": h == "Amount" || h == "Date" ? "num" : ""], text: h)
                    })]),
                    el("tbody", [:], [.raw(rows)]),
                ])]),
        ])
    }
}

import Foundation
import Ledger

/// One voucher with its lines; cancelling is offered to those allowed, with a confirmation.
enum VoucherPage {
    static func render(_ v: VoucherDTO, companyID: UUID, canCancel: Bool, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        func money(_ s: String?) -> String { s.flatMap { try? Money(parsing: $0) }.map(Format.rupees) ?? "" }
        var rows = ""
        for e in v.entries {
            let link = "\(base)/reports/ledger?ledger=\(e.ledgerId.uuidString.lowercased())"
            rows += "<tr><td data-label=\"Ledger\"><a href=\"\(esc(link))\">\(esc(e.ledger))</a></td>"
            rows += "<td class=\"num\" data-label=\"Debit\">\(esc(money(e.debit)))</td><td class=\"num\" data-label=\"Credit\">\(esc(money(e.credit)))</td></tr>"
        }
        var content: [HTMLNode] = [
            el("h1", text: "\(v.type) \(v.number)"),
            el("p", ["class": "hint"], text: "Dated \(CalendarDate(v.date).map(Format.date) ?? v.date) · total \(money(v.total))"
                + (v.status == "active" ? "" : " · cancelled")),
        ]
        if let narration = v.narration { content.append(el("p", text: narration)) }
        content.append(el("table", ["class": "stack", "id": "entries"], [
            el("thead", [:], [el("tr", [:], [el("th", ["scope": "col"], text: "Ledger"), el("th", ["scope": "col", "class": "num"], text: "Debit"),
                                             el("th", ["scope": "col", "class": "num"], text: "Credit")])]),
            el("tbody", [:], [.raw(rows)]),
        ]))
        if canCancel && v.status == "active" {
            content.append(el("form", ["method": "post", "action": "\(base)/vouchers/\(v.id.uuidString.lowercased())/cancel", "class": "actions",
                                       "data-confirm": "Cancel \(v.number)? It keeps its number and stops counting in the books."], [
                Layout.csrfField(chrome.csrf),
                el("button", ["type": "submit", "class": "danger"], text: "Cancel voucher"),
            ]))
        }
        return Layout.render(chrome, content)
    }
}

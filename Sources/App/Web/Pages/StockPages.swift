import Foundation
import Ledger
import Plot

/// Stock summary (by item or godown, as of a day), an item's stock ledger, and the notification centre.
enum StockPages {
    static func summary(_ s: StockSummaryDTO, companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var rows = ""
        for r in s.rows {
            if let id = r.itemId {
                rows += "<tr><td data-label=\"Item\"><a href=\"\(base)/stock/ledger?item=\(id.uuidString.lowercased())\">\(esc(r.item))</a></td>"
            } else {
                rows += "<tr><td data-label=\"Group\">\(esc(r.item))</td>"
            }
            if s.by == "godown" { rows += "<td data-label=\"Godown\">\(esc(r.godown ?? ""))</td>" }
            rows += "<td class=\"num\" data-label=\"Quantity\">\(esc(r.quantity)) \(esc(r.unit))</td>"
            rows += "<td class=\"num\" data-label=\"Rate\">\(esc(VoucherPage.money(r.rate)))</td>"
            rows += "<td class=\"num\" data-label=\"Value\">\(esc(VoucherPage.money(r.value)))</td></tr>"
        }
        let headings = [s.by == "group" ? "Group" : "Item"] + (s.by == "godown" ? ["Godown"] : []) + ["Quantity", "Rate", "Value"]
        return Layout.render(chrome, [
            el("h1", text: "Stock summary"),
            nav(base: base, current: "stock"),
            el("form", ["method": "get", "action": base + "/stock", "class": "card filters"], [
                FormField.input("asOf", label: "As of", value: s.asOf, type: "date"),
                FormField.select("by", label: "By", options: [("item", "item"), ("group", "stock group"), ("godown", "godown")], selected: s.by, error: nil),
                el("div", ["class": "field"], [el("button", ["type": "submit"], text: "Show")]),
            ]),
            s.rows.isEmpty ? el("p", ["class": "card"], text: "No stock on this day.") :
                el("div", ["class": "table-wrap"], [el("table", ["id": "stock-summary", "class": "stack"], [
                    el("thead", [:], [el("tr", [:], headings.map { h in el("th", ["scope": "col", "class": ["Item", "Group", "Godown"].contains(h) ? "" : "num"], text: h) })]),
                    el("tbody", [:], [.raw(rows)]),
                    el("tfoot", [:], [el("tr", [:], [
                        el("th", ["scope": "row", "colspan": String(headings.count - 1)], text: "Total value"),
                        el("td", ["class": "num"], text: VoucherPage.money(s.totalValue)),
                    ])]),
                ])]),
        ])
    }

    static func ledger(_ l: StockLedgerDTO, itemID: String, companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var rows = ""
        for r in l.rows {
            rows += "<tr><td class=\"num\" data-label=\"Date\">\(esc(CalendarDate(r.date).map(Format.date) ?? r.date))</td>"
            rows += "<td data-label=\"Source\">\(esc(r.source))</td><td data-label=\"Godown\">\(esc(r.godown))\(r.batch.map { " · " + esc($0) } ?? "")</td>"
            rows += "<td class=\"num\" data-label=\"In\">\(esc(r.inward ?? ""))</td><td class=\"num\" data-label=\"Out\">\(esc(r.outward ?? ""))</td>"
            rows += "<td class=\"num\" data-label=\"Value\">\(esc(VoucherPage.money(r.value)))</td>"
            rows += "<td class=\"num\" data-label=\"Balance\">\(esc(r.balanceQuantity)) · \(esc(VoucherPage.money(r.balanceValue)))</td></tr>"
        }
        return Layout.render(chrome, [
            el("h1", text: "Stock ledger: \(l.item)"),
            nav(base: base, current: "stock"),
            el("form", ["method": "get", "action": base + "/stock/ledger", "class": "card filters"], [
                el("input", ["type": "hidden", "name": "item", "value": itemID]),
                FormField.input("from", label: "From", value: l.from, type: "date"),
                FormField.input("to", label: "To", value: l.to, type: "date"),
                el("div", ["class": "field"], [el("button", ["type": "submit"], text: "Show")]),
            ]),
            el("p", ["class": "card", "id": "stock-opening"],
               text: "\(l.valuationMethod == .fifo ? "FIFO" : "Weighted average"). Opening \(l.openingQuantity) worth \(VoucherPage.money(l.openingValue)); closing \(l.closingQuantity) worth \(VoucherPage.money(l.closingValue))."),
            el("div", ["class": "table-wrap"], [el("table", ["id": "stock-ledger", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["Date", "Source", "Godown", "In", "Out", "Value", "Balance"].map { h in
                    el("th", ["scope": "col", "class": ["Source", "Godown"].contains(h) ? "" : "num"], text: h)
                })]),
                el("tbody", [:], [.raw(rows)]),
            ])]),
        ])
    }

    static func notifications(_ list: [NotificationDTO], companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        let items: [HTMLNode] = list.map { n in
            var parts: [HTMLNode] = [
                el("h2", text: n.title), el("p", text: n.body),
                el("p", ["class": "hint"], text: Format.timestamp(ISO8601DateFormatter().string(from: n.createdAt)) + (n.read ? " · read" : "")),
            ]
            if let link = n.link { parts.append(el("p", [:], [el("a", ["href": base + "/" + link.replacingOccurrences(of: "reports/", with: "stock/")], text: "Open")])) }
            if !n.read {
                parts.append(el("form", ["method": "post", "action": "\(base)/notifications/\(n.id.uuidString.lowercased())/read", "class": "inline-form"], [
                    Layout.csrfField(chrome.csrf), el("button", ["type": "submit", "class": "secondary"], text: "Mark read"),
                ]))
            }
            return el("li", ["class": n.read ? "card read" : "card unread"], parts)
        }
        return Layout.render(chrome, [
            el("h1", text: "Notifications"),
            list.isEmpty ? el("p", ["class": "card"], text: "Nothing needs your attention.") : el("ul", ["id": "notifications", "class": "plain"], items),
        ])
    }

    static func nav(base: String, current: String) -> HTMLNode {
        let links = [("stock", "Stock summary", base + "/stock"), ("batches", "Batches", base + "/stock/batches"), ("reorder", "Reorder", base + "/stock/reorder"),
                     ("ageing", "Ageing", base + "/stock/ageing"), ("godowns", "Godowns", base + "/stock/godowns"),
                     ("groups", "Stock groups", base + "/stock/groups"), ("units", "Units", base + "/stock/units"),
                     ("count", "Physical count", base + "/stock/count"),
                     ("journal", "New stock journal", base + "/stock/journals/new"), ("orders", "Orders and notes", base + "/stock/orders"),
                     ("items", "Items", base + "/items")]
        return el("nav", ["aria-label": "Stock", "class": "actions report-nav"], links.map { key, label, href in
            key == current ? el("a", ["href": href, "aria-current": "page"], text: label) : el("a", ["href": href], text: label)
        })
    }

    /// A plain report table under the stock tabs: headings, then rows of cells (numbers right-aligned). With
    /// `drill`, a row's first cell links to that item's stock ledger (the movements behind the row).
    static func table(_ title: String, current: String, id: String, headings: [String], numeric: Set<String>, rows: [[String]], empty: String,
                      companyID: UUID, chrome: Chrome, drill: [UUID?]? = nil, extra: [HTMLNode] = []) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var body = ""
        for (r, row) in rows.enumerated() {
            body += "<tr>" + zip(headings, row).enumerated().map { c, pair in
                let (h, cell) = pair
                var text = esc(cell)
                if c == 0, let item = drill?[r] { text = "<a href=\"\(base)/stock/ledger?item=\(item.uuidString.lowercased())\">\(text)</a>" }
                return "<td data-label=\"\(esc(h))\"\(numeric.contains(h) ? " class=\"num\"" : "")>\(text)</td>"
            }.joined() + "</tr>"
        }
        return Layout.render(chrome, [el("h1", text: title), nav(base: base, current: current)] + extra + [
            rows.isEmpty ? el("p", ["class": "card"], text: empty) :
                el("div", ["class": "table-wrap"], [el("table", ["id": id, "class": "stack"], [
                    el("thead", [:], [el("tr", [:], headings.map { h in el("th", ["scope": "col", "class": numeric.contains(h) ? "num" : ""], text: h) })]),
                    el("tbody", [:], [.raw(body)]),
                ])]),
        ])
    }

    static let journalLines = 6

    /// Stock journal entry: kind, date and up to six lines, each error beside the field it names.
    static func journalEntry(values v: [String: String], errors e: [String: String], items: [String], units: [String], godowns: [String], companyID: UUID,
                             chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        let lines: [HTMLNode] = (0..<journalLines).map { i in
            let f = "lines[\(i)]"
            return el("fieldset", ["class": "grid line"], [
                el("legend", ["class": "skip"], text: "Line \(i + 1)"),
                FormField.input("item\(i)", label: "Item", value: v["item\(i)"] ?? "", error: e[f + ".item"],
                                extra: [.attribute(named: "list", value: "item-names"), .attribute(named: "autocomplete", value: "off")]),
                FormField.input("quantity\(i)", label: "Quantity", value: v["quantity\(i)"] ?? "", error: e[f + ".quantity"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
                FormField.input("unit\(i)", label: "Unit", value: v["unit\(i)"] ?? "", error: e[f + ".unit"],
                                extra: [.attribute(named: "list", value: "unit-names"), .attribute(named: "autocomplete", value: "off")]),
                FormField.input("batch\(i)", label: "Batch", value: v["batch\(i)"] ?? "", error: e[f + ".batch"]),
                FormField.input("fromGodown\(i)", label: "From godown", value: v["fromGodown\(i)"] ?? "", error: e[f + ".fromGodown"],
                                extra: [.attribute(named: "list", value: "godown-names")]),
                FormField.input("toGodown\(i)", label: "To godown", value: v["toGodown\(i)"] ?? "", error: e[f + ".toGodown"],
                                extra: [.attribute(named: "list", value: "godown-names")]),
                FormField.input("rate\(i)", label: "Rate (₹, stock in)", value: v["rate\(i)"] ?? "", error: e[f + ".rate"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
            ])
        }
        var content: [HTMLNode] = [el("h1", text: "New stock journal"), nav(base: base, current: "journal")]
        if let error = e[""] { content.append(el("div", ["class": "notice error-box", "role": "alert"], text: error)) }
        content.append(el("form", ["method": "post", "action": base + "/stock/journals/new", "class": "card", "novalidate": nil], [
            Layout.csrfField(chrome.csrf),
            el("div", ["class": "grid"], [
                FormField.select("kind", label: "Kind", options: StockJournalKind.entered.map { ($0.rawValue, $0.rawValue) }, selected: v["kind"] ?? "transfer",
                                 error: e["kind"]),
                FormField.input("date", label: "Date", value: v["date"] ?? "", type: "date", error: e["date"], required: true),
                FormField.input("narration", label: "Narration", value: v["narration"] ?? "", error: e["narration"]),
            ]),
            el("p", ["class": "hint"], text: "Transfer: both godowns. Consumption and production: from godown (Main Location if empty). Adjustment: to godown with a rate (found) or from godown (lost)."),
            el("datalist", ["id": "item-names"], items.map { el("option", ["value": $0]) }),
            el("datalist", ["id": "unit-names"], units.map { el("option", ["value": $0]) }),
            el("datalist", ["id": "godown-names"], godowns.map { el("option", ["value": $0]) }),
        ] + lines + [
            el("p", ["class": "actions"], [
                el("button", ["type": "submit"], text: "Save journal"),
                el("a", ["class": "button secondary", "href": base + "/stock"], text: "Cancel"),
            ]),
        ]))
        return Layout.render(chrome, content)
    }

    /// The API body the journal form stands for; blank lines are skipped and the form's line numbers kept.
    static func journalBody(_ form: [String: String]) -> (JSONValue, [Int]) {
        let (lines, filled) = WebForm.rows(form, count: journalLines, keys: ["item", "quantity"], optional: ["unit", "batch", "fromGodown", "toGodown", "rate"])
        var body: [String: JSONValue] = ["kind": .string(form["kind"] ?? "transfer"), "date": .string(form["date"] ?? ""), "lines": .array(lines)]
        if let n = form["narration"], !n.isEmpty { body["narration"] = .string(n) }
        return (.object(body), filled)
    }

    /// Orders and notes: what is outstanding on open orders, and a form for a new order or note.
    static func orders(outstanding: [TradeController.OutstandingDTO.Row], openOrders: [(String, String)], values v: [String: String],
                       errors e: [String: String], items: [String], units: [String], parties: [String], companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var rows = ""
        for r in outstanding {
            rows += "<tr><td data-label=\"Order\">\(r.number)</td><td data-label=\"Date\">\(esc(r.date))</td><td data-label=\"Party\">\(esc(r.party))</td>"
            rows += "<td data-label=\"Item\">\(esc(r.item))</td><td class=\"num\" data-label=\"Ordered\">\(esc(r.ordered))</td>"
            rows += "<td class=\"num\" data-label=\"Pending\">\(esc(r.pending))</td></tr>"
        }
        let lines: [HTMLNode] = (0..<journalLines).map { i in
            let f = "lines[\(i)]"
            return el("fieldset", ["class": "grid line"], [
                el("legend", ["class": "skip"], text: "Line \(i + 1)"),
                FormField.input("item\(i)", label: "Item", value: v["item\(i)"] ?? "", error: e[f + ".item"],
                                extra: [.attribute(named: "list", value: "item-names"), .attribute(named: "autocomplete", value: "off")]),
                FormField.input("quantity\(i)", label: "Quantity", value: v["quantity\(i)"] ?? "", error: e[f + ".quantity"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
                FormField.input("unit\(i)", label: "Unit", value: v["unit\(i)"] ?? "", error: e[f + ".unit"],
                                extra: [.attribute(named: "list", value: "unit-names"), .attribute(named: "autocomplete", value: "off")]),
                FormField.input("rate\(i)", label: "Rate (₹)", value: v["rate\(i)"] ?? "", error: e[f + ".rate"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
                FormField.input("godown\(i)", label: "Godown (notes)", value: v["godown\(i)"] ?? "", error: e[f + ".godown"]),
                FormField.input("batch\(i)", label: "Batch (notes)", value: v["batch\(i)"] ?? "", error: e[f + ".batch"]),
            ])
        }
        var content: [HTMLNode] = [el("h1", text: "Orders and notes"), nav(base: base, current: "orders")]
        if let error = e[""] { content.append(el("div", ["class": "notice error-box", "role": "alert"], text: error)) }
        content.append(outstanding.isEmpty ? el("p", ["class": "card"], text: "No order is waiting for goods.") :
            el("div", ["class": "table-wrap"], [el("table", ["id": "order-outstanding", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["Order", "Date", "Party", "Item", "Ordered", "Pending"].map { h in
                    el("th", ["scope": "col", "class": ["Ordered", "Pending"].contains(h) ? "num" : ""], text: h)
                })]),
                el("tbody", [:], [.raw(rows)]),
            ])]))
        content.append(el("form", ["method": "post", "action": base + "/stock/orders", "class": "card", "novalidate": nil], [
            Layout.csrfField(chrome.csrf),
            el("h2", text: "New order or note"),
            el("div", ["class": "grid"], [
                FormField.select("kind", label: "Kind", options: TradeKind.allCases.map { ($0.rawValue, $0.title) }, selected: v["kind"] ?? "sales-order",
                                 error: e["kind"]),
                FormField.input("date", label: "Date", value: v["date"] ?? "", type: "date", error: e["date"], required: true),
                FormField.input("party", label: "Party", value: v["party"] ?? "", error: e["party"],
                                extra: [.attribute(named: "list", value: "party-names"), .attribute(named: "autocomplete", value: "off")]),
                FormField.select("order", label: "Fulfils order (notes)", options: [("", "—")] + openOrders, selected: v["order"] ?? "", error: e["order"]),
            ]),
            el("datalist", ["id": "item-names"], items.map { el("option", ["value": $0]) }),
            el("datalist", ["id": "unit-names"], units.map { el("option", ["value": $0]) }),
            el("datalist", ["id": "party-names"], parties.map { el("option", ["value": $0]) }),
        ] + lines + [el("p", ["class": "actions"], [el("button", ["type": "submit"], text: "Save")])]))
        return Layout.render(chrome, content)
    }
}

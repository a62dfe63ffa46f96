import Foundation
import GSTKit
import Ledger

/// Items, invoices (entry with a live tax preview, printable invoice) and the GST returns page.
enum GSTNav {
    static func render(base: String, current: String) -> HTMLNode {
        let links = [("invoices", "Invoices", "/invoices"), ("items", "Items", "/items"), ("returns", "GST returns", "/gst/returns")]
        return el("nav", ["aria-label": "GST", "class": "actions report-nav"], links.map { key, label, path in
            key == current ? el("a", ["href": base + path, "aria-current": "page"], text: label) : el("a", ["href": base + path], text: label)
        })
    }
}

enum ItemsPage {
    struct Model: Sendable {
        var companyID: UUID
        var items: [ItemDTO]
        var canEdit: Bool
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())"
        var rows = ""
        for i in m.items {
            rows += "<tr><td data-label=\"Item\">\(esc(i.name))</td><td data-label=\"HSN/SAC\"><code>\(esc(i.hsn))</code></td>"
            rows += "<td data-label=\"Unit\">\(esc(i.unit))</td><td data-label=\"Taxability\">\(esc(i.taxability.rawValue))</td>"
            rows += "<td class=\"num\" data-label=\"GST\">\(esc(i.gstRate.map { $0 + "%" } ?? "—"))</td>"
            rows += "<td class=\"num\" data-label=\"Cess\">\(esc(i.cessRate.map { $0 == "0" ? "" : $0 + "%" } ?? ""))</td></tr>"
        }
        var content: [HTMLNode] = [
            el("h1", text: "Items and services"), GSTNav.render(base: base, current: "items"),
            m.items.isEmpty ? el("p", ["class": "card"], text: "No items yet.") : el("div", ["class": "table-wrap"], [el("table", ["id": "items", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["Item", "HSN/SAC", "Unit", "Taxability", "GST", "Cess"].map { h in
                    el("th", ["scope": "col", "class": h == "GST" || h == "Cess" ? "num" : ""], text: h)
                })]),
                el("tbody", [:], [.raw(rows)]),
            ])]),
        ]
        if m.canEdit {
            let v = m.values, e = m.errors
            content.append(el("h2", text: "New item"))
            content.append(el("form", ["method": "post", "action": base + "/items", "class": "card", "novalidate": nil], [
                Layout.csrfField(chrome.csrf),
                el("div", ["class": "grid"], [
                    FormField.input("name", label: "Name", value: v["name"] ?? "", error: e["name"], required: true),
                    FormField.input("hsn", label: "HSN / SAC", value: v["hsn"] ?? "", error: e["hsn"] ?? e["kind"], hint: "4, 6 or 8 digits; services start with 99.",
                                    extra: [.attribute(named: "inputmode", value: "numeric")]),
                    FormField.input("unit", label: "Unit (UQC)", value: v["unit"] ?? "", error: e["unit"], hint: "NOS, KGS, LTR, PCS…; NA for services."),
                ]),
                el("div", ["class": "grid"], [
                    FormField.select("taxability", label: "Taxability", options: Taxability.allCases.map { ($0.rawValue, $0.rawValue) },
                                     selected: v["taxability"] ?? "taxable", error: e["taxability"]),
                    FormField.input("gstRate", label: "GST rate (%)", value: v["gstRate"] ?? "", error: e["gstRate"],
                                    extra: [.attribute(named: "inputmode", value: "decimal")]),
                    FormField.input("cessRate", label: "Cess rate (%)", value: v["cessRate"] ?? "", error: e["cessRate"],
                                    extra: [.attribute(named: "inputmode", value: "decimal")]),
                    FormField.input("rateFrom", label: "Rate applies from", value: v["rateFrom"] ?? "", type: "date", error: e["rateFrom"]),
                ]),
                el("div", ["class": "grid"], [
                    FormField.input("openingQuantity", label: "Opening stock (quantity)", value: v["openingQuantity"] ?? "", error: e["openingQuantity"],
                                    hint: "In Main Location at books-beginning.", extra: [.attribute(named: "inputmode", value: "decimal")]),
                    FormField.input("openingRate", label: "Opening rate (₹ per unit)", value: v["openingRate"] ?? "", error: e["openingRate"],
                                    extra: [.attribute(named: "inputmode", value: "decimal")]),
                ]),
                el("p", ["class": "actions"], [el("button", ["type": "submit", "data-shortcut": "create"], text: "Create item")]),
            ]))
        }
        return Layout.render(chrome, content)
    }
}

enum InvoiceListPage {
    static func render(_ invoices: [InvoiceDTO], companyID: UUID, canCreate: Bool, nextCursor: String?, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var rows = ""
        for i in invoices {
            rows += "<tr><td class=\"num\" data-label=\"Date\">\(esc(CalendarDate(i.date).map(Format.date) ?? i.date))</td>"
            rows += "<td data-label=\"Kind\">\(esc(i.kind.rawValue))</td>"
            rows += "<td data-label=\"Number\"><a href=\"\(base)/invoices/\(i.id.uuidString.lowercased())\"><code>\(esc(i.number))</code></a></td>"
            rows += "<td data-label=\"Party\">\(esc(i.party))</td><td class=\"num\" data-label=\"Taxable\">\(esc(VoucherPage.money(i.totals.taxable)))</td>"
            rows += "<td class=\"num\" data-label=\"Tax\">\(esc(VoucherPage.money(i.totals.tax)))</td>"
            rows += "<td class=\"num\" data-label=\"Total\">\(esc(VoucherPage.money(i.totals.total)))</td>"
            rows += "<td data-label=\"Status\">\(i.status == "active" ? "" : esc(i.status))</td></tr>"
        }
        var content: [HTMLNode] = [el("h1", text: "Invoices"), GSTNav.render(base: base, current: "invoices")]
        if canCreate {
            content.append(el("p", [:], [el("a", ["class": "button", "href": base + "/invoices/new", "data-shortcut": "create"], text: "New invoice")]))
        }
        content.append(invoices.isEmpty ? el("p", ["class": "card"], text: "No invoices yet.") :
            el("div", ["class": "table-wrap"], [el("table", ["id": "invoices", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["Date", "Kind", "Number", "Party", "Taxable", "Tax", "Total", "Status"].map { h in
                    el("th", ["scope": "col", "class": ["Date", "Taxable", "Tax", "Total"].contains(h) ? "num" : ""], text: h)
                })]),
                el("tbody", [:], [.raw(rows)]),
            ])]))
        if let next = nextCursor {
            content.append(el("nav", ["class": "pager", "aria-label": "Pages"], [el("a", ["href": base + "/invoices?cursor=" + next, "rel": "next"], text: "Older invoices")]))
        }
        return Layout.render(chrome, content)
    }
}

/// Invoice entry: the party and lines as a Tally user types them; the tax preview beside them is computed by the
/// server with the same code that will post the invoice (app.js asks as you type).
enum InvoiceEntryPage {
    struct Model: Sendable {
        var companyID: UUID
        var parties: [String]
        var items: [String]
        var values: [String: String]
        var errors: [String: String] = [:]
        var error: String? = nil
        static let lines = 5
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())"
        let v = m.values, e = m.errors
        var lines: [HTMLNode] = []
        for i in 0..<Model.lines {
            let f = "lines[\(i)]"
            lines.append(el("fieldset", ["class": "invoice-line"], [
                el("legend", ["class": "skip"], text: "Line \(i + 1)"),
                FormField.input("item\(i)", label: "Item", value: v["item\(i)"] ?? "", error: e[f + ".item"],
                                extra: [.attribute(named: "list", value: "item-names"), .attribute(named: "autocomplete", value: "off")]),
                FormField.input("quantity\(i)", label: "Quantity", value: v["quantity\(i)"] ?? "", error: e[f + ".quantity"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
                FormField.input("rate\(i)", label: "Rate (₹)", value: v["rate\(i)"] ?? "", error: e[f + ".rate"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
                FormField.input("discount\(i)", label: "Discount (₹)", value: v["discount\(i)"] ?? "", error: e[f + ".discount"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
            ]))
        }
        var content: [HTMLNode] = [el("h1", text: "New invoice")]
        if let error = m.error { content.append(el("div", ["class": "notice error-box", "role": "alert"], text: error)) }
        content.append(el("form", ["method": "post", "action": base + "/invoices/new", "class": "card invoice-form", "novalidate": nil,
                                   "data-preview": base + "/invoices/preview"], [
            Layout.csrfField(chrome.csrf),
            el("div", ["class": "grid"], [
                FormField.select("kind", label: "Kind", options: InvoiceKind.allCases.map { ($0.rawValue, $0.rawValue) }, selected: v["kind"] ?? "sales",
                                 error: e["kind"]),
                FormField.input("party", label: "Party", value: v["party"] ?? "", error: e["party"],
                                extra: [.attribute(named: "list", value: "party-names"), .attribute(named: "autocomplete", value: "off")]),
                FormField.input("date", label: "Date", value: v["date"] ?? "", type: "date", error: e["date"], required: true),
                FormField.input("number", label: "Supplier's number (purchases)", value: v["number"] ?? "", error: e["number"]),
            ]),
            el("div", ["class": "grid"], [
                FormField.input("placeOfSupply", label: "Place of supply (state code)", value: v["placeOfSupply"] ?? "", error: e["placeOfSupply"],
                                hint: "Left empty, it follows the party.", extra: [.attribute(named: "inputmode", value: "numeric")]),
                FormField.select("supplyType", label: "Supply type", options: SupplyType.allCases.map { ($0.rawValue, $0.rawValue) },
                                 selected: v["supplyType"] ?? "regular", error: e["supplyType"]),
                FormField.input("originalInvoice", label: "Original (notes: the invoice; adjustments: the advance)", value: v["originalInvoice"] ?? "",
                                error: e["originalInvoice"]),
                FormField.input("account", label: "Bank or cash (advance receipts and refunds)", value: v["account"] ?? "", error: e["account"],
                                extra: [.attribute(named: "list", value: "party-names"), .attribute(named: "autocomplete", value: "off")]),
            ]),
            el("datalist", ["id": "party-names"], m.parties.map { el("option", ["value": $0]) }),
            el("datalist", ["id": "item-names"], m.items.map { el("option", ["value": $0]) }),
        ] + lines + [
            FormField.checkbox("reverseCharge", label: "Reverse charge", checked: v["reverseCharge"] == "true"),
            FormField.checkbox("roundOff", label: "Round the total to the rupee", checked: v["roundOff"] == "true"),
            el("section", ["id": "tax-preview", "class": "card", "aria-live": "polite", "aria-label": "Tax preview"],
               [el("p", ["class": "hint"], text: e["lines"] ?? "The tax appears here as you fill in the lines.")]),
            el("p", ["class": "actions"], [
                el("button", ["type": "submit"], text: "Save invoice"),
                el("a", ["class": "button secondary", "href": base + "/invoices"], text: "Cancel"),
            ]),
        ]))
        return Layout.render(chrome, content)
    }

    /// The API body the form stands for; blank lines are skipped and the form's line numbers kept for errors.
    static func body(_ form: [String: String]) -> (JSONValue, [Int]) {
        let (lines, filled) = WebForm.rows(form, count: Model.lines, keys: ["item", "quantity", "rate"], optional: ["discount"])
        var body: [String: JSONValue] = ["kind": .string(form["kind"] ?? "sales"), "party": .string(form["party"] ?? ""),
                                         "date": .string(form["date"] ?? ""), "lines": .array(lines)]
        for key in ["number", "placeOfSupply", "supplyType", "originalInvoice", "account"] { if let v = form[key], !v.isEmpty { body[key] = .string(v) } }
        if form["reverseCharge"] == "true" { body["reverseCharge"] = true }
        if form["roundOff"] == "true" { body["roundOff"] = true }
        return (.object(body), filled)
    }

    static func errors(_ e: APIError, filled: [Int]) -> [String: String] { WebForm.errors(e, rows: "lines", filled: filled) }
}

/// The printable invoice with what Rule 46 asks for: supplier and recipient with GSTINs and addresses, number and
/// date, place of supply with its state, HSN, description, quantity and unit, taxable value, each tax's rate and
/// amount, reverse charge, the total in figures and in words, and a signature line.
enum InvoicePrintPage {
    static func render(_ i: InvoiceDTO, supplier: TradeParty, recipient: TradeParty, companyID: UUID, chrome: Chrome) -> String {
        let kindTitle: String = switch i.kind {
        case .sales: "Tax invoice"
        case .purchase: "Purchase invoice"
        case .creditNote: "Credit note"
        case .debitNote: "Debit note"
        case .advanceReceipt: "Receipt voucher (advance)"
        case .advanceAdjustment: "Advance adjustment"
        case .advanceRefund: "Refund voucher (advance)"
        }
        let title = i.billOfSupply ? "Bill of supply" : kindTitle
        func block(_ heading: String, _ p: TradeParty) -> HTMLNode {
            el("div", ["class": "party"], [
                el("h2", text: heading), el("p", [:], [el("strong", text: p.legalName)]),
                el("p", text: [p.address, p.place, p.pincode ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")),
                el("p", text: "State: \(StateCode(p.stateCode)?.name ?? p.stateCode) (\(p.stateCode))"),
                el("p", text: "GSTIN: \(p.gstin ?? "Unregistered")"),
            ])
        }
        var rows = ""
        for (n, l) in i.lines.enumerated() {
            let tax = l.igst != "0.00" ? "IGST \(l.gstRate)% \(VoucherPage.money(l.igst))"
                : l.cgst != "0.00" ? "CGST \(TaxRate(milli: (try? TaxRate(parsing: l.gstRate))?.half.milli ?? 0))% \(VoucherPage.money(l.cgst)) · \(l.utgst ? "UTGST" : "SGST") \(VoucherPage.money(l.sgst))"
                : l.treatment.rawValue
            rows += "<tr><td data-label=\"#\">\(n + 1)</td><td data-label=\"Description\">\(esc(l.description))</td>"
            rows += "<td data-label=\"HSN/SAC\"><code>\(esc(l.hsn))</code></td><td class=\"num\" data-label=\"Qty\">\(esc(l.quantity)) \(esc(l.unit))</td>"
            rows += "<td class=\"num\" data-label=\"Rate\">\(esc(VoucherPage.money(l.rate)))</td><td class=\"num\" data-label=\"Discount\">\(esc(VoucherPage.money(l.discount)))</td>"
            rows += "<td class=\"num\" data-label=\"Taxable\">\(esc(VoucherPage.money(l.taxable)))</td><td data-label=\"Tax\">\(esc(tax))\(l.cess != "0.00" ? " · Cess \(esc(VoucherPage.money(l.cess)))" : "")</td>"
            rows += "<td class=\"num\" data-label=\"Amount\">\(esc(VoucherPage.money(l.total)))</td></tr>"
        }
        let total = (try? Money(parsing: i.totals.total)) ?? .zero
        var facts: [HTMLNode] = [
            el("p", text: "Number: \(i.number) · Date: \(CalendarDate(i.date).map(Format.date) ?? i.date)"),
            el("p", text: "Place of supply: \(StateCode(i.placeOfSupply)?.name ?? (i.placeOfSupply == "96" ? "Outside India" : i.placeOfSupply)) (\(i.placeOfSupply))"),
            el("p", text: "Tax payable on reverse charge: \(i.reverseCharge ? "Yes" : "No")"),
        ]
        if i.supplyType != .regular { facts.append(el("p", text: "Supply type: \(i.supplyType.rawValue)")) }
        if i.status != "active" { facts.append(el("p", ["class": "notice warn"], text: "This invoice is \(i.status).")) }
        return Layout.render(chrome, [
            el("article", ["class": "invoice card", "id": "invoice"], [
                el("h1", text: title),
                el("div", ["class": "grid"], [block("Supplier", supplier), block("Recipient", recipient)]),
            ] + facts + [
                el("div", ["class": "table-wrap"], [el("table", ["class": "stack", "id": "invoice-lines"], [
                    el("thead", [:], [el("tr", [:], ["#", "Description", "HSN/SAC", "Qty", "Rate", "Discount", "Taxable value", "Tax", "Amount"].map { h in
                        el("th", ["scope": "col", "class": ["Qty", "Rate", "Discount", "Taxable value", "Amount"].contains(h) ? "num" : ""], text: h)
                    })]),
                    el("tbody", [:], [.raw(rows)]),
                ])]),
                el("dl", ["class": "totals"], [
                    el("dt", text: "Taxable value"), el("dd", text: VoucherPage.money(i.totals.taxable)),
                    el("dt", text: "CGST"), el("dd", text: VoucherPage.money(i.totals.cgst)),
                    el("dt", text: "SGST/UTGST"), el("dd", text: VoucherPage.money(i.totals.sgst)),
                    el("dt", text: "IGST"), el("dd", text: VoucherPage.money(i.totals.igst)),
                    el("dt", text: "Cess"), el("dd", text: VoucherPage.money(i.totals.cess)),
                    el("dt", text: "Round off"), el("dd", text: VoucherPage.money(i.totals.roundOff)),
                    el("dt", text: "Total"), el("dd", [:], [el("strong", text: Format.rupees(total))]),
                ]),
                el("p", ["id": "amount-in-words"], text: total.inWords),
                el("p", ["class": "signature"], text: "For \(supplier.legalName) — Authorised signatory"),
            ]),
            el("p", ["class": "actions no-print"], [
                el("button", ["type": "button", "onclick": "window.print()"], text: "Print"),
                el("a", ["class": "button secondary", "href": "/app/c/\(companyID.uuidString.lowercased())/vouchers/\(i.voucherId.uuidString.lowercased())"],
                   text: "Its voucher"),
            ]),
        ])
    }
}

enum GSTReturnsPage {
    struct Model: Sendable {
        var companyID: UUID
        var registrations: [String]
        var gstin: String?
        var period: String
        var gstr1: GSTR1?
        var gstr3b: GSTR3B?
        var issues: [ReturnIssue]
        var error: String?
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())"
        var content: [HTMLNode] = [
            el("h1", text: "GST returns"), GSTNav.render(base: base, current: "returns"),
            el("form", ["method": "get", "action": base + "/gst/returns", "class": "card filters"], [
                FormField.select("gstin", label: "Registration", options: m.registrations.map { ($0, $0) }, selected: m.gstin),
                FormField.input("period", label: "Month", value: m.period, type: "month"),
                el("div", ["class": "field"], [el("button", ["type": "submit"], text: "Show")]),
            ]),
        ]
        if let error = m.error { content.append(el("div", ["class": "notice error-box", "role": "alert"], text: error)) }
        if let r1 = m.gstr1, let gstin = m.gstin {
            let q = "?gstin=\(gstin)&period=\(m.period)"
            content.append(el("p", ["class": "actions"], [
                el("a", ["class": "button", "href": base + "/gst/gstr1.json" + q, "download": nil], text: "Download GSTR-1 JSON"),
                el("a", ["class": "button secondary", "href": base + "/gst/gstr3b.json" + q, "download": nil], text: "Download GSTR-3B JSON"),
            ]))
            content.append(el("h2", text: "Before you upload"))
            if m.issues.isEmpty {
                content.append(el("p", ["class": "notice ok", "id": "validation"], text: "No invoice would be rejected."))
            } else {
                content.append(el("ul", ["class": "notice error-box", "id": "validation"], m.issues.map { i in
                    el("li", text: "\(i.number): \(i.field) \(i.message)")
                }))
            }
            func money(_ a: Amount) -> String { Format.rupees(Money(paise: a.paise)) }
            // The return was built only after its documents were found to add up (GSTDocument.checkSummable),
            // so these sums fit; a failure would show as zero rather than stop the page.
            func total<T>(_ xs: [T], _ figure: (T) -> Amount) -> Amount { Amount(paise: (try? Checked.sum(xs.map { figure($0).paise })) ?? 0) }
            func total(_ xs: Amount...) -> Amount { total(xs) { $0 } }
            let sections: [(String, Int, Amount)] = [
                ("B2B invoices", (r1.b2b ?? []).reduce(0) { $0 + $1.inv.count }, total((r1.b2b ?? []).flatMap(\.inv).flatMap(\.itms)) { $0.itm_det.txval }),
                ("B2C large", (r1.b2cl ?? []).reduce(0) { $0 + $1.inv.count }, total((r1.b2cl ?? []).flatMap(\.inv).flatMap(\.itms)) { $0.itm_det.txval }),
                ("B2C small (rows)", r1.b2cs?.count ?? 0, total((r1.b2cs ?? [])) { $0.txval }),
                ("Credit/debit notes, registered", (r1.cdnr ?? []).reduce(0) { $0 + $1.nt.count }, total((r1.cdnr ?? []).flatMap(\.nt).flatMap(\.itms)) { $0.itm_det.txval }),
                ("Credit/debit notes, unregistered", r1.cdnur?.count ?? 0, total((r1.cdnur ?? []).flatMap(\.itms)) { $0.itm_det.txval }),
                ("Exports", (r1.exp ?? []).reduce(0) { $0 + $1.inv.count }, total((r1.exp ?? []).flatMap(\.inv).flatMap(\.itms)) { $0.txval }),
            ]
            content.append(el("h2", text: "GSTR-1"))
            content.append(el("table", ["class": "stack", "id": "gstr1-summary"], [
                el("thead", [:], [el("tr", [:], [el("th", ["scope": "col"], text: "Section"), el("th", ["scope": "col", "class": "num"], text: "Documents"),
                                                 el("th", ["scope": "col", "class": "num"], text: "Taxable value")])]),
                el("tbody", [:], sections.map { name, count, value in
                    el("tr", [:], [el("td", text: name), el("td", ["class": "num"], text: String(count)), el("td", ["class": "num"], text: money(value))])
                }),
            ]))
            if let r3 = m.gstr3b {
                let s = r3.sup_details
                let rows: [(String, Amount, Amount)] = [
                    ("3.1(a) Outward taxable", s.osup_det.txval, total(s.osup_det.iamt, s.osup_det.camt, s.osup_det.samt, s.osup_det.csamt)),
                    ("3.1(b) Zero-rated", s.osup_zero.txval, total(s.osup_zero.iamt, s.osup_zero.csamt)),
                    ("3.1(c) Nil-rated and exempt", s.osup_nil_exmp.txval, 0),
                    ("3.1(d) Inward, reverse charge", s.isup_rev.txval, total(s.isup_rev.iamt, s.isup_rev.camt, s.isup_rev.samt, s.isup_rev.csamt)),
                    ("3.1(e) Non-GST", s.osup_nongst.txval, 0),
                    ("4(C) Net ITC", 0, total(r3.itc_elg.itc_net.iamt, r3.itc_elg.itc_net.camt, r3.itc_elg.itc_net.samt, r3.itc_elg.itc_net.csamt)),
                ]
                content.append(el("h2", text: "GSTR-3B"))
                content.append(el("table", ["class": "stack", "id": "gstr3b-summary"], [
                    el("thead", [:], [el("tr", [:], [el("th", ["scope": "col"], text: "Table"), el("th", ["scope": "col", "class": "num"], text: "Value"),
                                                     el("th", ["scope": "col", "class": "num"], text: "Tax")])]),
                    el("tbody", [:], rows.map { name, value, tax in
                        el("tr", [:], [el("td", text: name), el("td", ["class": "num"], text: money(value)), el("td", ["class": "num"], text: money(tax))])
                    }),
                ]))
            }
        }
        return Layout.render(chrome, content)
    }
}

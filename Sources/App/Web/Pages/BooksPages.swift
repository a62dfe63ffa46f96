import Foundation
import Ledger

/// Pages of the books: the chart of accounts, the voucher list and entry form, and the reports.
enum AccountsPage {
    struct Model: Sendable {
        var companyID: UUID
        var groups: [GroupRow]
        var ledgers: [LedgerRow]
        var closing: [UUID: Int64]
        var canEdit = false
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        var children: [UUID?: [GroupRow]] = [:]
        for g in m.groups { children[g.parent_id, default: []].append(g) }
        var ledgersByGroup: [UUID: [LedgerRow]] = [:]
        for l in m.ledgers { ledgersByGroup[l.group_id, default: []].append(l) }
        let base = "/app/c/\(m.companyID.uuidString.lowercased())"
        var html = ""
        func walk(_ parent: UUID?, depth: Int) {
            for g in (children[parent] ?? []).sorted(by: { $0.name < $1.name }) {
                html += "<tr class=\"group\"><th scope=\"row\" class=\"depth-\(min(depth, 5))\">\(esc(g.name))</th><td>\(esc(g.nature.rawValue))</td><td></td><td></td></tr>"
                for l in (ledgersByGroup[g.id] ?? []).sorted(by: { $0.name < $1.name }) {
                    let balance = Balance(signed: m.closing[l.id] ?? 0)
                    let link = "\(base)/reports/ledger?ledger=\(l.id.uuidString.lowercased())"
                    html += "<tr><td class=\"depth-\(min(depth + 1, 6))\"><a href=\"\(esc(link))\">\(esc(l.name))</a>\(l.active ? "" : " (inactive)")</td>"
                    html += "<td data-label=\"Group\">\(esc(g.name))</td><td class=\"num\" data-label=\"Balance\">\(esc(Format.rupees(balance.amount))) \(balance.side.rawValue)</td>"
                    html += m.canEdit ? "<td><a href=\"\(base)/accounts/ledgers/\(l.id.uuidString.lowercased())\" aria-label=\"Edit \(esc(l.name))\">Edit</a></td></tr>" : "<td></td></tr>"
                }
                walk(g.id, depth: depth + 1)
            }
        }
        walk(nil, depth: 0)
        var actions: [HTMLNode] = []
        if m.canEdit {
            actions = [el("p", ["class": "actions"], [
                el("a", ["class": "button", "href": base + "/accounts/ledgers/new", "data-shortcut": "create"], text: "New ledger"),
                el("a", ["class": "button secondary", "href": base + "/accounts/groups/new"], text: "New group"),
            ])]
        }
        return Layout.render(chrome, [
            el("h1", text: "Chart of accounts"),
            el("p", ["class": "hint"], text: "Tally's groups with your ledgers under them. Choose a ledger to see its statement."),
        ] + actions + [
            el("div", ["class": "table-wrap"], [el("table", ["id": "accounts", "class": "stack"], [
                el("thead", [:], [el("tr", [:], [
                    el("th", ["scope": "col"], text: "Group / ledger"), el("th", ["scope": "col"], text: "Nature / group"),
                    el("th", ["scope": "col", "class": "num"], text: "Closing balance"), el("th", ["scope": "col"], [el("span", ["class": "skip"], text: "Actions")]),
                ])]),
                el("tbody", [:], [.raw(html)]),
            ])]),
        ])
    }
}

enum VoucherListPage {
    struct Model: Sendable {
        var companyID: UUID
        var vouchers: [VoucherDTO]
        var filters: [String: String]
        var types: [String]
        var nextCursor: String?
        var canCreate: Bool
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())"
        var rows = ""
        for v in m.vouchers {
            let party = v.entries.first?.ledger ?? ""
            rows += "<tr><td class=\"num\" data-label=\"Date\">\(esc(CalendarDate(v.date).map(Format.date) ?? v.date))</td>"
            rows += "<td data-label=\"Type\">\(esc(v.type))</td><td data-label=\"Number\"><a href=\"\(base)/vouchers/\(v.id.uuidString.lowercased())\"><code>\(esc(v.number))</code></a></td>"
            rows += "<td data-label=\"Particulars\">\(esc(party))\(v.narration.map { " — " + esc($0) } ?? "")</td>"
            rows += "<td class=\"num\" data-label=\"Amount\">\(esc(Format.rupees((try? Money(parsing: v.total)) ?? .zero)))</td>"
            rows += "<td data-label=\"Status\">\(v.status == "active" ? (v.postDated ? "post-dated" : "") : esc(v.status))</td></tr>"
        }
        var header: [HTMLNode] = [el("h1", text: "Vouchers")]
        if m.canCreate {
            header.append(el("p", [:], [el("a", ["class": "button", "href": base + "/vouchers/new", "data-shortcut": "create"], text: "New voucher")]))
        }
        var content = header
        content.append(el("form", ["method": "get", "action": base + "/vouchers", "class": "card filters", "role": "search"], [
            FormField.select("type", label: "Type", options: [("", "All types")] + m.types.map { ($0, $0) }, selected: m.filters["type"]),
            FormField.input("from", label: "From", value: m.filters["from"] ?? "", type: "date"),
            FormField.input("to", label: "To", value: m.filters["to"] ?? "", type: "date"),
            FormField.input("ledger", label: "Ledger", value: m.filters["ledger"] ?? "", extra: [.attribute(named: "data-shortcut", value: "search")]),
            el("div", ["class": "field"], [el("button", ["type": "submit"], text: "Filter")]),
        ]))
        content.append(m.vouchers.isEmpty ? el("p", ["class": "card"], text: "No vouchers match.") :
            el("div", ["class": "table-wrap"], [el("table", ["id": "vouchers", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["Date", "Type", "Number", "Particulars", "Amount", "Status"].map { h in
                    el("th", ["scope": "col", "class": h == "Amount" || h == "Date" ? "num" : ""], text: h)
                })]),
                el("tbody", [:], [.raw(rows)]),
            ])]))
        if let next = m.nextCursor {
            var q = m.filters
            q["cursor"] = next
            let qs = q.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            content.append(el("nav", ["class": "pager", "aria-label": "Pages"], [el("a", ["href": base + "/vouchers?" + qs, "rel": "next"], text: "Older vouchers")]))
        }
        return Layout.render(chrome, content)
    }
}

enum TrialBalancePage {
    static func render(_ tb: TrialBalanceDTO, companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var rows = ""
        func amount(_ b: BalanceDTO) -> String { "\(esc(Format.rupees((try? Money(parsing: b.amount)) ?? .zero))) \(b.side.rawValue)" }
        func money(_ s: String) -> String { esc(Format.rupees((try? Money(parsing: s)) ?? .zero)) }
        for r in tb.rows {
            let link = "\(base)/reports/ledger?ledger=\(r.ledgerId.uuidString.lowercased())&from=\(tb.from)&to=\(tb.asOf)"
            rows += "<tr><td data-label=\"Ledger\"><a href=\"\(esc(link))\">\(esc(r.ledger))</a></td>"
            rows += "<td data-label=\"Group\">\(esc(r.groupPath.joined(separator: " › ")))</td>"
            rows += "<td class=\"num\" data-label=\"Opening\">\(amount(r.opening))</td><td class=\"num\" data-label=\"Debit\">\(money(r.debit))</td>"
            rows += "<td class=\"num\" data-label=\"Credit\">\(money(r.credit))</td><td class=\"num\" data-label=\"Closing\">\(amount(r.closing))</td></tr>"
        }
        rows += "<tr class=\"total\"><th scope=\"row\" colspan=\"3\">Total</th><td class=\"num\" data-label=\"Debit\">\(money(tb.totals.debit))</td>"
        rows += "<td class=\"num\" data-label=\"Credit\">\(money(tb.totals.credit))</td><td class=\"num\" data-label=\"Closing\">\(money(tb.totals.closingDebit)) Dr / \(money(tb.totals.closingCredit)) Cr</td></tr>"
        return Layout.render(chrome, [
            el("h1", text: "Trial balance"),
            ReportsNav.render(base: base, current: "trial-balance"),
            el("form", ["method": "get", "action": base + "/reports/trial-balance", "class": "card filters"], [
                FormField.input("asOf", label: "As of", value: tb.asOf, type: "date"),
                el("div", ["class": "field"], [el("button", ["type": "submit"], text: "Show")]),
                el("div", ["class": "field"], [el("a", ["href": "/api/v1/companies/\(companyID.uuidString.lowercased())/reports/trial-balance?asOf=\(tb.asOf)&format=csv"], text: "Download CSV")]),
            ]),
            el("p", ["class": "hint"], text: "From \(Format.date(text: tb.from)) to \(Format.date(text: tb.asOf)). Choose a ledger for its entries."),
            el("div", ["class": "table-wrap"], [el("table", ["id": "trial-balance", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["Ledger", "Group", "Opening", "Debit", "Credit", "Closing"].map { h in
                    el("th", ["scope": "col", "class": ["Ledger", "Group"].contains(h) ? "" : "num"], text: h)
                })]),
                el("tbody", [:], [.raw(rows)]),
            ])]),
        ])
    }
}

enum LedgerStatementPage {
    static func render(_ s: LedgerStatementDTO, companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        func bal(_ b: BalanceDTO) -> String { "\(Format.rupees((try? Money(parsing: b.amount)) ?? .zero)) \(b.side.rawValue)" }
        var rows = "<tr><td colspan=\"5\">Opening balance</td><td class=\"num\" data-label=\"Balance\">\(esc(bal(s.broughtForward)))</td></tr>"
        for l in s.lines {
            rows += "<tr><td class=\"num\" data-label=\"Date\">\(esc(Format.date(text: l.date)))</td>"
            rows += "<td data-label=\"Voucher\"><a href=\"\(base)/vouchers/\(l.voucherId.uuidString.lowercased())\">\(esc(l.type)) <code>\(esc(l.number))</code></a></td><td data-label=\"Narration\">\(esc(l.narration ?? ""))</td>"
            rows += "<td class=\"num\" data-label=\"Debit\">\(esc(l.debit.flatMap { try? Money(parsing: $0) }.map(Format.rupees) ?? ""))</td>"
            rows += "<td class=\"num\" data-label=\"Credit\">\(esc(l.credit.flatMap { try? Money(parsing: $0) }.map(Format.rupees) ?? ""))</td>"
            rows += "<td class=\"num\" data-label=\"Balance\">\(esc(bal(l.balance)))</td></tr>"
        }
        var content: [HTMLNode] = [
            el("h1", text: s.ledger),
            ReportsNav.render(base: base, current: "ledger"),
            el("p", ["class": "hint"], text: "Ledger statement from \(Format.date(text: s.from)) to \(Format.date(text: s.to)); closing \(bal(s.closing))."),
            el("div", ["class": "table-wrap"], [el("table", ["id": "statement", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["Date", "Voucher", "Narration", "Debit", "Credit", "Balance"].map { h in
                    el("th", ["scope": "col", "class": ["Voucher", "Narration"].contains(h) ? "" : "num"], text: h)
                })]),
                el("tbody", [:], [.raw(rows)]),
            ])]),
        ]
        if let next = s.nextCursor {
            content.append(el("nav", ["class": "pager", "aria-label": "Pages"], [
                el("a", ["href": "\(base)/reports/ledger?ledger=\(s.ledgerId.uuidString.lowercased())&from=\(s.from)&to=\(s.to)&cursor=\(next)", "rel": "next"], text: "More entries"),
            ]))
        }
        return Layout.render(chrome, content)
    }
}

enum OutstandingPage {
    static func render(_ o: OutstandingDTO, companyID: UUID, chrome: Chrome) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        func money(_ s: String) -> String { esc(Format.rupees((try? Money(parsing: s)) ?? .zero)) }
        var rows = ""
        for p in o.parties {
            for b in p.bills {
                rows += "<tr><td data-label=\"Party\">\(esc(p.party))</td><td data-label=\"Bill\">\(esc(b.reference ?? "On account"))</td>"
                rows += "<td class=\"num\" data-label=\"Due\">\(esc(b.dueDate.flatMap(CalendarDate.init).map(Format.date) ?? ""))</td>"
                rows += "<td class=\"num\" data-label=\"Overdue days\">\(b.overdueDays)</td><td data-label=\"Age\">\(esc(b.bucket))</td>"
                rows += "<td class=\"num\" data-label=\"Pending\">\(money(b.pending))</td></tr>"
            }
        }
        let bucketRow = Outstanding.buckets.map { el("div", ["class": "card tile"], [
            el("div", ["class": "label"], text: "\($0) days"), el("div", ["class": "figure"], text: Format.rupees((try? Money(parsing: o.buckets[$0] ?? "0")) ?? .zero)),
        ]) }
        return Layout.render(chrome, [
            el("h1", text: o.kind == "receivable" ? "Receivables" : "Payables"),
            ReportsNav.render(base: base, current: o.kind),
            el("p", ["class": "hint"], text: "Bill-wise as of \(Format.date(text: o.asOf)); total \(Format.rupees((try? Money(parsing: o.pending)) ?? .zero))."),
            el("section", ["class": "grid", "aria-label": "Ageing"], bucketRow),
            el("div", ["class": "table-wrap"], [el("table", ["id": "outstanding", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["Party", "Bill", "Due", "Overdue days", "Age", "Pending"].map { h in
                    el("th", ["scope": "col", "class": ["Due", "Overdue days", "Pending"].contains(h) ? "num" : ""], text: h)
                })]),
                el("tbody", [:], [.raw(rows)]),
            ])]),
        ])
    }
}

enum ReportsNav {
    static func render(base: String, current: String) -> HTMLNode {
        let links = [("trial-balance", "Trial balance", "/reports/trial-balance"), ("profit-and-loss", "Profit and loss", "/reports/profit-and-loss"),
                     ("balance-sheet", "Balance sheet", "/reports/balance-sheet"),
                     ("day-book", "Day book", "/reports/day-book"),
                     ("receivable", "Receivables", "/reports/outstanding?kind=receivable"), ("payable", "Payables", "/reports/outstanding?kind=payable"),
                     ("period-locks", "Period locks", "/period-locks")]
        return el("nav", ["aria-label": "Reports", "class": "actions report-nav"], links.map { key, label, path in
            key == current ? el("a", ["href": base + path, "aria-current": "page"], text: label) : el("a", ["href": base + path], text: label)
        })
    }
}

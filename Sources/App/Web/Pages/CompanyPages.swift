import Foundation
import GSTKit
import Ledger

/// "Your companies" and "New company".
enum CompanyListPage {
    struct Row: Sendable {
        var id: UUID
        var name: String
        var gstin: String?
        var stateName: String
        var role: Role
    }

    static func render(_ rows: [Row], chrome: Chrome) -> String {
        var content: [HTMLNode] = [
            el("div", ["class": "actions"], [
                el("h1", text: "Your companies"),
                el("a", ["class": "button", "href": "/app/companies/new", "data-shortcut": "create"], text: "New company"),
            ]),
        ]
        if rows.isEmpty {
            content.append(el("div", ["class": "card"], [
                el("p", text: "You are not a member of any company yet. Create one, or ask an owner to add you by your email."),
            ]))
        } else {
            content.append(el("div", ["class": "table-wrap"], [el("table", ["class": "stack"], [
                el("caption", ["class": "skip"], text: "Companies you are a member of"),
                el("thead", [:], [el("tr", [:], [
                    el("th", ["scope": "col"], text: "Company"), el("th", ["scope": "col"], text: "GSTIN"),
                    el("th", ["scope": "col"], text: "State"), el("th", ["scope": "col"], text: "Your role"),
                ])]),
                el("tbody", [:], rows.map { row in
                    el("tr", [:], [
                        el("td", ["data-label": "Company"], [el("a", ["href": "/app/c/\(row.id.uuidString.lowercased())"], text: row.name)]),
                        el("td", ["class": "mono", "data-label": "GSTIN"], text: row.gstin ?? "—"),
                        el("td", ["data-label": "State"], text: row.stateName),
                        el("td", ["data-label": "Your role"], text: row.role.rawValue),
                    ])
                }),
            ])]))
        }
        return Layout.render(chrome, content)
    }
}

enum NewCompanyPage {
    struct Model: Sendable {
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
        var error: String? = nil
    }

    static let stateOptions: [(value: String, label: String)] = [("", "Choose a state")]
        + StateCode.registrable.sorted().map { ($0, "\($0) · \(StateCode($0)!.name)") }

    static func render(_ m: Model, chrome: Chrome) -> String {
        var content: [HTMLNode] = [el("h1", text: "New company")]
        if let error = m.error { content.append(el("div", ["class": "notice error-box", "role": "alert"], text: error)) }
        content.append(el("form", ["method": "post", "action": "/app/companies/new", "class": "card narrow", "novalidate": nil],
            [Layout.csrfField(chrome.csrf)] + CompanyForm.fields(m.values, m.errors) + [
                el("p", ["class": "actions"], [
                    el("button", ["type": "submit"], text: "Create company"),
                    el("a", ["class": "button secondary", "href": "/app"], text: "Cancel"),
                ]),
            ]))
        return Layout.render(chrome, content)
    }
}

/// The company settings fields, shared by "new company" and "settings".
enum CompanyForm {
    static func fields(_ v: [String: String], _ e: [String: String]) -> [HTMLNode] {
        [
            FormField.input("name", label: "Legal name", value: v["name"] ?? "", error: e["name"], required: true),
            FormField.input("gstin", label: "GSTIN (optional)", value: v["gstin"] ?? "", error: e["gstin"],
                            hint: "15 characters, e.g. 27AAPFU0939F1ZV. Leave empty if not registered."),
            FormField.select("stateCode", label: "State", options: NewCompanyPage.stateOptions, selected: v["stateCode"],
                             error: e["stateCode"]),
            FormField.input("financialYearStart", label: "Financial year starts", value: v["financialYearStart"] ?? "",
                            type: "date", error: e["financialYearStart"], hint: "Usually 1 April.", required: true),
            FormField.input("booksBeginning", label: "Books begin on", value: v["booksBeginning"] ?? "", type: "date",
                            error: e["booksBeginning"], hint: "A date within that financial year.", required: true),
        ]
    }

    static func values(_ c: CompanyDTO) -> [String: String] {
        ["name": c.name, "gstin": c.gstin ?? "", "stateCode": c.stateCode, "financialYearStart": c.financialYearStart,
         "booksBeginning": c.booksBeginning]
    }
}

/// The company's home: an empty frame the books, GST and inventory features fill in.
enum DashboardPage {
    struct Model: Sendable {
        var company: CompanyDTO
        var members: Int
        var tiles: [(label: String, amount: Money)]
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let fy = CalendarDate(m.company.financialYearStart).map(Format.date) ?? m.company.financialYearStart
        let books = CalendarDate(m.company.booksBeginning).map(Format.date) ?? m.company.booksBeginning
        return Layout.render(chrome, [
            el("h1", text: m.company.name),
            el("p", ["class": "hint"], text: "GSTIN \(m.company.gstin ?? "not registered") · \(m.company.stateName) · "
                + "financial year from \(fy) · books from \(books) · \(m.members) member\(m.members == 1 ? "" : "s")"),
            el("section", ["class": "grid", "aria-label": "Summary"], m.tiles.map { tile in
                el("div", ["class": "card tile"], [
                    el("div", ["class": "label"], text: tile.label),
                    el("div", ["class": "figure"], text: Format.rupees(tile.amount)),
                ])
            }),
            el("div", ["class": "card"], [
                el("h2", text: "Getting started"),
                el("p", text: "Books, invoices, GST returns and inventory appear here as they are added. "
                    + "Until then: invite your team under Members and check your settings."),
            ]),
        ])
    }
}

enum SettingsPage {
    struct Model: Sendable {
        var values: [String: String]
        var errors: [String: String] = [:]
        var canEdit: Bool
        var company: CompanyDTO
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.company.id.uuidString.lowercased())"
        guard m.canEdit else {
            let rows: [(String, String)] = [
                ("Legal name", m.company.name), ("GSTIN", m.company.gstin ?? "—"),
                ("State", "\(m.company.stateCode) · \(m.company.stateName)"),
                ("Financial year starts", CalendarDate(m.company.financialYearStart).map(Format.date) ?? ""),
                ("Books begin on", CalendarDate(m.company.booksBeginning).map(Format.date) ?? ""),
                ("Currency", m.company.currency),
            ]
            return Layout.render(chrome, [
                el("h1", text: "Company settings"),
                el("dl", ["class": "card shortcuts"], rows.flatMap { [el("dt", text: $0.0), el("dd", text: $0.1)] }),
                el("p", ["class": "hint"], text: "Only owners and admins can change these."),
            ])
        }
        return Layout.render(chrome, [
            el("h1", text: "Company settings"),
            el("form", ["method": "post", "action": base + "/settings", "class": "card narrow", "novalidate": nil],
               [Layout.csrfField(chrome.csrf)] + CompanyForm.fields(m.values, m.errors) + [
                   el("p", ["class": "actions"], [el("button", ["type": "submit"], text: "Save settings")]),
               ]),
        ])
    }
}

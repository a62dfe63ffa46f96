import Foundation
import GSTKit
import Ledger

/// Ledger create and edit share one form; its fields are the API's, so the API's errors land beside them.
enum LedgerFormPage {
    struct Model: Sendable {
        var companyID: UUID
        /// nil while creating.
        var ledgerID: UUID?
        var groups: [String]
        var values: [String: String]
        var errors: [String: String] = [:]
        var error: String? = nil
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())/accounts"
        let action = m.ledgerID.map { "\(base)/ledgers/\($0.uuidString.lowercased())" } ?? "\(base)/ledgers/new"
        let v = m.values, e = m.errors
        let states = [("", "—")] + StateCode.registrable.sorted().map { ($0, "\($0) · \(StateCode($0)?.name ?? $0)") }
        var content: [HTMLNode] = [el("h1", text: m.ledgerID == nil ? "New ledger" : "Edit ledger")]
        if let error = m.error { content.append(el("div", ["class": "notice error-box", "role": "alert"], text: error)) }
        var fields: [HTMLNode] = [
            Layout.csrfField(chrome.csrf),
            el("div", ["class": "grid"], [
                FormField.input("name", label: "Name", value: v["name"] ?? "", error: e["name"], required: true),
                FormField.select("group", label: "Under group", options: m.groups.map { ($0, $0) }, selected: v["group"], error: e["group"]),
            ]),
            el("div", ["class": "grid"], [
                FormField.input("openingAmount", label: "Opening balance (₹)", value: v["openingAmount"] ?? "",
                                error: e["openingBalance.amount"] ?? e["openingBalance"], hint: "As at the books' beginning.",
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
                FormField.select("openingSide", label: "Dr/Cr", options: [("Dr", "Dr"), ("Cr", "Cr")], selected: v["openingSide"] ?? "Dr"),
            ]),
            el("h2", text: "Party details"),
            el("p", ["class": "hint"], text: "For customers and suppliers (Sundry Debtors and Sundry Creditors)."),
            el("div", ["class": "grid"], [
                FormField.input("gstin", label: "GSTIN", value: v["gstin"] ?? "", error: e["gstin"],
                                extra: [.attribute(named: "autocapitalize", value: "characters"), .attribute(named: "maxlength", value: "15")]),
                FormField.select("registrationType", label: "Registration type",
                                 options: [("", "—")] + RegistrationType.allCases.map { ($0.rawValue, $0.rawValue) },
                                 selected: v["registrationType"], error: e["registrationType"]),
                FormField.select("stateCode", label: "State", options: states, selected: v["stateCode"], error: e["stateCode"]),
            ]),
            FormField.input("address", label: "Address", value: v["address"] ?? "", error: e["address"]),
            FormField.input("contact", label: "Contact", value: v["contact"] ?? "", error: e["contact"]),
            el("div", ["class": "grid"], [
                FormField.input("creditPeriodDays", label: "Credit period (days)", value: v["creditPeriodDays"] ?? "", error: e["creditPeriodDays"],
                                extra: [.attribute(named: "inputmode", value: "numeric")]),
                FormField.input("creditLimit", label: "Credit limit (₹)", value: v["creditLimit"] ?? "", error: e["creditLimit"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
            ]),
            FormField.checkbox("billWise", label: "Maintain balances bill-by-bill", checked: v["billWise"] == "true"),
            FormField.checkbox("restricted", label: "Restricted (salaries, directors' accounts): only owner, admin, accountant and auditor see it",
                               checked: v["restricted"] == "true"),
        ]
        if m.ledgerID != nil {
            fields.append(FormField.checkbox("active", label: "Active (a deactivated ledger keeps its history but takes no new vouchers)",
                                             checked: v["active"] != "false"))
        }
        fields.append(el("p", ["class": "actions"], [
            el("button", ["type": "submit"], text: m.ledgerID == nil ? "Create ledger" : "Save changes"),
            el("a", ["class": "button secondary", "href": base], text: "Cancel"),
        ]))
        content.append(el("form", ["method": "post", "action": action, "class": "card", "novalidate": nil], fields))
        return Layout.render(chrome, content)
    }

    /// The form's values for an existing ledger.
    static func values(_ l: LedgerDTO) -> [String: String] {
        var v: [String: String] = ["name": l.name, "group": l.group, "openingAmount": l.openingBalance.amount,
                                   "openingSide": l.openingBalance.side.rawValue, "billWise": String(l.billWise), "active": String(l.active),
                                   "restricted": String(l.restricted)]
        v["gstin"] = l.gstin
        v["registrationType"] = l.registrationType
        v["stateCode"] = l.stateCode
        v["address"] = l.address
        v["contact"] = l.contact
        v["creditPeriodDays"] = l.creditPeriodDays.map(String.init)
        v["creditLimit"] = l.creditLimit
        return v
    }

    /// The API body the form stands for. A whole number is sent as a number; anything else is left for the schema
    /// to refuse by field name. Checkboxes missing from the post are off.
    static func body(_ form: [String: String], editing: Bool) -> JSONValue {
        var o: [String: JSONValue] = [:]
        for key in ["name", "group", "gstin", "registrationType", "stateCode", "address", "contact", "creditLimit"] {
            if let value = form[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { o[key] = .string(value) }
        }
        if let days = form["creditPeriodDays"]?.trimmingCharacters(in: .whitespaces), !days.isEmpty {
            o["creditPeriodDays"] = Int64(days).map { JSONValue.int($0) } ?? .string(days)
        }
        let amount = (form["openingAmount"] ?? "").trimmingCharacters(in: .whitespaces)
        if !amount.isEmpty || editing {
            o["openingBalance"] = ["amount": .string(amount.isEmpty ? "0.00" : amount), "side": .string(form["openingSide"] ?? "Dr")]
        }
        o["billWise"] = .bool(form["billWise"] == "true")
        o["restricted"] = .bool(form["restricted"] == "true")
        if editing { o["active"] = .bool(form["active"] == "true") }
        return .object(o)
    }
}

/// A new group under any group (or a new primary group with its nature).
enum GroupFormPage {
    struct Model: Sendable {
        var companyID: UUID
        var groups: [String]
        var values: [String: String]
        var errors: [String: String] = [:]
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())/accounts"
        return Layout.render(chrome, [
            el("h1", text: "New group"),
            el("form", ["method": "post", "action": base + "/groups/new", "class": "card narrow", "novalidate": nil], [
                Layout.csrfField(chrome.csrf),
                FormField.input("name", label: "Name", value: m.values["name"] ?? "", error: m.errors["name"], required: true),
                FormField.select("parent", label: "Under", options: [("", "Primary (no parent)")] + m.groups.map { ($0, $0) },
                                 selected: m.values["parent"], error: m.errors["parent"],
                                 hint: "A sub-group takes its parent's nature, as in Tally."),
                FormField.select("nature", label: "Nature (primary groups only)", options: [("", "—")] + GroupNature.allCases.map { ($0.rawValue, $0.rawValue) },
                                 selected: m.values["nature"], error: m.errors["nature"]),
                el("p", ["class": "actions"], [
                    el("button", ["type": "submit"], text: "Create group"),
                    el("a", ["class": "button secondary", "href": base], text: "Cancel"),
                ]),
            ]),
        ])
    }
}

import Foundation
import Ledger

/// Voucher entry as a Tally user drives it: type, date, then Dr/Cr lines; the difference still to balance is shown
/// as you type (app.js), a bill-wise party line asks for its bill, and the server's checks come back beside the
/// fields. The same form amends a voucher.
enum VoucherEntryPage {
    struct Model: Sendable {
        var companyID: UUID
        var types: [String]
        var ledgers: [String]
        var billWiseLedgers: Set<String> = []
        var values: [String: String]
        var errors: [String: String] = [:]
        var error: String? = nil
        /// Set when amending.
        var voucherID: UUID? = nil
        var lines = Self.minimumLines
        static let minimumLines = 6
    }

    static let billTypes: [(String, String)] = [("", "Bill…"), ("new", "New ref"), ("against", "Agst ref"), ("advance", "Advance"),
                                                 ("on-account", "On account")]

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())"
        let amending = m.voucherID.map { "\(base)/vouchers/\($0.uuidString.lowercased())" }
        var lines: [HTMLNode] = []
        for i in 0..<m.lines {
            let error = m.errors["entries[\(i)].ledger"] ?? m.errors["entries[\(i)].debit"] ?? m.errors["entries[\(i)].credit"] ?? m.errors["entries[\(i)]"]
            let billError = m.errors["entries[\(i)].bills"] ?? m.errors["entries[\(i)].bills[0].reference"]
                ?? m.errors["entries[\(i)].bills[0].amount"] ?? m.errors["entries[\(i)].bills[0].type"]
            lines.append(el("fieldset", ["class": "line"], [
                el("legend", ["class": "skip"], text: "Line \(i + 1)"),
                FormField.select("side\(i)", label: "Dr/Cr", options: [("Dr", "Dr"), ("Cr", "Cr")], selected: m.values["side\(i)"] ?? (i == 0 ? "Dr" : "Cr")),
                FormField.input("ledger\(i)", label: "Ledger", value: m.values["ledger\(i)"] ?? "", error: error,
                                extra: [.attribute(named: "list", value: "ledger-names"), .attribute(named: "autocomplete", value: "off"),
                                        .attribute(named: "data-ledger")]),
                FormField.input("amount\(i)", label: "Amount (₹)", value: m.values["amount\(i)"] ?? "",
                                extra: [.attribute(named: "inputmode", value: "decimal"), .attribute(named: "data-amount")]),
                el("div", ["class": "bill-fields"], [
                    FormField.select("billType\(i)", label: "Bill-wise", options: billTypes, selected: m.values["billType\(i)"], error: billError),
                    FormField.input("billRef\(i)", label: "Bill reference", value: m.values["billRef\(i)"] ?? ""),
                    FormField.input("billDue\(i)", label: "Due date (new bills)", value: m.values["billDue\(i)"] ?? "", type: "date",
                                    error: m.errors["entries[\(i)].bills[0].dueDate"]),
                ]),
            ]))
        }
        var content: [HTMLNode] = [el("h1", text: chrome.title)]
        if let error = m.error { content.append(el("div", ["class": "notice error-box", "role": "alert"], text: error)) }
        let options: [HTMLNode] = m.voucherID == nil
            ? [FormField.checkbox("optional", label: "Optional (kept off the books until regularised)", checked: m.values["optional"] == "true"),
               FormField.checkbox("postDated", label: "Post-dated (dated after today)", checked: m.values["postDated"] == "true")]
            : [FormField.checkbox("postDated", label: "Post-dated (dated after today)", checked: m.values["postDated"] == "true")]
        content.append(el("form", ["method": "post", "action": amending.map { $0 + "/edit" } ?? base + "/vouchers/new",
                                   "class": "card voucher-form", "novalidate": nil], [
            Layout.csrfField(chrome.csrf),
            el("div", ["class": "grid"], [
                m.voucherID == nil
                    ? FormField.select("type", label: "Voucher type", options: m.types.map { ($0, $0) }, selected: m.values["type"], error: m.errors["type"])
                    : el("div", ["class": "field"], [el("span", ["class": "label"], text: "Voucher type"),
                                                     void("input", ["type": "hidden", "name": "type", "value": m.values["type"] ?? ""]),
                                                     el("p", text: "\(m.values["type"] ?? "") \(m.values["number"] ?? "")")]),
                FormField.input("date", label: "Date", value: m.values["date"] ?? "", type: "date", error: m.errors["date"] ?? m.errors["postDated"],
                                required: true),
                FormField.input("reference", label: "Reference (supplier invoice no., cheque no.)", value: m.values["reference"] ?? "",
                                error: m.errors["reference"]),
            ]),
            el("datalist", ["id": "ledger-names"], m.ledgers.map {
                m.billWiseLedgers.contains($0) ? el("option", ["value": $0, "data-billwise": nil]) : el("option", ["value": $0])
            }),
        ] + lines + [
            el("p", ["class": "difference", "id": "difference", "role": "status", "aria-live": "polite"], text: m.errors["entries"] ?? "Dr and Cr must agree."),
            FormField.input("narration", label: "Narration", value: m.values["narration"] ?? "", error: m.errors["narration"]),
        ] + options + [
            el("p", ["class": "actions"], [
                el("button", ["type": "submit"], text: m.voucherID == nil ? "Post voucher" : "Save amendment"),
                el("a", ["class": "button secondary", "href": amending ?? base + "/vouchers"], text: "Cancel"),
            ]),
        ]))
        return Layout.render(chrome, content)
    }

    /// The form's values for an existing voucher, or nil when a line carries more than one bill allocation (the
    /// form holds one per line; such vouchers are amended through the API).
    static func values(_ v: VoucherDTO) -> [String: String]? {
        var values: [String: String] = ["type": v.type, "number": v.number, "date": v.date, "postDated": String(v.postDated)]
        values["narration"] = v.narration
        values["reference"] = v.reference
        for (i, e) in v.entries.enumerated() {
            values["side\(i)"] = e.debit != nil ? "Dr" : "Cr"
            values["ledger\(i)"] = e.ledger
            values["amount\(i)"] = e.debit ?? e.credit
            guard let bills = e.bills else { continue }
            guard bills.count == 1 else { return nil }
            values["billType\(i)"] = bills[0].type.rawValue
            values["billRef\(i)"] = bills[0].reference
            values["billDue\(i)"] = bills[0].dueDate
        }
        return values
    }

    /// Indexes of the form's lines, in order: every `ledgerN` or `amountN` posted.
    static func lineIndexes(_ form: [String: String]) -> [Int] {
        let all = Set(form.keys.compactMap { key -> Int? in
            for prefix in ["ledger", "amount"] where key.hasPrefix(prefix) { return Int(key.dropFirst(prefix.count)) }
            return nil
        })
        return all.sorted().filter { $0 < VoucherRules.maxEntries }
    }

    /// The API body the form stands for, and which form line each API entry came from (blank lines are skipped).
    static func body(_ form: [String: String]) -> (JSONValue, [Int]) {
        var entries: [JSONValue] = []
        var filled: [Int] = []
        for i in lineIndexes(form) {
            let ledger = form["ledger\(i)"] ?? "", amount = form["amount\(i)"] ?? ""
            guard !ledger.isEmpty || !amount.isEmpty else { continue }
            var entry: [String: JSONValue] = ["ledger": .string(ledger), form["side\(i)"] == "Cr" ? "credit" : "debit": .string(amount)]
            if let type = form["billType\(i)"], !type.isEmpty {
                var bill: [String: JSONValue] = ["type": .string(type), "amount": .string(amount)]
                if let ref = form["billRef\(i)"], !ref.isEmpty { bill["reference"] = .string(ref) }
                if let due = form["billDue\(i)"], !due.isEmpty { bill["dueDate"] = .string(due) }
                entry["bills"] = [.object(bill)]
            }
            entries.append(.object(entry))
            filled.append(i)
        }
        var body: [String: JSONValue] = ["type": .string(form["type"] ?? ""), "date": .string(form["date"] ?? ""), "entries": .array(entries)]
        for key in ["narration", "reference"] { if let v = form[key], !v.isEmpty { body[key] = .string(v) } }
        if form["optional"] == "true" { body["optional"] = true }
        if form["postDated"] == "true" { body["postDated"] = true }
        return (.object(body), filled)
    }

    /// The API's field names with entry indexes mapped back to the form's lines.
    static func errors(_ e: APIError, filled: [Int]) -> [String: String] { WebForm.errors(e, rows: "entries", filled: filled) }
}

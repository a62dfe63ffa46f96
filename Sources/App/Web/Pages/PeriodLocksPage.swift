import Foundation
import Ledger

enum PeriodLocksPage {
    struct Model: Sendable {
        var companyID: UUID
        var locks: [PeriodLockDTO]
        var canLock: Bool
        /// Lifting a lock is for owners and admins: the person a lock restrains does not lift it.
        var canUnlock = false
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())/period-locks"
        let current = m.locks.filter(\.active).map(\.lockedThrough).max()
        var content: [HTMLNode] = [
            el("h1", text: "Period locks"),
            ReportsNav.render(base: "/app/c/\(m.companyID.uuidString.lowercased())", current: "period-locks"),
            el("p", ["class": current == nil ? "notice ok" : "notice warn", "role": "status", "id": "lock-status"],
               text: current.map { "The books are locked through \(Format.date(text: $0)): nothing dated on or before it can be posted, amended or cancelled." }
                   ?? "The books are open: no period is locked."),
        ]
        if m.canLock {
            content.append(el("form", ["method": "post", "action": base, "class": "card narrow", "novalidate": nil], [
                Layout.csrfField(chrome.csrf),
                FormField.input("lockedThrough", label: "Lock through", value: m.values["lockedThrough"] ?? "", type: "date",
                                error: m.errors["lockedThrough"], required: true),
                FormField.input("reason", label: "Reason", value: m.values["reason"] ?? "", error: m.errors["reason"],
                                hint: "For example: GSTR-3B for June filed.", required: true),
                el("p", ["class": "actions"], [el("button", ["type": "submit", "data-shortcut": "create"], text: "Lock the books")]),
            ]))
            if current != nil && m.canUnlock {
                content.append(el("form", ["method": "post", "action": base + "/unlock", "class": "inline-form",
                                           "data-confirm": "Lift the period lock? The change is recorded in the audit log."], [
                    Layout.csrfField(chrome.csrf),
                    el("button", ["type": "submit", "class": "danger"], text: "Lift the lock"),
                ]))
            }
        }
        var rows = ""
        for l in m.locks {
            rows += "<tr><td class=\"num\" data-label=\"Locked through\">\(esc(Format.date(text: l.lockedThrough)))</td>"
            rows += "<td data-label=\"Reason\">\(esc(l.reason))</td><td data-label=\"State\">\(l.active ? "in force" : "lifted")</td></tr>"
        }
        content.append(el("h2", text: "History"))
        content.append(m.locks.isEmpty ? el("p", text: "No locks yet.") : el("table", ["class": "stack", "id": "locks"], [
            el("thead", [:], [el("tr", [:], [el("th", ["scope": "col", "class": "num"], text: "Locked through"),
                                             el("th", ["scope": "col"], text: "Reason"), el("th", ["scope": "col"], text: "State")])]),
            el("tbody", [:], [.raw(rows)]),
        ]))
        return Layout.render(chrome, content)
    }
}

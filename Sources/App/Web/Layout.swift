import Foundation
import Plot

/// What every page shows around its content: who is signed in, which company, where they are.
struct Chrome: Sendable {
    enum Section: String, Sendable { case dashboard, vouchers, invoices, stock, accounts, reports, tally, settings, members, audit, notifications }

    struct CompanyLink: Sendable {
        var id: UUID
        var name: String
        var role: Role
    }

    struct Flash: Sendable {
        enum Kind: String, Sendable { case ok, warn, error = "error-box" }
        var kind: Kind
        var message: String
    }

    var title: String
    var userName: String? = nil
    var company: CompanyLink? = nil
    var section: Section? = nil
    var csrf: String = ""
    var flash: Flash? = nil
    /// Where Esc goes.
    var back: String? = nil
}

/// The house every page lives in: skip link, header with navigation, offline banner, main, help overlay.
enum Layout {
    static func render(_ chrome: Chrome, _ content: [HTMLNode]) -> String {
        let head: Node<HTML.DocumentContext> = .head(
            .meta(.charset(.utf8)),
            .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
            .raw("<title>\(esc(chrome.title)) · FinSync360</title>"),
            .meta(.name("theme-color"), .content("#0b5cad")),
            .link(.rel(.stylesheet), .href("/assets/app.css")),
            .link(.rel(.manifest), .href("/manifest.webmanifest")),
            .link(.rel(.icon), .href("/assets/icon.svg")),
            .raw(#"<script src="/assets/app.js" defer></script>"#)
        )
        var main: [HTMLNode] = []
        if let flash = chrome.flash {
            main.append(el("div", ["class": "notice \(flash.kind.rawValue)", "role": flash.kind == .ok ? "status" : "alert"], text: flash.message))
        }
        main += content
        let body: [HTMLNode] = [
            el("a", ["class": "skip", "href": "#main"], text: "Skip to content"),
            header(chrome),
            el("div", ["class": "offline-banner", "role": "status"], text: "You are offline. Showing the last saved copy; changes cannot be saved until the connection returns."),
            el("main", ["id": "main", "tabindex": "-1"], main),
            el("footer", [:], [.t("FinSync360 · press "), el("kbd", text: "?"), .t(" for keyboard shortcuts")]),
            helpDialog(),
        ]
        let document = HTML(.lang(.english), head, .body(.group(body)))
        return document.render()
    }

    private static func header(_ chrome: Chrome) -> HTMLNode {
        var inner: [HTMLNode] = [el("a", ["class": "brand", "href": chrome.userName == nil ? "/" : "/app"], text: "FinSync360")]
        if let company = chrome.company {
            let base = "/app/c/\(company.id.uuidString.lowercased())"
            var links: [(Chrome.Section, String, String)] = [(.dashboard, "Dashboard", base)]
            if company.role.can(.vouchersView) { links.append((.vouchers, "Vouchers", base + "/vouchers")) }
            if company.role.can(.vouchersView) { links.append((.invoices, "Invoices", base + "/invoices")) }
            if company.role.can(.inventoryView) { links.append((.stock, "Stock", base + "/stock")) }
            if company.role.can(.mastersView) { links.append((.accounts, "Accounts", base + "/accounts")) }
            if company.role.can(.reportsView) { links.append((.reports, "Reports", base + "/reports/trial-balance")) }
            if company.role.can(.mastersView) { links.append((.tally, "Tally", base + "/tally")) }
            if company.role.can(.companyView) { links.append((.members, "Members", base + "/members")) }
            if company.role.can(.settingsEdit) || company.role.can(.companyView) { links.append((.settings, "Settings", base + "/settings")) }
            if company.role.can(.auditView) { links.append((.audit, "Audit log", base + "/audit")) }
            inner.append(el("nav", ["aria-label": "Company"], [
                el("ul", [:], links.map { section, label, href in
                    el("li", [:], [chrome.section == section
                        ? el("a", ["href": href, "aria-current": "page"], text: label)
                        : el("a", ["href": href], text: label)])
                }),
            ]))
        }
        if let user = chrome.userName {
            var who: [HTMLNode] = []
            if let company = chrome.company {
                who.append(el("span", [:], [.t(company.name + " · " + company.role.rawValue)]))
                who.append(el("a", ["href": "/app"], text: "Switch company"))
                // The bell: low stock, expiring batches and, later, overdue invoices and sync failures.
                let bell = "/app/c/\(company.id.uuidString.lowercased())/notifications"
                who.append(chrome.section == .notifications
                    ? el("a", ["href": bell, "class": "bell", "aria-label": "Notifications", "aria-current": "page"], text: "🔔")
                    : el("a", ["href": bell, "class": "bell", "aria-label": "Notifications"], text: "🔔"))
            }
            who.append(el("a", ["href": "/app/account", "title": "Your account: password, sign out everywhere"], text: user))
            who.append(el("form", ["method": "post", "action": "/signout", "class": "inline-form"], [
                csrfField(chrome.csrf),
                el("button", ["type": "submit", "class": "link"], text: "Sign out"),
            ]))
            who.append(el("button", ["type": "button", "class": "link", "id": "help-button", "aria-haspopup": "dialog"], text: "Shortcuts"))
            inner.append(el("div", ["class": "who"], who))
        }
        if let back = chrome.back {
            inner.append(el("a", ["href": back, "data-shortcut": "back", "hidden": nil], text: "Back"))
        }
        return el("header", ["class": "top"], [el("div", ["class": "top-inner"], inner)])
    }

    static func csrfField(_ token: String) -> HTMLNode {
        void("input", ["type": "hidden", "name": "_csrf", "value": token])
    }

    static let shortcuts: [(String, String)] = [
        ("Alt+C", "Create (new company, add member)"), ("/", "Jump to search or filter"),
        ("Esc", "Back, or leave the current field"), ("?", "Show or hide this list"),
        ("Tab / Shift+Tab", "Move between fields and links"), ("Enter", "Submit the form or follow the link"),
    ]

    private static func helpDialog() -> HTMLNode {
        el("dialog", ["id": "shortcut-help", "aria-labelledby": "shortcut-title"], [
            el("h2", ["id": "shortcut-title"], text: "Keyboard shortcuts"),
            el("dl", ["class": "shortcuts"], shortcuts.flatMap { key, what in
                [el("dt", [:], [el("kbd", text: key)]), el("dd", text: what)]
            }),
            el("button", ["type": "button", "id": "close-help"], text: "Close"),
        ])
    }
}

/// Form fields with their label, hint and error in one place, so every form is accessible the same way.
enum FormField {
    static func input(_ name: String, label: String, value: String = "", type: String = "text", error: String? = nil,
                      hint: String? = nil, required: Bool = false, autocomplete: String? = nil, extra: [HTMLNode] = []) -> HTMLNode
    {
        let id = "f-" + name
        var described: [String] = []
        if hint != nil { described.append(id + "-hint") }
        if error != nil { described.append(id + "-error") }
        var attributes: [HTMLNode] = [
            .attribute(named: "id", value: id), .attribute(named: "name", value: esc(name)),
            .attribute(named: "type", value: type), .attribute(named: "value", value: esc(value), ignoreIfValueIsEmpty: false),
        ]
        if required { attributes.append(.attribute(named: "required")) }
        if let autocomplete { attributes.append(.attribute(named: "autocomplete", value: autocomplete)) }
        if error != nil { attributes.append(.attribute(named: "aria-invalid", value: "true")) }
        if !described.isEmpty { attributes.append(.attribute(named: "aria-describedby", value: described.joined(separator: " "))) }
        return el("div", ["class": "field"], [
            el("label", ["for": id], text: label),
            .element(named: "input", nodes: attributes + extra),
        ] + hintAndError(id: id, hint: hint, error: error))
    }

    static func select(_ name: String, label: String, options: [(value: String, label: String)], selected: String?,
                       error: String? = nil, hint: String? = nil) -> HTMLNode
    {
        let id = "f-" + name
        var attrs: KeyValuePairs<String, String?> = ["id": id, "name": name]
        if error != nil { attrs = ["id": id, "name": name, "aria-invalid": "true", "aria-describedby": id + "-error"] }
        return el("div", ["class": "field"], [
            el("label", ["for": id], text: label),
            el("select", attrs, options.map { option in
                option.value == selected
                    ? el("option", ["value": option.value, "selected": nil], text: option.label)
                    : el("option", ["value": option.value], text: option.label)
            }),
        ] + hintAndError(id: id, hint: hint, error: error))
    }

    static func checkbox(_ name: String, label: String, checked: Bool, hint: String? = nil) -> HTMLNode {
        let id = "f-" + name
        let box = checked ? void("input", ["type": "checkbox", "id": id, "name": name, "value": "true", "checked": nil])
            : void("input", ["type": "checkbox", "id": id, "name": name, "value": "true"])
        return el("div", ["class": "field check"], [box, el("label", ["for": id], text: label)] + hintAndError(id: id, hint: hint, error: nil))
    }

    private static func hintAndError(id: String, hint: String?, error: String?) -> [HTMLNode] {
        var out: [HTMLNode] = []
        if let hint { out.append(el("p", ["class": "hint", "id": id + "-hint"], text: hint)) }
        if let error { out.append(el("p", ["class": "error", "id": id + "-error"], text: error)) }
        return out
    }
}

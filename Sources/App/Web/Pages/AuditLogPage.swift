import Foundation

enum AuditLogPage {
    struct Model: Sendable {
        var companyID: UUID
        var entries: [AuditEntryDTO]
        var actorNames: [UUID: String]
        var filters: [String: String]
        var errors: [String: String] = [:]
        var nextCursor: String?
        var verification: AuditLog.Verification
    }

    static func render(_ m: Model, chrome: Chrome) -> String {
        let base = "/app/c/\(m.companyID.uuidString.lowercased())/audit"
        var content: [HTMLNode] = [el("h1", text: "Audit log")]
        switch m.verification {
        case .ok(let entries):
            content.append(el("div", ["class": "notice ok", "role": "status", "id": "chain-status"],
                              text: "Chain verified: all \(entries) entries are intact and in order."))
        case .broken(let id, let reason):
            content.append(el("div", ["class": "notice error-box", "role": "alert", "id": "chain-status"],
                              text: "Chain broken at entry \(id.uuidString.lowercased()): \(reason)."))
        }
        content.append(el("form", ["method": "get", "action": base, "class": "card filters", "role": "search"], [
            filterField("action", "Action", m, placeholder: "company.update", search: true),
            filterField("entityType", "Entity", m, placeholder: "membership"),
            filterField("from", "From", m, type: "date"),
            filterField("to", "To", m, type: "date"),
            el("div", ["class": "field"], [el("button", ["type": "submit"], text: "Filter")]),
        ]))
        if m.entries.isEmpty {
            content.append(el("p", ["class": "card"], text: "No entries match."))
        } else {
            content.append(el("div", ["class": "table-wrap"], [el("table", ["id": "audit", "class": "stack"], [
                el("thead", [:], [el("tr", [:], [
                    el("th", ["scope": "col", "class": "num"], text: "#"), el("th", ["scope": "col"], text: "When"),
                    el("th", ["scope": "col"], text: "Who"), el("th", ["scope": "col"], text: "Action"),
                    el("th", ["scope": "col"], text: "Entity"), el("th", ["scope": "col"], text: "Change"),
                ])]),
                el("tbody", [:], [.raw(rows(m))]),
            ])]))
        }
        if let next = m.nextCursor {
            var query = m.filters
            query["cursor"] = next
            let qs = query.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
            content.append(el("nav", ["class": "pager", "aria-label": "Pages"], [
                el("a", ["href": base], text: "Newest"),
                el("a", ["href": base + "?" + qs, "rel": "next"], text: "Older entries"),
            ]))
        }
        return Layout.render(chrome, content)
    }

    /// Rows are written straight into one string: a 1,000-entry page would otherwise build some 14,000 nodes.
    /// Every value still goes through `esc`.
    static func rows(_ m: Model) -> String {
        var out = ""
        out.reserveCapacity(m.entries.count * 300)
        for e in m.entries {
            out += "<tr><td class=\"num\" data-label=\"#\">\(e.seq)</td>"
            out += "<td class=\"num\" data-label=\"When\">\(esc(Format.timestamp(e.at)))</td>"
            out += "<td data-label=\"Who\">\(esc(e.actorId.flatMap { m.actorNames[$0] } ?? "system"))</td>"
            out += "<td data-label=\"Action\"><code>\(esc(e.action))</code></td>"
            out += "<td data-label=\"Entity\">\(esc(e.entityType))</td>"
            out += "<td data-label=\"Change\">\(esc(summary(e)))</td></tr>"
        }
        return out
    }

    private static func filterField(_ name: String, _ label: String, _ m: Model, type: String = "text",
                                    placeholder: String? = nil, search: Bool = false) -> HTMLNode
    {
        var extra: [HTMLNode] = []
        if let placeholder { extra.append(.attribute(named: "placeholder", value: placeholder)) }
        if search { extra.append(.attribute(named: "data-shortcut", value: "search")) }
        return FormField.input(name, label: label, value: m.filters[name] ?? "", type: type, error: m.errors[name], extra: extra)
    }

    /// "name: Old → New" for the fields that changed; the full before/after stays in the API.
    static func summary(_ e: AuditEntryDTO) -> String {
        let before = e.before?.objectValue ?? [:]
        let after = e.after?.objectValue ?? [:]
        var parts: [String] = []
        for key in Set(before.keys).union(after.keys).sorted() where before[key] != after[key] {
            let old = before[key].map(display) ?? "—"
            let new = after[key].map(display) ?? "—"
            parts.append(before.isEmpty ? "\(key): \(new)" : after.isEmpty ? "\(key): \(old) (removed)" : "\(key): \(old) → \(new)")
        }
        let text = parts.joined(separator: "; ")
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    private static func display(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): s
        case .null: "—"
        default: v.canonical
        }
    }
}

import Foundation
import Ledger
import Plot

/// The Tally page: import a file (with its report), download exports, earlier imports.
enum TallyPages {
    static func home(imports: [(TallyImportDTO, Date)], error: String?, companyID: UUID, chrome: Chrome, extra: [HTMLNode] = []) -> String {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var content: [HTMLNode] = [el("h1", text: "Tally")]
        if let error { content.append(el("div", ["class": "notice error-box", "role": "alert", "id": "import-error"], text: error)) }
        content.append(el("form", ["method": "post", "action": base + "/tally/import?_csrf=" + chrome.csrf, "enctype": "multipart/form-data",
                                   "class": "card", "id": "tally-import"], [
            el("h2", text: "Import from Tally"),
            el("p", ["class": "hint"], text: "In Tally: Display More Reports → List of Accounts (for masters) or Day Book (for vouchers) → Export → XML (Data Interchange). UTF-16 and UTF-8 files are both read. Importing the same file again changes nothing; vouchers altered in Tally since are amended."),
            el("div", ["class": "field"], [
                el("label", ["for": "f-file"], text: "Tally XML file"),
                el("input", ["type": "file", "id": "f-file", "name": "file", "accept": ".xml,text/xml,application/xml", "required": nil]),
            ]),
            el("p", ["class": "actions"], [el("button", ["type": "submit", "data-shortcut": "create"], text: "Import")]),
        ]))
        content.append(el("section", ["class": "card", "id": "tally-export"], [
            el("h2", text: "Export for Tally"),
            el("p", ["class": "hint"], text: "XML that Tally imports (Gateway of Tally → Import → Masters or Transactions). Every object carries its id, so importing it again in Tally updates instead of duplicating."),
            el("p", ["class": "actions"], [
                el("a", ["class": "button secondary", "href": base + "/tally/export?what=all"], text: "Masters and vouchers"),
                el("a", ["class": "button secondary", "href": base + "/tally/export?what=masters"], text: "Masters only"),
                el("a", ["class": "button secondary", "href": base + "/tally/export?what=vouchers"], text: "Vouchers only"),
            ]),
        ]))
        content += extra
        var rows = ""
        for (r, at) in imports {
            let t = r.totals
            rows += "<tr><td data-label=\"When\">\(esc(Format.timestamp(ISO8601DateFormatter().string(from: at))))</td>"
            rows += "<td data-label=\"File\"><a href=\"\(base)/tally/imports/\(r.id.uuidString.lowercased())\">\(esc(r.source))</a></td>"
            rows += [t.created, t.updated, t.unchanged, t.rejected, t.skipped].enumerated().map { i, n in
                "<td class=\"num\" data-label=\"\(["Created", "Updated", "Unchanged", "Rejected", "Skipped"][i])\">\(n)</td>"
            }.joined() + "</tr>"
        }
        content.append(el("h2", text: "Earlier imports"))
        content.append(imports.isEmpty ? el("p", ["class": "card"], text: "Nothing imported yet.") :
            el("div", ["class": "table-wrap"], [el("table", ["id": "tally-imports", "class": "stack"], [
                el("thead", [:], [el("tr", [:], ["When", "File", "Created", "Updated", "Unchanged", "Rejected", "Skipped"].map { h in
                    el("th", ["scope": "col", "class": ["When", "File"].contains(h) ? "" : "num"], text: h)
                })]),
                el("tbody", [:], [.raw(rows)]),
            ])]))
        return Layout.render(chrome, content)
    }

    /// Live sync: where Tally is, how conflicts are settled, how the last run went, what failed and what conflicted.
    static func sync(_ s: TallySyncStatusDTO, values v: [String: String], errors e: [String: String], canEdit: Bool, companyID: UUID, csrf: String) -> [HTMLNode] {
        let base = "/app/c/\(companyID.uuidString.lowercased())"
        var parts: [HTMLNode] = [el("h2", text: "Live sync with Tally")]
        let when = { (d: Date?) in d.map { Format.timestamp(ISO8601DateFormatter().string(from: $0)) } ?? "never" }
        var state = s.configured ? "Last run: \(when(s.lastRunAt)) (\(s.status)); last success: \(when(s.lastSuccessAt))." : "Not set up yet."
        if let r = s.lastRun {
            state += " Pulled \(r.vouchers.created) new and \(r.vouchers.updated) changed vouchers, \(r.deletedInTally) deleted in Tally; pushed \(r.pushedVouchers) vouchers and \(r.pushedMasters) masters."
        }
        parts.append(el("p", ["class": s.status == "failed" ? "notice error-box" : "hint", "id": "sync-state", "role": "status"], text: state + (s.lastError.map { " Error: \($0)" } ?? "")))
        if canEdit {
            parts.append(el("form", ["method": "post", "action": base + "/tally/sync", "class": "card", "id": "sync-settings", "novalidate": nil], [
                Layout.csrfField(csrf),
                el("div", ["class": "grid"], [
                    FormField.input("url", label: "Tally server", value: v["url"] ?? s.url ?? "", error: e["url"],
                                    extra: [.attribute(named: "placeholder", value: "http://192.168.1.20:9000")]),
                    FormField.input("company", label: "Company in Tally", value: v["company"] ?? s.company ?? "", error: e["company"]),
                    FormField.select("conflictRule", label: "When both sides changed", options: [("newest", "the newer change wins"), ("tally", "Tally wins"), ("finsync", "FinSync360 wins")],
                                     selected: v["conflictRule"] ?? s.conflictRule, error: e["conflictRule"]),
                    FormField.input("intervalMinutes", label: "Every (minutes)", value: v["intervalMinutes"] ?? "\(s.intervalMinutes)", error: e["intervalMinutes"],
                                    extra: [.attribute(named: "inputmode", value: "numeric")]),
                    FormField.checkbox("enabled", label: "Sync on schedule", checked: v["enabled"].map { $0 == "on" } ?? (s.configured ? s.enabled : true)),
                ]),
                el("p", ["class": "actions"], [
                    el("button", ["type": "submit", "name": "action", "value": "save"], text: "Save"),
                    el("button", ["type": "submit", "name": "action", "value": "run", "class": "secondary"], text: "Save and sync now"),
                ]),
            ]))
        }
        if !s.errors.isEmpty {
            parts.append(el("h3", text: "Objects Tally refused"))
            parts.append(table(id: "sync-errors", headings: ["Kind", "Name", "Error"], numeric: [], rows: s.errors.map { [$0.kind, $0.name, $0.error] }))
        }
        if !s.conflicts.isEmpty {
            parts.append(el("h3", text: "Conflicts"))
            parts.append(table(id: "sync-conflicts", headings: ["When", "Kind", "Name", "Resolution", "Detail"], numeric: [],
                               rows: s.conflicts.map { [when($0.detectedAt), $0.kind, $0.name, $0.resolution == "took-tally" ? "took Tally's" : "kept ours", $0.detail] }))
        }
        return [el("section", ["class": "card", "id": "tally-sync"], parts)]
    }

    /// One import's report: counts by kind, every rejection and skip with its reason, and the parity check.
    static func report(_ r: TallyImportDTO, companyID: UUID, chrome: Chrome) -> String {
        let t = r.totals
        var content: [HTMLNode] = [
            el("h1", text: "Import of \(r.source)"),
            el("p", ["class": "card", "id": "import-totals"],
               text: "\(t.created) created, \(t.updated) updated, \(t.unchanged) unchanged, \(t.rejected) rejected, \(t.skipped) skipped (\(r.encoding == "utf8" ? "UTF-8" : "UTF-16") file\(r.controlCharactersDropped > 0 ? ", \(r.controlCharactersDropped) control characters dropped" : ""))."),
        ]
        if let p = r.parity {
            content.append(el("p", ["class": p.agrees ? "notice ok" : "notice warn", "id": "parity"],
                              text: p.agrees ? "Parity: all \(p.ledgersCompared) ledgers agree with the figures in the Tally data as of \((CalendarDate(p.asOf).map(Format.date) ?? p.asOf))."
                                             : "Parity: \(p.differences.count) of \(p.ledgersCompared) ledgers differ from the Tally data as of \((CalendarDate(p.asOf).map(Format.date) ?? p.asOf))."))
            if !p.differences.isEmpty {
                content.append(table(id: "parity-differences", headings: ["Ledger", "In Tally", "Here"], numeric: ["In Tally", "Here"],
                                     rows: p.differences.map { [$0.ledger, "\(VoucherPage.money($0.tally.amount)) \($0.tally.side.rawValue)", "\(VoucherPage.money($0.ours.amount)) \($0.ours.side.rawValue)"] }))
            }
        }
        content.append(el("h2", text: "By kind"))
        content.append(table(id: "import-kinds", headings: ["Kind", "Created", "Updated", "Unchanged", "Rejected", "Skipped"],
                             numeric: ["Created", "Updated", "Unchanged", "Rejected", "Skipped"],
                             rows: r.byKind.map { [$0.kind, "\($0.created)", "\($0.updated)", "\($0.unchanged)", "\($0.rejected)", "\($0.skipped)"] }))
        let problems = r.objects.filter { $0.outcome == .rejected || $0.outcome == .skipped }
        content.append(el("h2", text: "Rejected and skipped"))
        content.append(problems.isEmpty ? el("p", ["class": "card"], text: "Nothing was rejected or skipped.") :
            table(id: "import-problems", headings: ["Kind", "Name", "Outcome", "Reason"], numeric: [],
                  rows: problems.map { [$0.kind, $0.name, $0.outcome.rawValue, $0.reason ?? ""] }))
        return Layout.render(chrome, content)
    }

    private static func table(id: String, headings: [String], numeric: Set<String>, rows: [[String]]) -> HTMLNode {
        var body = ""
        for row in rows {
            body += "<tr>" + zip(headings, row).map { h, cell in "<td data-label=\"\(esc(h))\"\(numeric.contains(h) ? " class=\"num\"" : "")>\(esc(cell))</td>" }.joined() + "</tr>"
        }
        return el("div", ["class": "table-wrap"], [el("table", ["id": id, "class": "stack"], [
            el("thead", [:], [el("tr", [:], headings.map { h in el("th", ["scope": "col", "class": numeric.contains(h) ? "num" : ""], text: h) })]),
            el("tbody", [:], [.raw(body)]),
        ])])
    }
}

import Foundation
import Vapor

/// Stock masters kept from the stock tabs — godowns, stock groups, units — and the physical count form. Each form
/// goes through the same function as its API route, and errors come back beside the field they name.
enum WebStockMasters {
    private static func base(_ company: UUID) -> String { "/app/c/\(company.uuidString.lowercased())" }

    // MARK: Godowns and stock groups (both a name under an optional parent)

    struct Nested: Sendable {
        let master: NestedMaster, title: String, current: String, path: String, noun: String
        static let godowns = Nested(master: .godowns, title: "Godowns", current: "godowns", path: "godowns", noun: "godown")
        static let groups = Nested(master: .stockGroups, title: "Stock groups", current: "groups", path: "groups", noun: "stock group")
    }

    static func list(_ n: Nested) -> @Sendable (Request) async throws -> Response {
        { req in try await nestedPage(n, req, values: [:], errors: [:], status: .ok) }
    }

    static func create(_ n: Nested) -> @Sendable (Request) async throws -> Response {
        { req in
            let form = WebForm.fields(req)
            do {
                let body = try NestedRequest.decode(from: WebForm.json(form, only: ["name", "parent"]), schema: NestedRequest.schema)
                let (company, actor) = (try req.company.companyID, req.auditActor)
                _ = try await req.write { db in try await n.master.create(body, company: company, actor: actor, on: db) }
                return req.redirect(to: base(company) + "/stock/" + n.path)
            } catch let e as APIError where e.status.code < 500 {
                return try await nestedPage(n, req, values: form, errors: WebForm.errors(e), status: e.status)
            }
        }
    }

    private static func nestedPage(_ n: Nested, _ req: Request, values: [String: String], errors: [String: String], status: HTTPStatus) async throws -> Response {
        let (context, dto) = try await WebStockController.company(req)
        let chrome = req.chrome(n.title, section: .stock, company: dto)
        let list = n.master.dtos(try await n.master.all(company: context.companyID, on: req.db))
        var extra: [HTMLNode] = []
        if context.role.can(.inventoryEdit) {
            extra.append(form(action: base(context.companyID) + "/stock/" + n.path, csrf: chrome.csrf, button: "Create \(n.noun)", fields: [
                FormField.input("name", label: "New \(n.noun)", value: values["name"] ?? "", error: errors["name"], required: true),
                FormField.input("parent", label: "Inside (optional)", value: values["parent"] ?? "", error: errors["parent"],
                                extra: [.attribute(named: "list", value: "parent-names")]),
                el("datalist", ["id": "parent-names"], list.map { el("option", ["value": $0.name]) }),
            ]))
        }
        return WebForm.page(StockPages.table(n.title, current: n.current, id: n.path, headings: [n.title == "Godowns" ? "Godown" : "Stock group", "Inside"],
                                             numeric: [], rows: list.map { [$0.name, $0.parent ?? ""] }, empty: "None yet.",
                                             companyID: context.companyID, chrome: chrome, extra: extra), status: status)
    }

    // MARK: Units

    @Sendable static func units(req: Request) async throws -> Response { try await unitsPage(req, values: [:], errors: [:], status: .ok) }

    @Sendable static func createUnit(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        do {
            let body = try UnitRequest.decode(from: WebForm.json(form, only: ["symbol", "name", "uqc", "base", "conversion"]), schema: UnitRequest.schema)
            let (company, actor) = (try req.company.companyID, req.auditActor)
            _ = try await req.write { db in try await Units.create(body, company: company, actor: actor, on: db) }
            return req.redirect(to: base(company) + "/stock/units")
        } catch let e as APIError where e.status.code < 500 {
            return try await unitsPage(req, values: form, errors: WebForm.errors(e), status: e.status)
        }
    }

    private static func unitsPage(_ req: Request, values v: [String: String], errors e: [String: String], status: HTTPStatus) async throws -> Response {
        let (context, dto) = try await WebStockController.company(req)
        let chrome = req.chrome("Units", section: .stock, company: dto)
        let units = try await Units.all(company: context.companyID, on: req.db).map(UnitDTO.init)
        var extra: [HTMLNode] = [el("p", ["class": "hint"], text: "Items are kept in their GST unit (UQC). A compound unit is a number of another unit — a BOX of 12 NOS — and a line may be entered in it.")]
        if context.role.can(.mastersEdit) {
            extra.append(form(action: base(context.companyID) + "/stock/units", csrf: chrome.csrf, button: "Create unit", fields: [
                FormField.input("symbol", label: "Symbol", value: v["symbol"] ?? "", error: e["symbol"], required: true),
                FormField.input("name", label: "Name", value: v["name"] ?? "", error: e["name"]),
                FormField.input("uqc", label: "UQC (if not the symbol)", value: v["uqc"] ?? "", error: e["uqc"]),
                FormField.input("conversion", label: "Compound: how many", value: v["conversion"] ?? "", error: e["conversion"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
                FormField.input("base", label: "Compound: of which unit", value: v["base"] ?? "", error: e["base"]),
            ]))
        }
        return WebForm.page(StockPages.table("Units", current: "units", id: "units", headings: ["Symbol", "Name", "UQC", "Made of"], numeric: [],
                                             rows: units.map { u in [u.symbol, u.name ?? "", u.uqc, u.base.map { "\(u.conversion ?? "") \($0)" } ?? ""] },
                                             empty: "No units of your own yet: items use their UQC.", companyID: context.companyID, chrome: chrome,
                                             extra: extra), status: status)
    }

    // MARK: Physical count

    static let countLines = 8

    @Sendable static func count(req: Request) async throws -> Response {
        try await countPage(req, values: ["date": Format.today().description], errors: [:], status: .ok)
    }

    @Sendable static func postCount(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        let (lines, filled) = WebForm.rows(form, count: countLines, keys: ["item", "counted"], optional: ["batch"])
        var json: [String: JSONValue] = ["date": .string(form["date"] ?? ""), "lines": .array(lines)]
        for key in ["godown", "narration"] { if let v = form[key], !v.isEmpty { json[key] = .string(v) } }
        do {
            let body = try PhysicalStockRequest.decode(from: .object(json))
            let (context, actor) = (try req.company, req.auditActor)
            let journal = try await req.write { db in
                try await PhysicalStock.post(body, company: try await CompanyController.find(context, on: db), actor: actor, on: db)
            }
            return try await countPage(req, values: ["date": form["date"] ?? ""], errors: [:], status: .ok, posted: journal)
        } catch let e as APIError where e.status.code < 500 {
            var errors = WebForm.errors(e, rows: "lines", filled: filled)
            if e.fields.isEmpty { errors[""] = e.message }
            return try await countPage(req, values: form, errors: errors, status: e.status)
        }
    }

    private static func countPage(_ req: Request, values v: [String: String], errors e: [String: String], status: HTTPStatus,
                                  posted: StockJournalDTO? = nil) async throws -> Response {
        let (context, dto) = try await WebStockController.company(req)
        var chrome = req.chrome("Physical count", section: .stock, company: dto)
        if let posted {
            chrome.flash = .init(kind: .ok, message: "Verification journal \(posted.number) posted: \(posted.lines.count) difference(s) from the books.")
        }
        let items = try await ItemController.list(req: req).items.filter { $0.kind == "goods" }.map(\.name)
        let godowns = try await Godowns.all(company: context.companyID, on: req.db).map(\.name)
        let rows: [HTMLNode] = (0..<countLines).map { i in
            let f = "lines[\(i)]"
            return el("fieldset", ["class": "grid line"], [
                el("legend", ["class": "skip"], text: "Line \(i + 1)"),
                FormField.input("item\(i)", label: "Item", value: v["item\(i)"] ?? "", error: e[f + ".item"],
                                extra: [.attribute(named: "list", value: "item-names"), .attribute(named: "autocomplete", value: "off")]),
                FormField.input("batch\(i)", label: "Batch", value: v["batch\(i)"] ?? "", error: e[f + ".batch"]),
                FormField.input("counted\(i)", label: "Counted", value: v["counted\(i)"] ?? "", error: e[f + ".counted"],
                                extra: [.attribute(named: "inputmode", value: "decimal")]),
            ])
        }
        var content: [HTMLNode] = [el("h1", text: "Physical count"), StockPages.nav(base: base(context.companyID), current: "count")]
        // "lines" (nothing differs from the books, too many lines) belongs to no one field.
        if let error = e[""] ?? e["lines"] { content.append(el("div", ["class": "notice error-box", "role": "alert"], text: error)) }
        content.append(el("form", ["method": "post", "action": base(context.companyID) + "/stock/count", "class": "card", "novalidate": nil], [
            Layout.csrfField(chrome.csrf),
            el("div", ["class": "grid"], [
                FormField.input("date", label: "Counted on", value: v["date"] ?? "", type: "date", error: e["date"], required: true),
                FormField.input("godown", label: "Godown", value: v["godown"] ?? "", error: e["godown"],
                                extra: [.attribute(named: "list", value: "godown-names"), .attribute(named: "placeholder", value: Godowns.main)]),
                FormField.input("narration", label: "Narration", value: v["narration"] ?? "", error: e["narration"]),
            ]),
            el("p", ["class": "hint"], text: "What you counted on the shelf; the differences from the books that day are posted as a verification journal."),
            el("datalist", ["id": "item-names"], items.map { el("option", ["value": $0]) }),
            el("datalist", ["id": "godown-names"], godowns.map { el("option", ["value": $0]) }),
        ] + rows + [el("p", ["class": "actions"], [el("button", ["type": "submit"], text: "Post count")])]))
        return WebForm.page(Layout.render(chrome, content), status: status)
    }

    private static func form(action: String, csrf: String, button: String, fields: [HTMLNode]) -> HTMLNode {
        el("form", ["method": "post", "action": action, "class": "card", "novalidate": nil], [
            Layout.csrfField(csrf),
            el("div", ["class": "grid"], fields),
            el("p", ["class": "actions"], [el("button", ["type": "submit", "data-shortcut": "create"], text: button)]),
        ])
    }
}

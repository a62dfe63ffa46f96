import Foundation
import Vapor

/// Stock pages and the notification centre; each reads through the same functions as the API.
enum WebStockController {
    static func company(_ req: Request) async throws -> (CompanyContext, CompanyDTO) {
        let context = try req.company
        return (context, try CompanyDTO(try await CompanyController.find(context, on: req.db)))
    }

    @Sendable static func summary(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        do {
            let s = try await StockReports.summary(req: req)
            return WebForm.page(StockPages.summary(s, companyID: context.companyID, chrome: req.chrome("Stock summary", section: .stock, company: dto)))
        } catch let e as APIError where e.status.code < 500 {
            var chrome = req.chrome("Stock summary", section: .stock, company: dto)
            chrome.flash = .init(kind: .error, message: e.fields.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
            let empty = StockSummaryDTO(asOf: Format.today().description, by: "item", rows: [], totalValue: "0.00")
            return WebForm.page(StockPages.summary(empty, companyID: context.companyID, chrome: chrome), status: e.status)
        }
    }

    @Sendable static func ledger(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let l = try await StockReports.ledger(req: req)
        let chrome = req.chrome("Stock ledger", section: .stock, company: dto, back: "/app/c/\(context.companyID.uuidString.lowercased())/stock")
        return WebForm.page(StockPages.ledger(l, itemID: req.query[String.self, at: "item"] ?? "", companyID: context.companyID, chrome: chrome))
    }

    @Sendable static func notifications(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let list = try await NotificationController.list(req: req).items
        return WebForm.page(StockPages.notifications(list, companyID: context.companyID, chrome: req.chrome("Notifications", section: .notifications, company: dto)))
    }

    @Sendable static func markRead(req: Request) async throws -> Response {
        let context = try req.company
        _ = try await NotificationController.markRead(req: req)
        return req.redirect(to: "/app/c/\(context.companyID.uuidString.lowercased())/notifications")
    }

    @Sendable static func batches(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let report = try await StockReports.batches(req: req)
        return WebForm.page(StockPages.table("Batches", current: "batches", id: "batches", headings: ["Item", "Batch", "Godown", "Quantity", "Expires", "Status"],
                                             numeric: ["Quantity"], rows: report.rows.map { [$0.item, $0.batch, $0.godown, $0.quantity, $0.expiresOn ?? "", $0.status] },
                                             empty: "No batch-wise stock.", companyID: context.companyID, chrome: req.chrome("Batches", section: .stock, company: dto),
                                             drill: report.rows.map(\.itemId)))
    }

    @Sendable static func reorder(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let report = try await StockReports.reorder(req: req)
        return WebForm.page(StockPages.table("Reorder", current: "reorder", id: "reorder", headings: ["Item", "In stock", "Reorder level", "Suggested order"],
                                             numeric: ["In stock", "Reorder level", "Suggested order"],
                                             rows: report.rows.map { [$0.item, $0.quantity, $0.reorderLevel, $0.suggestedOrder] },
                                             empty: "Nothing is at its reorder level.", companyID: context.companyID,
                                             chrome: req.chrome("Reorder", section: .stock, company: dto), drill: report.rows.map(\.itemId)))
    }

    @Sendable static func ageing(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let report = try await StockAgeing.report(req: req)
        return WebForm.page(StockPages.table("Stock ageing", current: "ageing", id: "ageing", headings: ["Item", "On hand"] + report.buckets.map { $0 + " days" },
                                             numeric: Set(["On hand"] + report.buckets.map { $0 + " days" }),
                                             rows: report.rows.map { [$0.item, $0.quantity] + $0.buckets },
                                             empty: "No stock on hand.", companyID: context.companyID, chrome: req.chrome("Stock ageing", section: .stock, company: dto),
                                             drill: report.rows.map(\.itemId)))
    }

    @Sendable static func newJournal(req: Request) async throws -> Response {
        try await journalPage(req, values: ["date": Format.today().description], errors: [:], status: .ok)
    }

    @Sendable static func createJournal(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        let (json, filled) = StockPages.journalBody(form)
        do {
            let body = try StockJournalRequest.decode(from: json)
            let (context, actor) = (try req.company, req.auditActor)
            _ = try await req.write { db in
                try await StockJournals.post(body, company: try await CompanyController.find(context, on: db), actor: actor, on: db)
            }
            return req.redirect(to: "/app/c/\(context.companyID.uuidString.lowercased())/stock?notice=journal-saved")
        } catch let e as APIError where e.status.code < 500 {
            var errors = WebForm.errors(e, rows: "lines", filled: filled)
            if e.fields.isEmpty { errors[""] = e.message }
            return try await journalPage(req, values: form, errors: errors, status: e.status)
        }
    }

    private static func journalPage(_ req: Request, values: [String: String], errors: [String: String], status: HTTPStatus) async throws -> Response {
        let (context, dto) = try await company(req)
        let items = try await ItemController.list(req: req).items.filter { $0.kind == "goods" }.map(\.name)
        let godowns = try await Godowns.all(company: context.companyID, on: req.db).map(\.name)
        let units = try await Units.all(company: context.companyID, on: req.db).map(\.symbol)
        return WebForm.page(StockPages.journalEntry(values: values, errors: errors, items: items, units: units, godowns: godowns, companyID: context.companyID,
                                                    chrome: req.chrome("New stock journal", section: .stock, company: dto,
                                                                       back: "/app/c/\(context.companyID.uuidString.lowercased())/stock")),
                            status: status)
    }

    @Sendable static func orders(req: Request) async throws -> Response {
        try await ordersPage(req, values: ["date": Format.today().description], errors: [:], status: .ok)
    }

    @Sendable static func createOrder(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        let (lines, filled) = WebForm.rows(form, count: StockPages.journalLines, keys: ["item", "quantity", "rate"], optional: ["unit", "godown", "batch"])
        var json: [String: JSONValue] = ["date": .string(form["date"] ?? ""), "party": .string(form["party"] ?? ""), "lines": .array(lines)]
        if let order = form["order"], !order.isEmpty { json["order"] = .string(order) }
        let kind = TradeKind(rawValue: form["kind"] ?? "") ?? .salesOrder
        do {
            let body = try TradeRequest.decode(from: .object(json))
            let (context, actor) = (try req.company, req.auditActor)
            try context.require(kind.voucherClass)
            _ = try await req.write { db in try await TradeDocuments.post(kind, body, company: try await CompanyController.find(context, on: db), actor: actor, on: db) }
            return req.redirect(to: "/app/c/\(context.companyID.uuidString.lowercased())/stock/orders")
        } catch let e as APIError where e.status.code < 500 {
            var errors = WebForm.errors(e, rows: "lines", filled: filled)
            if e.fields.isEmpty { errors[""] = e.message }
            return try await ordersPage(req, values: form, errors: errors, status: e.status)
        }
    }

    private static func ordersPage(_ req: Request, values: [String: String], errors: [String: String], status: HTTPStatus) async throws -> Response {
        let (context, dto) = try await company(req)
        var outstanding: [TradeController.OutstandingDTO.Row] = []
        var open: [(String, String)] = []
        for kind in ["sales", "purchase"] {
            let rows = try await TradeController.outstanding(company: context.companyID, kind: kind, on: req.db).rows
            outstanding += rows
            for r in rows where !open.contains(where: { $0.0 == r.orderId.uuidString.lowercased() }) {
                open.append((r.orderId.uuidString.lowercased(), "\(kind == "sales" ? "Sales" : "Purchase") order \(r.number) · \(r.party)"))
            }
        }
        let items = try await ItemController.list(req: req).items.filter { $0.kind == "goods" }.map(\.name)
        let parties = try await req.visibleLedgers().map(\.name)
        let units = try await Units.all(company: context.companyID, on: req.db).map(\.symbol)
        return WebForm.page(StockPages.orders(outstanding: outstanding, openOrders: open, values: values, errors: errors, items: items, units: units, parties: parties,
                                              companyID: context.companyID, chrome: req.chrome("Orders and notes", section: .stock, company: dto)),
                            status: status)
    }
}

import Foundation
import Vapor

/// The Tally page: the same import, export and reports as `…/api/v1/…/tally`.
enum WebTallyController {
    @Sendable static func home(req: Request) async throws -> Response { try await homePage(req, error: nil, status: .ok) }

    static func homePage(_ req: Request, error: String?, status: HTTPStatus, values: [String: String] = [:], errors: [String: String] = [:],
                         flash: Chrome.Flash? = nil) async throws -> Response {
        let (context, dto) = try await WebStockController.company(req)
        let imports = try await TallyController.stored(company: context.companyID, id: nil, on: req.db)
        var chrome = req.chrome("Tally", section: .tally, company: dto)
        chrome.flash = flash
        let sync = TallyPages.sync(try await TallySyncController.status(company: context.companyID, on: req.db), values: values, errors: errors,
                                   canEdit: context.role.can(.settingsEdit), companyID: context.companyID, csrf: chrome.csrf)
        return WebForm.page(TallyPages.home(imports: imports, error: error, companyID: context.companyID, chrome: chrome, extra: sync), status: status)
    }

    /// Saves the sync settings, and with "Save and sync now" runs a sync; the page shows how it went.
    @Sendable static func saveSync(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        let context = try req.company
        var json = WebForm.json(form, only: ["url", "company", "conflictRule"])
        if case .object(var o) = json {
            o["enabled"] = .bool(form["enabled"] == "on")
            if let raw = form["intervalMinutes"], !raw.isEmpty { o["intervalMinutes"] = Int64(raw).map(JSONValue.int) ?? .string(raw) }
            json = .object(o)
        }
        do {
            let body = try TallySyncSettingsRequest.decode(from: json)
            let actor = req.auditActor, policy = req.application.config.outbound
            try await req.write { db in try await TallySyncController.save(body, company: context.companyID, policy: policy, actor: actor, on: db) }
        } catch let e as APIError where e.status.code < 500 {
            return try await homePage(req, error: nil, status: e.status, values: form, errors: WebForm.errors(e))
        }
        guard form["action"] == "run" else { return try await homePage(req, error: nil, status: .ok, flash: .init(kind: .ok, message: "Sync settings saved.")) }
        let company = try await CompanyController.find(context, on: req.db)
        guard let s = try await TallySync.settings(company: context.companyID, on: req.db) else { return try await homePage(req, error: nil, status: .ok) }
        do {
            let r = try await TallySync.run(company: company, client: TallySyncController.client(req.application, url: s.url), actor: req.auditActor,
                                            store: req.application.store, on: req.db)
            return try await homePage(req, error: nil, status: .ok, flash: .init(kind: .ok, message: "Synced with Tally: \(r.vouchers.created + r.vouchers.updated) vouchers pulled, \(r.pushedVouchers) pushed."))
        } catch {
            return try await homePage(req, error: nil, status: .badGateway, flash: .init(kind: .error, message: "The sync failed; see below."))
        }
    }

    @Sendable static func importFile(req: Request) async throws -> Response {
        let context = try req.company
        do {
            let upload = try await TallyUpload.receive(req, limit: req.application.config.tallyMaxUploadBytes)
            defer { try? FileManager.default.removeItem(atPath: upload.path) }
            let company = try await CompanyController.find(context, on: req.db)
            let report = try await TallyController.importing(upload.path) {
                try await TallyImporter.run(path: upload.path, source: upload.name, company: company, actor: req.auditActor, store: req.application.store, on: req.db)
            }
            return req.redirect(to: "/app/c/\(context.companyID.uuidString.lowercased())/tally/imports/\(report.id.uuidString.lowercased())")
        } catch let e as APIError where e.status.code < 500 {
            return try await homePage(req, error: e.fields.first.map { "\($0.field == "file" ? "The file" : $0.field) \($0.message)." } ?? e.message, status: e.status)
        }
    }

    @Sendable static func report(req: Request) async throws -> Response {
        let (context, dto) = try await WebStockController.company(req)
        let r = try await TallyController.importReport(req: req)
        return WebForm.page(TallyPages.report(r, companyID: context.companyID,
                                              chrome: req.chrome("Tally import", section: .tally, company: dto, back: "/app/c/\(context.companyID.uuidString.lowercased())/tally")))
    }
}

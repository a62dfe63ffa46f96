import Foundation
import Vapor

/// The Tally page: the same import, export and reports as `…/api/v1/…/tally`.
enum WebTallyController {
    @Sendable static func home(req: Request) async throws -> Response { try await homePage(req, error: nil, status: .ok) }

    static func homePage(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let (context, dto) = try await WebStockController.company(req)
        let imports = try await TallyController.stored(company: context.companyID, id: nil, on: req.db)
        return WebForm.page(TallyPages.home(imports: imports, error: error, companyID: context.companyID,
                                            chrome: req.chrome("Tally", section: .tally, company: dto)), status: status)
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

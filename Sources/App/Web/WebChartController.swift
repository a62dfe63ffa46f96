import Fluent
import Ledger
import Vapor

/// Ledger and group forms: each posts the API's body through the same functions the API uses.
enum WebChartController {
    private static func accountsPath(_ req: Request) throws -> String {
        "/app/c/\(try req.company.companyID.uuidString.lowercased())/accounts"
    }

    @Sendable static func newLedger(req: Request) async throws -> Response {
        let group = req.query[String.self, at: "group"] ?? "Sundry Debtors"
        return try await ledgerPage(req, ledgerID: nil, values: ["group": group, "openingSide": "Dr"], status: .ok)
    }

    @Sendable static func createLedger(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        do {
            let body = try LedgerRequest.decode(from: LedgerFormPage.body(form, editing: false), schema: LedgerRequest.createSchema)
            let (company, actor) = (try req.company.companyID, req.auditActor)
            _ = try await req.write { db in try await ChartController.createLedger(body, company: company, actor: actor, on: db) }
            return req.redirect(to: try accountsPath(req) + "?notice=ledger-saved")
        } catch let e as APIError where e.status.code < 500 {
            return try await ledgerPage(req, ledgerID: nil, values: form, errors: WebForm.errors(e), error: e.fields.isEmpty ? e.message : nil,
                                        status: e.status)
        }
    }

    @Sendable static func editLedger(req: Request) async throws -> Response {
        let ledger = try await ChartController.showLedger(req: req)
        return try await ledgerPage(req, ledgerID: ledger.id, values: LedgerFormPage.values(ledger), status: .ok)
    }

    @Sendable static func updateLedger(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        let reference = req.parameters.get("ledger") ?? ""
        guard let ledger = try await Chart.ledger(reference, company: try req.company.companyID, on: req.db) else { throw APIError.notFound("Ledger") }
        do {
            let body = try LedgerRequest.decode(from: LedgerFormPage.body(form, editing: true))
            let (company, actor) = (try req.company.companyID, req.auditActor)
            _ = try await req.write { db in
                try await ChartController.updateLedger(ledger.id.uuidString, with: body, company: company, actor: actor, on: db)
            }
            return req.redirect(to: try accountsPath(req) + "?notice=ledger-saved")
        } catch let e as APIError where e.status.code < 500 {
            return try await ledgerPage(req, ledgerID: ledger.id, values: form, errors: WebForm.errors(e),
                                        error: e.fields.isEmpty ? e.message : nil, status: e.status)
        }
    }

    private static func ledgerPage(_ req: Request, ledgerID: UUID?, values: [String: String], errors: [String: String] = [:],
                                   error: String? = nil, status: HTTPStatus) async throws -> Response {
        let context = try req.company
        let company = try CompanyDTO(try await CompanyController.find(context, on: req.db))
        let groups = try await Chart.groups(company: context.companyID, on: req.db).filter(\.active).map(\.name).sorted()
        let model = LedgerFormPage.Model(companyID: context.companyID, ledgerID: ledgerID, groups: groups, values: values, errors: errors, error: error)
        let title = ledgerID == nil ? "New ledger" : "Edit \(values["name"] ?? "ledger")"
        return WebForm.page(LedgerFormPage.render(model, chrome: req.chrome(title, section: .accounts, company: company,
                                                                            back: try accountsPath(req))), status: status)
    }

    @Sendable static func newGroup(req: Request) async throws -> Response {
        try await groupPage(req, values: [:], status: .ok)
    }

    @Sendable static func createGroup(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        do {
            let body = try CreateGroupRequest.decode(from: WebForm.json(form, only: ["name", "parent", "nature"]))
            let (company, actor) = (try req.company.companyID, req.auditActor)
            _ = try await req.write { db in try await ChartController.createGroup(body, company: company, actor: actor, on: db) }
            return req.redirect(to: try accountsPath(req) + "?notice=group-created")
        } catch let e as APIError where e.status.code < 500 {
            return try await groupPage(req, values: form, errors: WebForm.errors(e), status: e.status)
        }
    }

    private static func groupPage(_ req: Request, values: [String: String], errors: [String: String] = [:],
                                  status: HTTPStatus) async throws -> Response {
        let context = try req.company
        let company = try CompanyDTO(try await CompanyController.find(context, on: req.db))
        let groups = try await Chart.groups(company: context.companyID, on: req.db).filter(\.active).map(\.name).sorted()
        let model = GroupFormPage.Model(companyID: context.companyID, groups: groups, values: values, errors: errors)
        return WebForm.page(GroupFormPage.render(model, chrome: req.chrome("New group", section: .accounts, company: company,
                                                                           back: try accountsPath(req))), status: status)
    }
}

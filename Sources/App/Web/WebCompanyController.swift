import Fluent
import Ledger
import Vapor

/// The company pages. Each handler reuses the API's operation, so rules and audit entries are the same.
enum WebCompanyController {
    @Sendable static func list(req: Request) async throws -> Response {
        let userID = try req.authenticatedUserID
        let companies = try await CompanyController.query(memberOf: userID, on: req.db)
        let roles = try await Membership.query(on: req.db).filter(\.$userID == userID).filter(\.$active == true).all()
        let roleByCompany = Dictionary(roles.map { ($0.companyID, $0.role) }, uniquingKeysWith: { a, _ in a })
        let rows = try companies.map { c in
            let dto = try CompanyDTO(c)
            return CompanyListPage.Row(id: dto.id, name: dto.name, gstin: dto.gstin, stateName: dto.stateName,
                                       role: roleByCompany[dto.id] ?? .viewer)
        }
        return WebForm.page(CompanyListPage.render(rows, chrome: req.chrome("Your companies")))
    }

    @Sendable static func newPage(req: Request) async throws -> Response {
        let fyStart = Format.today().financialYearStart.description
        let model = NewCompanyPage.Model(values: ["financialYearStart": fyStart, "booksBeginning": fyStart])
        return WebForm.page(NewCompanyPage.render(model, chrome: req.chrome("New company", back: "/app")))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        do {
            let body = try CreateCompanyRequest.decode(from: WebForm.json(form, only: ["name", "gstin", "stateCode", "financialYearStart", "booksBeginning"]))
            let company = try await CompanyController.create(body, by: req.authenticatedUserID, on: req)
            return req.redirect(to: "/app/c/\(company.id.uuidString.lowercased())?notice=company-created")
        } catch let error as APIError where error.status == .unprocessableEntity {
            let model = NewCompanyPage.Model(values: form, errors: WebForm.errors(error))
            return WebForm.page(NewCompanyPage.render(model, chrome: req.chrome("New company", back: "/app")), status: error.status)
        }
    }

    @Sendable static func dashboard(req: Request) async throws -> Response {
        let context = try req.company
        let model = try await CompanyController.find(context, on: req.db)
        let company = try CompanyDTO(model)
        let members = try await MemberController.query(company: context, on: req.db).count
        var tiles: [(label: String, amount: Money)] = []
        if context.role.can(.reportsView) {
            tiles = try await dashboardFigures(context, company: model, on: req.db)
        }
        let page = DashboardPage.Model(company: company, members: members, tiles: tiles)
        return WebForm.page(DashboardPage.render(page, chrome: req.chrome(company.name, section: .dashboard, company: company, back: "/app")))
    }

    @Sendable static func settings(req: Request) async throws -> Response {
        let context = try req.company
        let company = try CompanyDTO(try await CompanyController.find(context, on: req.db))
        let model = SettingsPage.Model(values: CompanyForm.values(company), canEdit: context.role.can(.settingsEdit), company: company)
        return WebForm.page(SettingsPage.render(model, chrome: req.chrome("Settings", section: .settings, company: company, back: dashboard(context))))
    }

    @Sendable static func saveSettings(req: Request) async throws -> Response {
        let context = try req.company
        let form = WebForm.fields(req)
        var json = WebForm.json(form, only: ["name", "stateCode", "financialYearStart", "booksBeginning"]).objectValue ?? [:]
        json["gstin"] = (form["gstin"] ?? "").isEmpty ? .null : .string(form["gstin"]!)
        do {
            _ = try await CompanyController.update(try UpdateCompanyRequest.decode(from: .object(json)), in: context, on: req)
            return req.redirect(to: "\(dashboard(context))/settings?notice=settings-saved")
        } catch let error as APIError where error.status == .unprocessableEntity {
            let company = try CompanyDTO(try await CompanyController.find(context, on: req.db))
            let model = SettingsPage.Model(values: form, errors: WebForm.errors(error), canEdit: true, company: company)
            return WebForm.page(SettingsPage.render(model, chrome: req.chrome("Settings", section: .settings, company: company)),
                                status: error.status)
        }
    }

    @Sendable static func members(req: Request) async throws -> Response {
        try await membersPage(req, status: .ok)
    }

    @Sendable static func addMember(req: Request) async throws -> Response {
        let context = try req.company
        let form = WebForm.fields(req)
        do {
            let invitation = try await InvitationController.invite(
                try AddMemberRequest.decode(from: WebForm.json(form, only: ["email", "role"])), to: context, on: req)
            // Shown once, here: only the token's hash is kept.
            return try await membersPage(req, status: .created, invited: invitation)
        } catch let error as APIError where error.status.code < 500 {
            return try await membersPage(req, status: error.status, email: form["email"] ?? "", role: form["role"] ?? "",
                                         errors: WebForm.errors(error), flash: error.fields.isEmpty ? error.message : nil)
        }
    }

    @Sendable static func changeRole(req: Request) async throws -> Response {
        let context = try req.company
        let form = WebForm.fields(req)
        do {
            let body = try ChangeRoleRequest.decode(from: WebForm.json(form, only: ["role"]))
            _ = try await MemberController.changeRole(body, of: MemberController.memberID(req), in: context, on: req)
            return req.redirect(to: "\(dashboard(context))/members?notice=role-changed")
        } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
            return try await membersPage(req, status: error.status, flash: error.fields.first.map { "\($0.field) \($0.message)" } ?? error.message)
        }
    }

    @Sendable static func removeMember(req: Request) async throws -> Response {
        let context = try req.company
        do {
            try await MemberController.remove(MemberController.memberID(req), from: context, on: req)
            return req.redirect(to: "\(dashboard(context))/members?notice=member-removed")
        } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
            return try await membersPage(req, status: error.status, flash: error.message)
        }
    }

    @Sendable static func revokeInvitation(req: Request) async throws -> Response {
        let context = try req.company
        do {
            guard let id = req.parameters.get("invitationID").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("Invitation") }
            try await InvitationController.revoke(id, in: context, on: req)
            return req.redirect(to: "\(dashboard(context))/members?notice=invitation-revoked")
        } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
            return try await membersPage(req, status: error.status, flash: error.message)
        }
    }

    private static func membersPage(_ req: Request, status: HTTPStatus, email: String = "", role: String = "",
                                    errors: [String: String] = [:], flash: String? = nil,
                                    invited: InvitationDTO? = nil) async throws -> Response
    {
        let context = try req.company
        let company = try CompanyDTO(try await CompanyController.find(context, on: req.db))
        let members = try await MemberController.query(company: context, on: req.db)
        let invitations = context.role.can(.membersManage) ? try await InvitationController.query(company: context.companyID, on: req.db) : []
        let model = MembersPage.Model(companyID: context.companyID, members: members, me: context.userID, myRole: context.role,
                                      invitations: invitations, invited: invited,
                                      addEmail: email, addRole: role.isEmpty ? Role.viewer.rawValue : role, errors: errors)
        var chrome = req.chrome("Members", section: .members, company: company, back: dashboard(context))
        if let flash { chrome.flash = .init(kind: .error, message: flash) }
        return WebForm.page(MembersPage.render(model, chrome: chrome), status: status)
    }

    @Sendable static func audit(req: Request) async throws -> Response {
        let context = try req.company
        let company = try CompanyDTO(try await CompanyController.find(context, on: req.db))
        let keys = ["action", "entityType", "from", "to", "actor", "entityId", "limit", "cursor"]
        let filters = Dictionary(uniqueKeysWithValues: keys.compactMap { key in
            req.query[String.self, at: key].flatMap { $0.isEmpty ? nil : (key, $0) }
        })
        var entries: [AuditEntryDTO] = []
        var next: String?
        var errors: [String: String] = [:]
        do {
            var filter = try AuditController.parseFilter(req)
            if filter.entityType == "" { filter.entityType = nil }
            let rows = try await AuditController.query(company: context.companyID, filter: filter, on: req.db)
            entries = rows.prefix(filter.limit).map(AuditEntryDTO.init)
            next = rows.count > filter.limit ? entries.last.map { String($0.seq) } : nil
        } catch let error as APIError where error.status == .unprocessableEntity {
            errors = WebForm.errors(error)
        }
        let actorIDs = Set(entries.compactMap(\.actorId))
        let users = actorIDs.isEmpty ? [] : try await User.query(on: req.db).filter(\.$id ~~ actorIDs).all()
        let names = Dictionary(uniqueKeysWithValues: try users.map { (try $0.requireID(), $0.name) })
        let verification = try await AuditLog.verifySinceCheckpoint(chain: AuditLog.chainKey(for: context.companyID), store: req.application.store,
                                                                   anchors: req.application.auditAnchors, on: req.db)
        let model = AuditLogPage.Model(companyID: context.companyID, entries: entries, actorNames: names, filters: filters,
                                       errors: errors, nextCursor: next, verification: verification)
        return WebForm.page(AuditLogPage.render(model, chrome: req.chrome("Audit log", section: .audit, company: company, back: dashboard(context))),
                            status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The four figures an owner looks at first, from the same computations as the reports.
    static func dashboardFigures(_ context: CompanyContext, company: Company, on db: any Database) async throws -> [(label: String, amount: Money)] {
        let today = Format.today()
        let receivable = try await Outstanding.compute(company: context.companyID, receivable: true, asOf: today, on: db)
        let payable = try await Outstanding.compute(company: context.companyID, receivable: false, asOf: today, on: db)
        let monthStart = today.monthStart
        let sales = try await ProfitAndLoss.compute(company: company, from: monthStart, to: today, on: db).dto
        let salesTotal = sales.tradingIncome.filter { $0.group == "Sales Accounts" }.reduce(Int64(0)) { $0 + ((try? Money(parsing: $1.amount).paise) ?? 0) }
        let tb = try await TrialBalance.compute(company: company, asOf: today, on: db)
        let groups = Dictionary(uniqueKeysWithValues: try await Chart.groups(company: context.companyID, on: db).map { ($0.id, $0) })
        let ledgers = Dictionary(uniqueKeysWithValues: try await Chart.ledgers(company: context.companyID, on: db).map { ($0.id, $0) })
        let cash = tb.rows.filter { groups[ledgers[$0.ledgerId]?.group_id ?? UUID()]?.role.isCashOrBank == true }
            .reduce(Int64(0)) { $0 + Balance((try? Money(parsing: $1.closing.amount)) ?? .zero, $1.closing.side).signed }
        return [
            ("Receivables (bill-wise)", (try? Money(parsing: receivable.pending)) ?? .zero),
            ("Payables (bill-wise)", (try? Money(parsing: payable.pending)) ?? .zero),
            ("Sales this month", Money(paise: salesTotal)),
            ("Cash and bank", Money(paise: cash)),
        ]
    }

    private static func dashboard(_ context: CompanyContext) -> String {
        "/app/c/\(context.companyID.uuidString.lowercased())"
    }
}

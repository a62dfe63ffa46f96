import Vapor

/// Registers every route. Each carries an `APIRoute`: the OpenAPI document and the access checks read it.
func routes(_ app: Application) throws {
    do {  // Platform
        let ok = HealthController.Status.schema
        app.on(.GET, "health", api: .init(summary: "The process is up", tag: "Platform", access: .open, response: ok),
               use: HealthController.health)
        app.on(.GET, "ready", api: .init(summary: "The database answers", tag: "Platform", access: .open, response: ok),
               use: HealthController.ready)
        app.on(.GET, "metrics", api: .init(summary: "Prometheus metrics (text format)", tag: "Platform", access: .open),
               use: HealthController.metrics)
        app.on(.GET, "openapi.json", api: .init(summary: "This document", tag: "Platform", access: .open),
               use: HealthController.openAPI)
    }

    let api = app.grouped("api", "v1")

    do {  // Accounts
        let auth = api.grouped("auth")
        auth.on(.POST, "register", api: .init(summary: "Create an account", tag: "Auth", access: .open,
                                              request: RegisterRequest.schema, response: RegistrationAnswer.schema, status: .accepted),
                use: AuthController.register)
        auth.on(.POST, "login", api: .init(summary: "Sign in", tag: "Auth", access: .open,
                                           request: LoginRequest.schema, response: AuthResponse.schema),
                use: AuthController.login)
        auth.on(.POST, "refresh", api: .init(summary: "Swap a refresh token for new tokens", tag: "Auth", access: .open,
                                             request: RefreshRequest.schema, response: AuthResponse.schema),
                use: AuthController.refresh)
        auth.on(.POST, "logout", api: .init(summary: "Revoke a refresh token and its family", tag: "Auth", access: .open,
                                            request: RefreshRequest.schema, status: .noContent),
                use: AuthController.logout)
        auth.on(.POST, "verify-email", api: .init(summary: "Confirm an email address with the emailed token", tag: "Auth", access: .open,
                                                  request: TokenRequest.schema, response: AccountAnswer.schema),
                use: AccountController.verify)
        auth.on(.POST, "password-reset", api: .init(summary: "Email a single-use link (30 minutes) to set a new password", tag: "Auth",
                                                    access: .open, request: ResetRequest.schema, response: AccountAnswer.schema,
                                                    status: .accepted),
                use: AccountController.requestReset)
        auth.on(.POST, "password-reset", "confirm", api: .init(summary: "Set a new password with the emailed token; every session ends",
                                                               tag: "Auth", access: .open, request: ResetConfirmRequest.schema,
                                                               response: AccountAnswer.schema),
                use: AccountController.confirmReset)
    }

    // Idempotency runs after the access checks, so a remembered response is replayed only to someone who may still
    // make that request (a member removed since gets 404, not the old answer).
    let signedIn = api.grouped(UserAuthMiddleware())
    let user = signedIn.grouped(IdempotencyMiddleware())
    user.on(.GET, "me", api: .init(summary: "The signed-in user and their companies", tag: "Auth", access: .user,
                                   response: MeResponse.schema),
            use: AuthController.me)
    user.on(.POST, "auth", "logout-all", api: .init(summary: "Sign out everywhere: every session and access token ends now", tag: "Auth",
                                                    access: .user, status: .noContent),
            use: SessionsController.logoutAll)
    user.on(.POST, "auth", "password", api: .init(summary: "Change the password; every other session ends", tag: "Auth", access: .user,
                                                  request: PasswordChangeRequest.schema, response: AuthResponse.schema),
            use: SessionsController.changePassword)
    user.on(.POST, "auth", "verify-email", "resend", api: .init(summary: "Send a new email confirmation link", tag: "Auth", access: .user,
                                                                response: AccountAnswer.schema, status: .accepted),
            use: AccountController.resend)
    user.on(.GET, "invitations", ":token", api: .init(summary: "An invitation, and whether you can accept it", tag: "Members",
                                                      access: .user, response: InvitationView.schema),
            use: InvitationController.show)
    user.on(.POST, "invitations", ":token", api: .init(summary: "Accept an invitation (signed in with the invited email)", tag: "Members",
                                                       access: .user, response: MemberDTO.schema, status: .created),
            use: InvitationController.accept)

    user.on(.GET, "gstin", ":gstin", api: .init(summary: "Check a GSTIN: state, PAN, registration type, or what is wrong", tag: "GST",
                                                access: .user, response: GSTINLookup.Answer.schema),
            use: GSTINLookup.check)

    do {  // Companies
        user.on(.POST, "companies", api: .init(summary: "Create a company (you become its owner)", tag: "Companies",
                                               access: .user, request: CreateCompanyRequest.schema,
                                               response: CompanyDTO.schema, status: .created),
                use: CompanyController.create)
        user.on(.GET, "companies", api: .init(summary: "Companies you are a member of", tag: "Companies", access: .user,
                                              response: Page<CompanyDTO>.schema(CompanyDTO.schema)),
                use: CompanyController.list)
    }

    let company = signedIn.grouped("companies", ":companyID").grouped(CompanyAccessMiddleware(), IdempotencyMiddleware())
    registerCompanyRoutes(company)

    webRoutes(app)
}

/// Everything under `/api/v1/companies/{companyID}`: later features add their routes here.
func registerCompanyRoutes(_ company: any RoutesBuilder) {
    do {  // Company settings
        company.on(.GET, api: .init(summary: "A company", tag: "Companies", access: .company(.companyView),
                                    response: CompanyDTO.schema),
                   use: CompanyController.show)
        company.on(.PATCH, api: .init(summary: "Change company settings", tag: "Companies",
                                      access: .company(.settingsEdit), request: UpdateCompanyRequest.schema,
                                      response: CompanyDTO.schema),
                   use: CompanyController.update)
    }
    do {  // Members
        company.on(.GET, "members", api: .init(summary: "Members and their roles", tag: "Members",
                                               access: .company(.companyView),
                                               response: Page<MemberDTO>.schema(MemberDTO.schema)),
                   use: MemberController.list)
        company.on(.POST, "members", api: .init(summary: "Invite someone by email: the answer carries the single-use token and link, which is emailed too",
                                                tag: "Members", access: .company(.membersManage), request: AddMemberRequest.schema,
                                                response: InvitationDTO.schema, status: .created),
                   use: InvitationController.invite)
        company.on(.GET, "invitations", api: .init(summary: "Invitations waiting for an answer", tag: "Members",
                                                   access: .company(.membersManage),
                                                   response: Page<InvitationDTO>.schema(InvitationDTO.schema)),
                   use: InvitationController.list)
        company.on(.DELETE, "invitations", ":invitationID", api: .init(summary: "Revoke a pending invitation", tag: "Members",
                                                                       access: .company(.membersManage), status: .noContent),
                   use: InvitationController.revoke)
        company.on(.PATCH, "members", ":userID", api: .init(summary: "Change a member's role", tag: "Members",
                                                            access: .company(.membersManage),
                                                            request: ChangeRoleRequest.schema, response: MemberDTO.schema),
                   use: MemberController.changeRole)
        company.on(.DELETE, "members", ":userID", api: .init(summary: "Remove a member", tag: "Members",
                                                             access: .company(.membersManage), status: .noContent),
                   use: MemberController.remove)
    }
    registerBooksRoutes(company)
    registerGSTRoutes(company)
    registerInventoryRoutes(company)
    registerTallyRoutes(company)
    do {  // Audit trail
        company.on(.GET, "audit-log", api: .init(summary: "The audit trail, newest first", tag: "Audit",
                                                 access: .company(.auditView),
                                                 response: Page<AuditEntryDTO>.schema(AuditEntryDTO.schema),
                                                 query: AuditController.queryParameters),
                   use: AuditController.list)
        company.on(.GET, "audit-log", "verify", api: .init(summary: "Check the audit hash chain", tag: "Audit",
                                                           access: .company(.auditView), response: AuditVerifyDTO.schema,
                                                           query: [.init(name: "full", schema: .string(.init(allowed: ["true", "false"])),
                                                                         description: "true walks the whole chain; by default only what came since the last verified checkpoint")]),
                   use: AuditController.verify)
    }
}

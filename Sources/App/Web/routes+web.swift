import Vapor

/// The web UI's pages. Company pages pass through the same access middleware, with the same capabilities, as the API.
func webRoutes(_ app: Application) {
    do {  // Assets: no session needed, cacheable.
        app.on(.GET, "assets", "app.css", api: .page("Stylesheet"), use: WebAuthController.css)
        app.on(.GET, "assets", "app.js", api: .page("Script"), use: WebAuthController.js)
        app.on(.GET, "assets", "icon.svg", api: .page("Icon"), use: WebAuthController.icon)
        app.on(.GET, "manifest.webmanifest", api: .page("Web app manifest"), use: WebAuthController.manifest)
        app.on(.GET, "sw.js", api: .page("Service worker"), use: WebAuthController.serviceWorker)
        app.on(.GET, "offline", api: .page("Offline page"), use: WebAuthController.offline)
    }

    let web = app.grouped(WebSessionMiddleware())
    do {  // Signing in and out
        web.on(.GET, api: .page("Home"), use: WebAuthController.home)
        web.on(.GET, "signin", api: .page("Sign in"), use: WebAuthController.signInPage)
        web.on(.POST, "signin", api: .page("Sign in"), use: WebAuthController.signIn)
        web.on(.GET, "signup", api: .page("Create account"), use: WebAuthController.signUpPage)
        web.on(.POST, "signup", api: .page("Create account"), use: WebAuthController.signUp)
        web.on(.POST, "signout", api: .page("Sign out"), use: WebAuthController.signOut)
        web.on(.GET, "verify-email", api: .page("Confirm your email"), use: WebAccountController.verifyPage)
        web.on(.POST, "verify-email", api: .page("Confirm your email"), use: WebAccountController.verify)
        web.on(.GET, "reset-password", api: .page("Set a new password"), use: WebAccountController.resetPage)
        web.on(.POST, "reset-password", api: .page("Set a new password"), use: WebAccountController.reset)
    }

    let signedIn = web.grouped(RequireBrowserSession())
    do {  // Companies
        signedIn.on(.GET, "app", api: .page("Your companies", .user), use: WebCompanyController.list)
        signedIn.on(.GET, "app", "companies", "new", api: .page("New company", .user), use: WebCompanyController.newPage)
        signedIn.on(.POST, "app", "companies", "new", api: .page("New company", .user), use: WebCompanyController.create)
    }

    do {  // The signed-in person's account
        signedIn.on(.GET, "app", "account", api: .page("Your account", .user), use: WebAccountController.accountPage)
        signedIn.on(.POST, "app", "account", "password", api: .page("Change password", .user), use: WebAccountController.changePassword)
        signedIn.on(.POST, "app", "account", "sign-out-everywhere", api: .page("Sign out everywhere", .user),
                    use: WebAccountController.signOutEverywhere)
    }

    do {  // Invitations: the link in the email
        signedIn.on(.GET, "invitations", ":token", api: .page("Invitation", .user), use: WebAccountController.invitationPage)
        signedIn.on(.POST, "invitations", ":token", api: .page("Accept invitation", .user), use: WebAccountController.accept)
    }

    let company = signedIn.grouped("app", "c", ":companyID").grouped(CompanyAccessMiddleware())
    do {  // One company
        company.on(.GET, api: .page("Dashboard", .company(.companyView)), use: WebCompanyController.dashboard)
        company.on(.GET, "settings", api: .page("Settings", .company(.companyView)), use: WebCompanyController.settings)
        company.on(.POST, "settings", api: .page("Settings", .company(.settingsEdit)), use: WebCompanyController.saveSettings)
        company.on(.GET, "members", api: .page("Members", .company(.companyView)), use: WebCompanyController.members)
        company.on(.POST, "members", api: .page("Invite member", .company(.membersManage)), use: WebCompanyController.addMember)
        company.on(.POST, "invitations", ":invitationID", "revoke", api: .page("Revoke invitation", .company(.membersManage)),
                   use: WebCompanyController.revokeInvitation)
        company.on(.POST, "members", ":userID", "role", api: .page("Change role", .company(.membersManage)),
                   use: WebCompanyController.changeRole)
        company.on(.POST, "members", ":userID", "remove", api: .page("Remove member", .company(.membersManage)),
                   use: WebCompanyController.removeMember)
        company.on(.GET, "audit", api: .page("Audit log", .company(.auditView)), use: WebCompanyController.audit)
    }
    do {  // Tally
        company.on(.GET, "tally", api: .page("Tally", .company(.mastersView)), use: WebTallyController.home)
        company.on(.POST, "tally", "import", body: .stream, api: .page("Import from Tally", .company(.mastersEdit)), use: WebTallyController.importFile)
        company.on(.GET, "tally", "export", api: .page("Export for Tally", .company(.reportsView)), use: TallyController.export)
        company.on(.POST, "tally", "sync", api: .page("Tally sync settings", .company(.settingsEdit)), use: WebTallyController.saveSync)
        company.on(.GET, "tally", "imports", ":importID", api: .page("Tally import report", .company(.mastersView)), use: WebTallyController.report)
    }
    do {  // Books
        company.on(.GET, "accounts", api: .page("Chart of accounts", .company(.mastersView)), use: WebBooksController.accounts)
        company.on(.GET, "accounts", "ledgers", "new", api: .page("New ledger", .company(.mastersEdit)), use: WebChartController.newLedger)
        company.on(.POST, "accounts", "ledgers", "new", api: .page("New ledger", .company(.mastersEdit)), use: WebChartController.createLedger)
        company.on(.GET, "accounts", "ledgers", ":ledger", api: .page("Edit ledger", .company(.mastersEdit)), use: WebChartController.editLedger)
        company.on(.POST, "accounts", "ledgers", ":ledger", api: .page("Edit ledger", .company(.mastersEdit)), use: WebChartController.updateLedger)
        company.on(.GET, "accounts", "groups", "new", api: .page("New group", .company(.mastersEdit)), use: WebChartController.newGroup)
        company.on(.POST, "accounts", "groups", "new", api: .page("New group", .company(.mastersEdit)), use: WebChartController.createGroup)
        company.on(.GET, "vouchers", api: .page("Vouchers", .company(.vouchersView)), use: WebBooksController.vouchers)
        company.on(.GET, "vouchers", "new", api: .page("New voucher", .company(.vouchersCreate)), use: WebBooksController.newVoucher)
        company.on(.POST, "vouchers", "new", api: .page("New voucher", .company(.vouchersCreate)), use: WebBooksController.postVoucher)
        company.on(.GET, "vouchers", ":voucherID", api: .page("Voucher", .company(.vouchersView)), use: WebBooksController.voucher)
        company.on(.GET, "vouchers", ":voucherID", "edit", api: .page("Amend voucher", .company(.vouchersCreate)), use: WebBooksController.editVoucher)
        company.on(.POST, "vouchers", ":voucherID", "edit", api: .page("Amend voucher", .company(.vouchersCreate)), use: WebBooksController.amendVoucher)
        company.on(.POST, "vouchers", ":voucherID", "regularise", api: .page("Regularise voucher", .company(.vouchersCreate)),
                   use: WebBooksController.regulariseVoucher)
        company.on(.POST, "vouchers", ":voucherID", "cancel", api: .page("Cancel voucher", .company(.vouchersCreate)),
                   use: WebBooksController.cancelVoucher)
        company.on(.GET, "reports", "trial-balance", api: .page("Trial balance", .company(.reportsView)), use: WebBooksController.trialBalance)
        company.on(.GET, "reports", "ledger", api: .page("Ledger statement", .company(.reportsView)), use: WebBooksController.ledger)
        company.on(.GET, "reports", "outstanding", api: .page("Outstanding", .company(.reportsView)), use: WebBooksController.outstanding)
        company.on(.GET, "reports", "day-book", api: .page("Day book", .company(.reportsView)), use: WebBooksController.dayBook)
        company.on(.GET, "reports", "profit-and-loss", api: .page("Profit and loss", .company(.reportsView)), use: WebBooksController.profitAndLoss)
        company.on(.GET, "stock", api: .page("Stock summary", .company(.inventoryView)), use: WebStockController.summary)
        company.on(.GET, "stock", "ledger", api: .page("Stock ledger", .company(.inventoryView)), use: WebStockController.ledger)
        company.on(.GET, "stock", "batches", api: .page("Batches", .company(.inventoryView)), use: WebStockController.batches)
        company.on(.GET, "stock", "reorder", api: .page("Reorder", .company(.inventoryView)), use: WebStockController.reorder)
        company.on(.GET, "stock", "ageing", api: .page("Stock ageing", .company(.inventoryView)), use: WebStockController.ageing)
        for n in [WebStockMasters.Nested.godowns, .groups] {
            company.on(.GET, "stock", .constant(n.path), api: .page(n.title, .company(.inventoryView)), use: WebStockMasters.list(n))
            company.on(.POST, "stock", .constant(n.path), api: .page("New \(n.noun)", .company(.inventoryEdit)), use: WebStockMasters.create(n))
        }
        company.on(.GET, "stock", "units", api: .page("Units", .company(.mastersView)), use: WebStockMasters.units)
        company.on(.POST, "stock", "units", api: .page("New unit", .company(.mastersEdit)), use: WebStockMasters.createUnit)
        company.on(.GET, "stock", "count", api: .page("Physical count", .company(.inventoryEdit)), use: WebStockMasters.count)
        company.on(.POST, "stock", "count", api: .page("Post a physical count", .company(.inventoryEdit)), use: WebStockMasters.postCount)
        company.on(.GET, "stock", "orders", api: .page("Orders and notes", .company(.vouchersView)), use: WebStockController.orders)
        company.on(.POST, "stock", "orders", api: .page("New order or note", .company(.vouchersCreate)), use: WebStockController.createOrder)
        company.on(.GET, "stock", "journals", "new", api: .page("New stock journal", .company(.inventoryEdit)), use: WebStockController.newJournal)
        company.on(.POST, "stock", "journals", "new", api: .page("New stock journal", .company(.inventoryEdit)), use: WebStockController.createJournal)
        company.on(.GET, "notifications", api: .page("Notifications", .company(.companyView)), use: WebStockController.notifications)
        company.on(.POST, "notifications", ":notificationID", "read", api: .page("Mark notification read", .company(.companyView)),
                   use: WebStockController.markRead)
        company.on(.GET, "items", api: .page("Items", .company(.mastersView)), use: WebGSTController.items)
        company.on(.POST, "items", api: .page("New item", .company(.mastersEdit)), use: WebGSTController.createItem)
        company.on(.GET, "invoices", api: .page("Invoices", .company(.vouchersView)), use: WebGSTController.invoices)
        company.on(.GET, "invoices", "new", api: .page("New invoice", .company(.vouchersCreate)), use: WebGSTController.newInvoice)
        company.on(.POST, "invoices", "new", api: .page("New invoice", .company(.vouchersCreate)), use: WebGSTController.createInvoice)
        company.on(.POST, "invoices", "preview", api: .page("Invoice tax preview", .company(.vouchersCreate)), use: WebGSTController.preview)
        company.on(.GET, "invoices", ":invoiceID", api: .page("Invoice", .company(.vouchersView)), use: WebGSTController.invoice)
        company.on(.GET, "gst", "returns", api: .page("GST returns", .company(.gstExport)), use: WebGSTController.returns)
        company.on(.GET, "gst", "gstr1.json", api: .page("GSTR-1 download", .company(.gstExport)), use: WebGSTController.gstr1Download)
        company.on(.GET, "gst", "gstr3b.json", api: .page("GSTR-3B download", .company(.gstExport)), use: WebGSTController.gstr3bDownload)
        company.on(.GET, "period-locks", api: .page("Period locks", .company(.vouchersView)), use: WebBooksController.periodLocks)
        company.on(.POST, "period-locks", api: .page("Lock the books", .company(.periodsLock)), use: WebBooksController.lockPeriod)
        company.on(.POST, "period-locks", "unlock", api: .page("Lift the lock", .company(.periodsUnlock)), use: WebBooksController.unlockPeriod)
        company.on(.GET, "reports", "balance-sheet", api: .page("Balance sheet", .company(.reportsView)), use: WebBooksController.balanceSheet)
    }
}

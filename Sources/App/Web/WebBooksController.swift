import Fluent
import Ledger
import SQLKit
import Vapor

/// The books' pages; every figure comes from the same functions as the API's reports.
enum WebBooksController {
    private static func company(_ req: Request) async throws -> (CompanyContext, CompanyDTO, Company) {
        let context = try req.company
        let model = try await CompanyController.find(context, on: req.db)
        return (context, try CompanyDTO(model), model)
    }

    @Sendable static func accounts(req: Request) async throws -> Response {
        let (context, dto, model) = try await company(req)
        let visibility = try await req.ledgerVisibility()
        let tb = try await TrialBalance.compute(company: model, asOf: Format.today(), on: req.db).withholding(visibility)
        var closing: [UUID: Int64] = [:]
        for r in tb.rows { closing[r.ledgerId] = Balance((try? Money(parsing: r.closing.amount)) ?? .zero, r.closing.side).signed }
        let page = AccountsPage.render(.init(companyID: context.companyID, groups: try await Chart.groups(company: context.companyID, on: req.db),
                                             ledgers: try await req.visibleLedgers(), closing: closing,
                                             canEdit: context.role.can(.mastersEdit)),
                                       chrome: req.chrome("Chart of accounts", section: .accounts, company: dto))
        return WebForm.page(page)
    }

    @Sendable static func vouchers(req: Request) async throws -> Response {
        let (context, dto, _) = try await company(req)
        let keys = ["type", "from", "to", "ledger", "cursor"]
        let filters = Dictionary(uniqueKeysWithValues: keys.compactMap { k in req.query[String.self, at: k].flatMap { $0.isEmpty ? nil : (k, $0) } })
        var page = Page<VoucherDTO>(items: [], nextCursor: nil)
        var flash: String?
        do { page = try await VoucherController.list(req: req) } catch let e as APIError where e.status == .unprocessableEntity {
            flash = e.fields.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
        }
        var chrome = req.chrome("Vouchers", section: .vouchers, company: dto)
        if let flash { chrome.flash = .init(kind: .error, message: flash) }
        let model = VoucherListPage.Model(companyID: context.companyID, vouchers: page.items, filters: filters,
                                          types: try await typeNames(context.companyID, req.db), nextCursor: page.nextCursor,
                                          canCreate: context.role.can(.vouchersCreate))
        return WebForm.page(VoucherListPage.render(model, chrome: chrome))
    }

    @Sendable static func voucher(req: Request) async throws -> Response {
        let v = try await VoucherController.loadVisible(req.parameters.get("voucherID") ?? "", for: req)
        return try await voucherPage(req, v, flash: nil, status: .ok)
    }

    private static func voucherPage(_ req: Request, _ v: VoucherDTO, flash: String?, status: HTTPStatus) async throws -> Response {
        let (context, dto, _) = try await company(req)
        var chrome = req.chrome("\(v.type) \(v.number)", section: .vouchers, company: dto,
                                back: "/app/c/\(context.companyID.uuidString.lowercased())/vouchers")
        if let flash { chrome.flash = .init(kind: .error, message: flash) }
        let page = VoucherPage.render(v, companyID: context.companyID, canCancel: context.role.can(.vouchersCancel),
                                      canAmend: context.role.can(.vouchersCreate), chrome: chrome)
        return WebForm.page(page, status: status)
    }

    @Sendable static func dayBook(req: Request) async throws -> Response {
        let (context, dto, _) = try await company(req)
        let today = Format.today()
        let (from, to) = try ReportDates.range(req, defaultFrom: today, defaultTo: today)
        let vouchers = try await DayBook.report(req: req)
        return WebForm.page(DayBookPage.render(vouchers.items, from: from, to: to, companyID: context.companyID,
                                               chrome: req.chrome("Day book", section: .reports, company: dto)))
    }

    @Sendable static func cancelVoucher(req: Request) async throws -> Response {
        let context = try req.company
        let voucher = try await VoucherController.cancel(req: req)
        return req.redirect(to: "/app/c/\(context.companyID.uuidString.lowercased())/vouchers/\(voucher.id.uuidString.lowercased())")
    }

    @Sendable static func newVoucher(req: Request) async throws -> Response {
        try await entryPage(req, values: ["date": Format.today().description], status: .ok)
    }

    @Sendable static func postVoucher(req: Request) async throws -> Response {
        let context = try req.company
        let form = WebForm.fields(req)
        let (json, filled) = VoucherEntryPage.body(form)
        do {
            let request = try VoucherRequest.decode(from: json)
            let actor = req.auditActor
            let voucher = try await req.write { db in try await VoucherPosting.post(request, company: context.companyID, by: context, actor: actor, on: db) }
            return req.redirect(to: "/app/c/\(context.companyID.uuidString.lowercased())/vouchers?notice=voucher-posted&type=\(voucher.type.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        } catch let e as APIError where e.status.code < 500 {
            return try await entryPage(req, values: form, errors: VoucherEntryPage.errors(e, filled: filled), error: e.fields.isEmpty ? e.message : nil,
                                       status: e.status)
        }
    }

    @Sendable static func editVoucher(req: Request) async throws -> Response {
        let context = try req.company
        let v = try await VoucherController.loadVisible(req.parameters.get("voucherID") ?? "", for: req)
        guard v.status != "cancelled", let values = VoucherEntryPage.values(v) else {
            return try await voucherPage(req, v, flash: v.status == "cancelled" ? "A cancelled voucher cannot be amended."
                : "A line of this voucher carries several bill allocations; amend it through the API (PUT …/vouchers/\(v.id)).", status: .conflict)
        }
        return try await entryPage(req, values: values, voucher: v, status: .ok)
    }

    @Sendable static func amendVoucher(req: Request) async throws -> Response {
        let context = try req.company
        let v = try await VoucherController.loadVisible(req.parameters.get("voucherID") ?? "", for: req)
        var form = WebForm.fields(req)
        form["type"] = v.type
        form["number"] = v.number
        let (json, filled) = VoucherEntryPage.body(form)
        do {
            let request = try VoucherRequest.decode(from: json)
            let actor = req.auditActor
            _ = try await req.write { db in
                try await VoucherController.authorize(v.id.uuidString, .amend, by: context, on: db)
                let before = try await VoucherController.load(v.id.uuidString, company: context.companyID, on: db)
                guard before.status != "cancelled" else { throw APIError.conflict("Voucher \(before.number) is cancelled; it cannot be amended.") }
                var body = request
                body.optional = before.status == "optional"
                return try await VoucherPosting.replace(before, with: body, action: "voucher.amend", company: context.companyID, actor: actor, on: db)
            }
            return req.redirect(to: "/app/c/\(context.companyID.uuidString.lowercased())/vouchers/\(v.id.uuidString.lowercased())?notice=voucher-saved")
        } catch let e as APIError where e.status.code < 500 {
            return try await entryPage(req, values: form, voucher: v, errors: VoucherEntryPage.errors(e, filled: filled),
                                       error: e.fields.isEmpty ? e.message : nil, status: e.status)
        }
    }

    @Sendable static func regulariseVoucher(req: Request) async throws -> Response {
        let context = try req.company
        do {
            let v = try await VoucherController.regularise(req: req)
            return req.redirect(to: "/app/c/\(context.companyID.uuidString.lowercased())/vouchers/\(v.id.uuidString.lowercased())?notice=voucher-saved")
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            let v = try await VoucherController.loadVisible(req.parameters.get("voucherID") ?? "", for: req)
            let detail = e.fields.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
            return try await voucherPage(req, v, flash: "Not regularised: " + (detail.isEmpty ? e.message : detail), status: e.status)
        }
    }

    private static func entryPage(_ req: Request, values: [String: String], voucher: VoucherDTO? = nil, errors: [String: String] = [:],
                                  error: String? = nil, status: HTTPStatus) async throws -> Response
    {
        let (context, dto, _) = try await company(req)
        let active = try await req.visibleLedgers().filter(\.active)
        var model = VoucherEntryPage.Model(companyID: context.companyID, types: try await typeNames(context.companyID, req.db),
                                           ledgers: active.map(\.name), billWiseLedgers: Set(active.filter(\.bill_wise).map(\.name)),
                                           values: values, errors: errors, error: error, voucherID: voucher?.id)
        model.lines = max(VoucherEntryPage.Model.minimumLines, (VoucherEntryPage.lineIndexes(values).last ?? 0) + 2)
        let base = "/app/c/\(context.companyID.uuidString.lowercased())"
        let title = voucher.map { "Amend \($0.type) \($0.number)" } ?? "New voucher"
        let back = voucher.map { "\(base)/vouchers/\($0.id.uuidString.lowercased())" } ?? base + "/vouchers"
        return WebForm.page(VoucherEntryPage.render(model, chrome: req.chrome(title, section: .vouchers, company: dto, back: back)), status: status)
    }

    private static func typeNames(_ company: UUID, _ db: any Database) async throws -> [String] {
        struct Row: Decodable { var name: String }
        struct Typed: Decodable { var name: String; var kind: VoucherKind }
        // Tally's order: sales first, then purchase, receipt, payment…; user-defined types after their base type.
        let order = Dictionary(uniqueKeysWithValues: VoucherKind.allCases.enumerated().map { ($1, $0) })
        return try await db.sql().raw("SELECT name, kind FROM voucher_types WHERE company_id = \(bind: company)")
            .all(decoding: Typed.self).sorted { (order[$0.kind] ?? 0, $0.name) < (order[$1.kind] ?? 0, $1.name) }.map(\.name)
    }

    @Sendable static func trialBalance(req: Request) async throws -> Response {
        let (context, dto, model) = try await company(req)
        var asOf = Format.today()
        if let raw = req.query[String.self, at: "asOf"], let d = CalendarDate(raw) { asOf = d }
        let tb = try await TrialBalance.compute(company: model, asOf: asOf, on: req.db).withholding(try await req.ledgerVisibility())
        return WebForm.page(TrialBalancePage.render(tb, companyID: context.companyID, chrome: req.chrome("Trial balance", section: .reports, company: dto)))
    }

    @Sendable static func ledger(req: Request) async throws -> Response {
        let (context, dto, _) = try await company(req)
        let statement = try await LedgerStatement.report(req: req)
        return WebForm.page(LedgerStatementPage.render(statement, companyID: context.companyID,
                                                       chrome: req.chrome(statement.ledger, section: .reports, company: dto,
                                                                          back: "/app/c/\(context.companyID.uuidString.lowercased())/reports/trial-balance")))
    }

    @Sendable static func profitAndLoss(req: Request) async throws -> Response {
        let (context, dto, _) = try await company(req)
        let pl = try await ProfitAndLoss.report(req: req)
        return WebForm.page(StatementPages.profitAndLoss(pl, companyID: context.companyID, chrome: req.chrome("Profit and loss", section: .reports, company: dto)))
    }

    @Sendable static func balanceSheet(req: Request) async throws -> Response {
        let (context, dto, model) = try await company(req)
        let bs = try await BalanceSheet.report(req: req)
        let from = (try CalendarDate(stored: bs.asOf)).financialYearStart(month: CalendarDate(model.financialYearStart)?.month ?? 4).description
        return WebForm.page(StatementPages.balanceSheet(bs, from: from, companyID: context.companyID,
                                                        chrome: req.chrome("Balance sheet", section: .reports, company: dto)))
    }

    @Sendable static func periodLocks(req: Request) async throws -> Response {
        try await periodLocksPage(req, status: .ok)
    }

    @Sendable static func lockPeriod(req: Request) async throws -> Response {
        let form = WebForm.fields(req)
        do {
            _ = try await PeriodLocks.lock(try PeriodLockRequest.decode(from: WebForm.json(form, only: ["lockedThrough", "reason"])), on: req)
            return req.redirect(to: "/app/c/\(try req.company.companyID.uuidString.lowercased())/period-locks")
        } catch let e as APIError where e.status == .unprocessableEntity {
            return try await periodLocksPage(req, status: e.status, values: form, errors: WebForm.errors(e))
        }
    }

    @Sendable static func unlockPeriod(req: Request) async throws -> Response {
        _ = try await PeriodLocks.unlock(req: req)
        return req.redirect(to: "/app/c/\(try req.company.companyID.uuidString.lowercased())/period-locks")
    }

    private static func periodLocksPage(_ req: Request, status: HTTPStatus, values: [String: String] = [:],
                                        errors: [String: String] = [:]) async throws -> Response
    {
        let (context, dto, _) = try await company(req)
        let model = PeriodLocksPage.Model(companyID: context.companyID, locks: try await PeriodLocks.all(company: context.companyID, on: req.db),
                                          canLock: context.role.can(.periodsLock), canUnlock: context.role.can(.periodsUnlock), values: values, errors: errors)
        return WebForm.page(PeriodLocksPage.render(model, chrome: req.chrome("Period locks", section: .reports, company: dto)), status: status)
    }

    @Sendable static func outstanding(req: Request) async throws -> Response {
        let (context, dto, _) = try await company(req)
        let report = try await Outstanding.report(req: req)
        return WebForm.page(OutstandingPage.render(report, companyID: context.companyID,
                                                   chrome: req.chrome(report.kind == "receivable" ? "Receivables" : "Payables", section: .reports, company: dto)))
    }
}

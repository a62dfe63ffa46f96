import Vapor

/// Chart of accounts, vouchers, period locks and the trial balance, under `/api/v1/companies/{companyID}`.
func registerBooksRoutes(_ company: any RoutesBuilder) {
    do {  // Chart of accounts
        company.on(.GET, "groups", api: .init(summary: "Groups of the chart of accounts", tag: "Books",
                                              access: .company(.mastersView), response: Page<GroupDTO>.schema(GroupDTO.schema)),
                   use: ChartController.listGroups)
        company.on(.POST, "groups", api: .init(summary: "Create a group", tag: "Books", access: .company(.mastersEdit),
                                               request: CreateGroupRequest.schema, response: GroupDTO.schema, status: .created),
                   use: ChartController.createGroup)
        company.on(.GET, "groups", ":group", api: .init(summary: "A group, by id or name", tag: "Books",
                                                        access: .company(.mastersView), response: GroupDTO.schema),
                   use: ChartController.showGroup)
        company.on(.PATCH, "groups", ":group", api: .init(summary: "Rename, move or deactivate a group", tag: "Books",
                                                          access: .company(.mastersEdit), request: UpdateGroupRequest.schema,
                                                          response: GroupDTO.schema),
                   use: ChartController.updateGroup)
        company.on(.GET, "ledgers", api: .init(summary: "Ledgers", tag: "Books", access: .company(.mastersView),
                                               response: Page<LedgerDTO>.schema(LedgerDTO.schema)),
                   use: ChartController.listLedgers)
        company.on(.POST, "ledgers", api: .init(summary: "Create a ledger", tag: "Books", access: .company(.mastersEdit),
                                                request: LedgerRequest.createSchema, response: LedgerDTO.schema, status: .created),
                   use: ChartController.createLedger)
        company.on(.GET, "ledgers", ":ledger", api: .init(summary: "A ledger, by id or name", tag: "Books",
                                                          access: .company(.mastersView), response: LedgerDTO.schema),
                   use: ChartController.showLedger)
        company.on(.PATCH, "ledgers", ":ledger", api: .init(summary: "Change a ledger", tag: "Books", access: .company(.mastersEdit),
                                                            request: LedgerRequest.schema, response: LedgerDTO.schema),
                   use: ChartController.updateLedger)
    }
    do {  // Voucher types
        company.on(.GET, "voucher-types", api: .init(summary: "Voucher types", tag: "Books", access: .company(.mastersView),
                                                     response: Page<VoucherTypeDTO>.schema(VoucherTypeDTO.schema)),
                   use: VoucherTypeController.list)
        company.on(.POST, "voucher-types", api: .init(summary: "Create a voucher type derived from a built-in one", tag: "Books",
                                                      access: .company(.mastersEdit), request: VoucherTypeRequest.schema,
                                                      response: VoucherTypeDTO.schema, status: .created),
                   use: VoucherTypeController.create)
    }
    do {  // Vouchers
        company.on(.POST, "vouchers", api: .init(summary: "Post a voucher", tag: "Books", access: .company(.vouchersCreate),
                                                 request: VoucherRequest.schema, response: VoucherDTO.schema, status: .created),
                   use: VoucherController.create)
        company.on(.GET, "vouchers", api: .init(summary: "Vouchers, newest first", tag: "Books", access: .company(.vouchersView),
                                                response: Page<VoucherDTO>.schema(VoucherDTO.schema), query: [
                                                    .init(name: "type", schema: .string(), description: "Voucher type"),
                                                    .init(name: "from", schema: .date, description: "First date"),
                                                    .init(name: "to", schema: .date, description: "Last date"),
                                                    .init(name: "ledger", schema: .string(), description: "Ledger name or id"),
                                                    .init(name: "status", schema: .string(.init(allowed: ["active", "optional", "cancelled"])),
                                                          description: "Only vouchers in this state"),
                                                    .init(name: "postDated", schema: .boolean, description: "Only post-dated (true) or current (false) vouchers"),
                                                    .init(name: "limit", schema: .integer(minimum: 1, maximum: 500), description: "Page size"),
                                                    .init(name: "cursor", schema: .string(), description: "nextCursor of the previous page"),
                                                ]),
                   use: VoucherController.list)
        company.on(.GET, "vouchers", ":voucherID", api: .init(summary: "A voucher", tag: "Books", access: .company(.vouchersView),
                                                              response: VoucherDTO.schema),
                   use: VoucherController.show)
        company.on(.PUT, "vouchers", ":voucherID", api: .init(summary: "Amend a voucher (audited before and after)", tag: "Books",
                                                              access: .company(.vouchersCreate), request: VoucherRequest.schema,
                                                              response: VoucherDTO.schema),
                   use: VoucherController.amend)
        company.on(.POST, "vouchers", "batch", api: .init(summary: "Post many vouchers, all or nothing", tag: "Books",
                                                          access: .company(.vouchersCreate), request: VoucherBatchRequest.schema,
                                                          response: VoucherBatchResponse.schema, status: .created),
                   use: VoucherController.batch)
        company.on(.POST, "vouchers", ":voucherID", "cancel", api: .init(summary: "Cancel a voucher (keeps its number)", tag: "Books",
                                                                         access: .company(.vouchersCreate), response: VoucherDTO.schema),
                   use: VoucherController.cancel)
        company.on(.POST, "vouchers", ":voucherID", "regularise", api: .init(summary: "Bring an optional voucher into the books", tag: "Books",
                                                                             access: .company(.vouchersCreate), response: VoucherDTO.schema),
                   use: VoucherController.regularise)
    }
    do {  // Period locks
        company.on(.GET, "period-locks", api: .init(summary: "Period locks", tag: "Books", access: .company(.vouchersView),
                                                    response: Page<PeriodLockDTO>.schema(PeriodLockDTO.schema)),
                   use: PeriodLocks.list)
        company.on(.POST, "period-locks", api: .init(summary: "Lock the books through a date", tag: "Books",
                                                     access: .company(.periodsLock), request: PeriodLockRequest.schema,
                                                     response: PeriodLockDTO.schema, status: .created),
                   use: PeriodLocks.lock)
        company.on(.POST, "period-locks", "unlock", api: .init(summary: "Lift the period lock", tag: "Books",
                                                               access: .company(.periodsUnlock), status: .noContent),
                   use: PeriodLocks.unlock)
    }
    do {  // Reports
        company.on(.GET, "reports", "trial-balance", api: .init(
            summary: "Trial balance (JSON, or CSV with ?format=csv)", tag: "Reports", access: .company(.reportsView),
            response: TrialBalanceDTO.schema,
            query: [.init(name: "asOf", schema: .date, description: "Last day (default today)"),
                    .init(name: "format", schema: .string(.init(allowed: ["json", "csv"])), description: "json or csv")]),
                   use: TrialBalance.report)
        let range: [APIRoute.QueryParameter] = [.init(name: "from", schema: .date, description: "First day"),
                                                .init(name: "to", schema: .date, description: "Last day")]
        company.on(.GET, "reports", "profit-and-loss", api: .init(
            summary: "Profit and loss in Tally's layout (gross and net profit)", tag: "Reports", access: .company(.reportsView),
            response: ProfitAndLossDTO.schema, query: range), use: ProfitAndLoss.report)
        company.on(.GET, "reports", "balance-sheet", api: .init(
            summary: "Balance sheet with this year's profit carried in", tag: "Reports", access: .company(.reportsView),
            response: BalanceSheetDTO.schema, query: [.init(name: "asOf", schema: .date, description: "Date (default today)")]),
                   use: BalanceSheet.report)
        company.on(.GET, "reports", "ledger-statement", api: .init(
            summary: "A ledger's entries with running balance", tag: "Reports", access: .company(.reportsView),
            response: LedgerStatementDTO.schema,
            query: range + [.init(name: "ledger", schema: .string(), description: "Ledger name or id"),
                            .init(name: "limit", schema: .integer(minimum: 1, maximum: 1_000), description: "Lines per page"),
                            .init(name: "cursor", schema: .string(), description: "nextCursor of the previous page")]),
                   use: LedgerStatement.report)
        company.on(.GET, "reports", "day-book", api: .init(
            summary: "Every voucher of a day or range, cancelled ones included", tag: "Reports", access: .company(.vouchersView),
            response: Page<VoucherDTO>.schema(VoucherDTO.schema), query: range), use: DayBook.report)
        company.on(.GET, "reports", "outstanding", api: .init(
            summary: "Bill-wise receivables or payables with ageing", tag: "Reports", access: .company(.reportsView),
            response: OutstandingDTO.schema,
            query: [.init(name: "kind", schema: .string(.init(allowed: ["receivable", "payable"])), description: "receivable (default) or payable"),
                    .init(name: "asOf", schema: .date, description: "Date (default today)")]),
                   use: Outstanding.report)
        company.on(.GET, "export", "journal", api: .init(
            summary: "The books as an hledger/ledger-cli journal (text)", tag: "Reports", access: .company(.reportsView),
            query: range), use: JournalExport.export)
    }
}

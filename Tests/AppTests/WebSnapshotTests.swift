@testable import App
import Foundation
import GSTKit
import Ledger
import Testing

/// Every page's markup with fixed data: any change to markup shows up in review as a snapshot diff.
@Suite struct WebSnapshotTests {
    static let companyID = UUID(uuidString: "11111111-2222-3333-4444-555555555555")!
    static let ownerID = UUID(uuidString: "aaaaaaaa-0000-0000-0000-000000000001")!
    static let viewerID = UUID(uuidString: "aaaaaaaa-0000-0000-0000-000000000002")!

    static var company: CompanyDTO {
        let c = Company(id: companyID, name: "Shree <Ganesh> & \"Sons\" Traders", gstin: "27AAPFU0939F1ZV", stateCode: "27",
                        financialYearStart: "2026-04-01", booksBeginning: "2026-04-01")
        return try! CompanyDTO(c)
    }

    static func chrome(_ title: String, _ section: Chrome.Section? = nil, role: Role = .owner) -> Chrome {
        Chrome(title: title, userName: "Priya Shah", company: .init(id: companyID, name: company.name, role: role),
               section: section, csrf: "CSRF-TOKEN", back: "/app")
    }

    static let members = [
        MemberDTO(userId: ownerID, email: "priya@example.com", name: "Priya Shah", role: .owner),
        MemberDTO(userId: viewerID, email: "ravi@example.com", name: "Ravi \"<b>\" Kumar", role: .viewer),
    ]

    @Test func sign_in_and_sign_up() {
        assertSnapshot(SignInPage.render(.init(email: "a\"b@example.com", next: "/app/c/x", error: "Email or password is incorrect."),
                                         chrome: Chrome(title: "Sign in", csrf: "CSRF-TOKEN")), named: "signin")
        assertSnapshot(SignUpPage.render(.init(name: "<script>x</script>", email: "p@example.com",
                                               errors: ["password": "must be at least 10 characters"]),
                                         chrome: Chrome(title: "Create account", csrf: "CSRF-TOKEN")), named: "signup")
    }

    @Test func company_list_and_new_company() {
        let rows = [CompanyListPage.Row(id: Self.companyID, name: Self.company.name, gstin: "27AAPFU0939F1ZV",
                                        stateName: "Maharashtra", role: .owner)]
        assertSnapshot(CompanyListPage.render(rows, chrome: Chrome(title: "Your companies", userName: "Priya Shah", csrf: "CSRF-TOKEN")),
                       named: "company-list")
        assertSnapshot(CompanyListPage.render([], chrome: Chrome(title: "Your companies", userName: "Priya Shah", csrf: "CSRF-TOKEN")),
                       named: "company-list-empty")
        let model = NewCompanyPage.Model(values: ["name": "X", "gstin": "27AAPFU0939F1ZO", "stateCode": "27"],
                                         errors: ["gstin": "has check character O but the checksum gives V"])
        assertSnapshot(NewCompanyPage.render(model, chrome: Chrome(title: "New company", userName: "Priya Shah", csrf: "CSRF-TOKEN")),
                       named: "company-new")
    }

    @Test func dashboard_and_settings() {
        let dashboard = DashboardPage.Model(company: Self.company, members: 2, tiles: [
            ("Receivables", Money(paise: 12_345_678_00)), ("Payables", Money(paise: -5_00)),
        ])
        let html = DashboardPage.render(dashboard, chrome: Self.chrome("Dashboard", .dashboard))
        #expect(html.contains("₹1,23,45,678.00"))
        #expect(html.contains("01-04-2026"))
        assertSnapshot(html, named: "dashboard")
        assertSnapshot(SettingsPage.render(.init(values: CompanyForm.values(Self.company), canEdit: true, company: Self.company),
                                           chrome: Self.chrome("Settings", .settings)), named: "settings")
        assertSnapshot(SettingsPage.render(.init(values: [:], canEdit: false, company: Self.company),
                                           chrome: Self.chrome("Settings", .settings, role: .viewer)), named: "settings-readonly")
    }

    @Test func members_as_owner_and_as_viewer() {
        let owner = MembersPage.render(.init(companyID: Self.companyID, members: Self.members, me: Self.ownerID, myRole: .owner,
                                             errors: ["email": "is not a known field"]),
                                       chrome: Self.chrome("Members", .members))
        assertSnapshot(owner, named: "members-owner")
        let viewer = MembersPage.render(.init(companyID: Self.companyID, members: Self.members, me: Self.viewerID, myRole: .viewer),
                                        chrome: Self.chrome("Members", .members, role: .viewer))
        #expect(!viewer.contains("Add a member"))
        #expect(!viewer.contains("Remove"))
        assertSnapshot(viewer, named: "members-viewer")
    }

    @Test func audit_log() {
        let entry = AuditEntryDTO(AuditRow(
            id: UUID(uuidString: "bbbbbbbb-0000-0000-0000-000000000003")!, chainKey: "c", seq: 3, companyID: Self.companyID,
            actorID: Self.ownerID, at: "2026-11-25T02:00:00.000Z", action: "company.update", entityType: "company",
            entityID: "x", beforeJSON: #"{"name":"Old <name>"}"#, afterJSON: #"{"name":"New & improved"}"#,
            requestID: "r", clientAddress: "127.0.0.1", prevHash: "p", hash: "h"))
        let model = AuditLogPage.Model(companyID: Self.companyID, entries: [entry], actorNames: [Self.ownerID: "Priya Shah"],
                                       filters: ["action": "company.update"], nextCursor: "3", verification: .ok(entries: 3))
        let html = AuditLogPage.render(model, chrome: Self.chrome("Audit log", .audit))
        #expect(html.contains("25-11-2026 07:30:00 IST"))
        assertSnapshot(html, named: "audit-log")
        var broken = model
        broken.verification = .broken(entryID: entry.id, reason: "its contents do not match its hash: the entry was altered")
        broken.entries = []
        assertSnapshot(AuditLogPage.render(broken, chrome: Self.chrome("Audit log", .audit)), named: "audit-log-broken")
    }

    @Test func error_and_offline_pages() {
        assertSnapshot(ErrorPage.render(ErrorPage.model(for: .notFound("Company")), chrome: Chrome(title: "Page not found")),
                       named: "error-404")
        assertSnapshot(ErrorPage.render(ErrorPage.model(for: WebError.csrf), chrome: Chrome(title: "Not allowed", userName: "Priya")),
                       named: "error-403")
        assertSnapshot(OfflinePage.render(), named: "offline")
    }

    @Test func user_text_is_escaped_in_text_and_attributes() {
        let html = SignUpPage.render(.init(name: "\"><script>alert(1)</script>", email: "x'onmouseover='y"),
                                     chrome: Chrome(title: "<script>", csrf: "t"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("x&#39;onmouseover=&#39;y"))
        #expect(html.contains("<title>&lt;script&gt; · FinSync360</title>"))
    }
}

@Suite struct BooksSnapshotTests {
    static let companyID = WebSnapshotTests.companyID
    static let chrome = WebSnapshotTests.chrome("Books", .reports)

    @Test func books_pages() {
        let root = GroupRow(id: UUID(uuidString: "cccccccc-0000-0000-0000-000000000001")!, company_id: Self.companyID, name: "Current Assets",
                            parent_id: nil, nature: .assets, role: .other, affects_gross_profit: false, is_party_group: false, reserved: true, active: true)
        let debtors = GroupRow(id: UUID(uuidString: "cccccccc-0000-0000-0000-000000000002")!, company_id: Self.companyID, name: "Sundry Debtors",
                               parent_id: root.id, nature: .assets, role: .party, affects_gross_profit: false, is_party_group: true, reserved: true, active: true)
        let sharma = LedgerRow(id: UUID(uuidString: "dddddddd-0000-0000-0000-000000000001")!, company_id: Self.companyID, name: "Sharma <Traders>",
                               group_id: debtors.id, opening_paise: 0, bill_wise: true, reserved: false, active: true)
        assertSnapshot(AccountsPage.render(.init(companyID: Self.companyID, groups: [root, debtors], ledgers: [sharma], closing: [sharma.id: 1_23_456_00]),
                                           chrome: WebSnapshotTests.chrome("Chart of accounts", .accounts)), named: "accounts")

        let voucher = VoucherDTO(id: UUID(uuidString: "eeeeeeee-0000-0000-0000-000000000001")!, type: "Sales", kind: .sales, number: "INV/2026-27/0001",
                                 date: "2026-05-10", narration: "Goods & services", reference: nil, status: "active", postDated: false, total: "1180.00",
                                 entries: [.init(ledgerId: sharma.id, ledger: sharma.name, debit: "1180.00", credit: nil)])
        assertSnapshot(VoucherListPage.render(.init(companyID: Self.companyID, vouchers: [voucher], filters: ["type": "Sales"], types: ["Sales", "Receipt"],
                                                    nextCursor: "50", canCreate: true), chrome: WebSnapshotTests.chrome("Vouchers", .vouchers)),
                       named: "vouchers")
        assertSnapshot(VoucherEntryPage.render(.init(companyID: Self.companyID, types: ["Sales", "Receipt"], ledgers: ["Cash", "Sharma <Traders>"],
                                                     values: ["type": "Sales", "date": "2026-05-10", "ledger0": "Sharma <Traders>", "amount0": "10.00"],
                                                     errors: ["entries[1].ledger": "no ledger 'Nobody' in this company", "entries": "debits and credits differ"]),
                                               chrome: WebSnapshotTests.chrome("New voucher", .vouchers)), named: "voucher-entry")

        var withBills = voucher
        withBills.status = "optional"
        withBills.entries[0].bills = [BillInput(type: .new, reference: "INV-1", amount: "1180.00", dueDate: "2026-06-09")]
        assertSnapshot(VoucherPage.render(withBills, companyID: Self.companyID, canCancel: true, canAmend: true,
                                          chrome: WebSnapshotTests.chrome("Sales INV/2026-27/0001", .vouchers)), named: "voucher-optional")
        assertSnapshot(DayBookPage.render([voucher, withBills], from: CalendarDate("2026-05-10")!, to: CalendarDate("2026-05-10")!,
                                          companyID: Self.companyID, chrome: Self.chrome), named: "day-book")
        let invoice = InvoiceDTO(
            id: UUID(uuidString: "ffffffff-0000-0000-0000-000000000001")!, kind: .sales, number: "INV/2026-27/0001", date: "2026-08-05",
            voucherId: voucher.id, status: "active", party: "Sharma <Traders>", partyId: sharma.id, partyGstin: "29AABCR1718E1ZL",
            partyRegistration: .regular, registration: "27AAPFU0939F1ZV", supplierState: "27", placeOfSupply: "29", supplyType: .regular,
            reverseCharge: false, billOfSupply: false, originalInvoiceId: nil,
            lines: [.init(item: "USB Keyboard", itemId: UUID(uuidString: "ffffffff-0000-0000-0000-000000000002")!, description: "USB Keyboard",
                          hsn: "847160", unit: "NOS", quantity: "10", rate: "1000.00", discount: "0.00", taxable: "10000.00", treatment: .interState,
                          gstRate: "18", cessRate: "0", cgst: "0.00", sgst: "0.00", utgst: false, igst: "1800.00", cess: "0.00", total: "11800.00")],
            totals: .init(taxable: "10000.00", cgst: "0.00", sgst: "0.00", igst: "1800.00", cess: "0.00", tax: "1800.00", roundOff: "0.00", total: "11800.00"))
        let supplier = TradeParty(gstin: "27AAPFU0939F1ZV", legalName: "Acme Traders", address: "12 Station Road", place: "Pune", pincode: "411001", stateCode: "27")
        let recipient = TradeParty(gstin: "29AABCR1718E1ZL", legalName: "Sharma <Traders>", address: "5 Market Street", place: "Bengaluru",
                                   pincode: "560001", stateCode: "29")
        let printed = InvoicePrintPage.render(invoice, supplier: supplier, recipient: recipient, companyID: Self.companyID,
                                              chrome: WebSnapshotTests.chrome("sales INV/2026-27/0001", .invoices))
        #expect(printed.contains("Rupees Eleven Thousand Eight Hundred Only"))
        #expect(printed.contains("Sharma &lt;Traders&gt;"))
        assertSnapshot(printed, named: "invoice-print")
        assertSnapshot(InvoiceEntryPage.render(.init(companyID: Self.companyID, parties: ["Sharma <Traders>"], items: ["USB Keyboard"],
                                                     values: ["kind": "sales", "date": "2026-08-05", "item0": "USB Keyboard", "quantity0": "-1"],
                                                     errors: ["lines[0].quantity": "must be more than zero"]),
                                               chrome: WebSnapshotTests.chrome("New invoice", .invoices)), named: "invoice-entry")
        assertSnapshot(LedgerFormPage.render(.init(companyID: Self.companyID, ledgerID: sharma.id, groups: ["Sundry Debtors", "Sales Accounts"],
                                                   values: LedgerFormPage.values(LedgerDTO(sharma, groups: [debtors.id: debtors])),
                                                   errors: ["gstin": "check character is wrong"]),
                                             chrome: WebSnapshotTests.chrome("Edit Sharma", .accounts)), named: "ledger-form")

        let tb = TrialBalanceDTO(from: "2026-04-01", asOf: "2026-11-25", rows: [
            .init(ledger: sharma.name, ledgerId: sharma.id, groupPath: ["Current Assets", "Sundry Debtors"], opening: BalanceDTO(.zero),
                  debit: "1180.00", credit: "0.00", closing: BalanceDTO(Balance(Money(paise: 118_000), .debit))),
        ], groups: [], totals: .init(debit: "1180.00", credit: "1180.00", closingDebit: "1180.00", closingCredit: "1180.00", openingDifference: BalanceDTO(.zero)))
        let html = TrialBalancePage.render(tb, companyID: Self.companyID, chrome: Self.chrome)
        #expect(html.contains("₹1,180.00 Dr"))
        #expect(html.contains("/reports/ledger?ledger=dddddddd-0000-0000-0000-000000000001"))
        assertSnapshot(html, named: "trial-balance")

        let outstanding = OutstandingDTO(kind: "receivable", asOf: "2026-09-30", parties: [
            .init(party: sharma.name, ledgerId: sharma.id, pending: "600.00", buckets: ["0-30": "600.00"], bills: [
                .init(reference: "INV-1", date: "2026-05-01", dueDate: "2026-05-31", pending: "600.00", ageDays: 152, overdueDays: 122,
                      bucket: "91-180", scheduleIIIBucket: "<6m"),
            ]),
        ], pending: "600.00", buckets: ["91-180": "600.00"], scheduleIII: ["<6m": "600.00"])
        assertSnapshot(OutstandingPage.render(outstanding, companyID: Self.companyID, chrome: Self.chrome), named: "outstanding")
    }

    @Test func statement_pages() {
        let line = StatementLine(group: "Sales Accounts", groupId: UUID(uuidString: "cccccccc-0000-0000-0000-000000000003")!, amount: "1000.00",
                                 ledgers: [.init(ledger: "Sales <Local>", ledgerId: UUID(uuidString: "dddddddd-0000-0000-0000-000000000002")!, amount: "1000.00")])
        let pl = ProfitAndLossDTO(from: "2026-04-01", to: "2027-03-31", tradingIncome: [line], tradingExpenses: [], openingStock: "0.00", closingStock: "0.00", grossProfit: "1000.00",
                                  indirectIncome: [], indirectExpenses: [], netProfit: "1000.00")
        let plHTML = StatementPages.profitAndLoss(pl, companyID: Self.companyID, chrome: Self.chrome)
        #expect(plHTML.contains("Sales &lt;Local&gt;"))
        assertSnapshot(plHTML, named: "profit-and-loss")
        let bs = BalanceSheetDTO(asOf: "2027-03-31", liabilities: [], assets: [line], currentYearProfit: "1000.00", closingStock: "0.00", stockGainBroughtForward: "0.00", totalLiabilities: "1000.00",
                                 totalAssets: "1000.00", openingDifference: "0.00")
        assertSnapshot(StatementPages.balanceSheet(bs, from: "2026-04-01", companyID: Self.companyID, chrome: Self.chrome), named: "balance-sheet")
    }

    @Test func period_locks_page() {
        let locks = [PeriodLockDTO(id: UUID(uuidString: "ffffffff-0000-0000-0000-000000000001")!, lockedThrough: "2026-06-30",
                                   reason: "GSTR-3B <June> filed", active: true)]
        assertSnapshot(PeriodLocksPage.render(.init(companyID: Self.companyID, locks: locks, canLock: true, canUnlock: true), chrome: Self.chrome), named: "period-locks")
    }
}

@testable import App
import Foundation
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

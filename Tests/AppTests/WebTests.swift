@testable import App
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@Suite struct WebTests {
    @Test func sign_in_form_starts_a_fresh_session_and_sign_out_ends_it() async throws {
        try await withApp { app in
            _ = try await TestClient(app: app).register("web@example.com")
            let page = try await app.testing().sendRequest(.GET, "/signin")
            let csrfCookie = try #require(page.headers.setCookie?[WebCookies.csrf]?.string)
            #expect(page.body.string.contains(#"value="\#(csrfCookie)""#))

            let form = "email=web%40example.com&password=correct+horse+battery&_csrf=\(csrfCookie)"
            let signIn = try await app.testing().sendRequest(.POST, "/signin", headers: [
                "Cookie": "\(WebCookies.csrf)=\(csrfCookie); \(WebCookies.session)=planted-by-attacker",
                "Content-Type": "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: form))
            #expect(signIn.status == .seeOther)
            let cookie = try #require(signIn.headers.setCookie?[WebCookies.session])
            #expect(cookie.string != "planted-by-attacker")
            #expect(cookie.isHTTPOnly)
            #expect(cookie.sameSite == .lax)
            #expect(try await WebSession.query(on: app.db).count() == 1)

            let session = try #require(try await WebSession.query(on: app.db).first())
            let browser = WebTestSession(app: app, cookie: cookie.string, csrf: session.csrfToken)
            #expect(try await browser.send(.GET, "/app").status == .ok)
            let out = try await browser.send(.POST, "/signout")
            #expect(out.status == .seeOther)
            #expect(out.headers.first(name: "Clear-Site-Data") == "\"cache\"")
            let after = try await browser.send(.GET, "/app")
            #expect(after.status == .seeOther)
            #expect(after.headers.first(name: .location)?.hasPrefix("/signin") == true)
        }
    }

    @Test func wrong_password_shows_an_error_and_no_session() async throws {
        try await withApp { app in
            _ = try await TestClient(app: app).register("web@example.com")
            let page = try await app.testing().sendRequest(.GET, "/signin")
            let csrf = try #require(page.headers.setCookie?[WebCookies.csrf]?.string)
            let r = try await app.testing().sendRequest(.POST, "/signin", headers: [
                "Cookie": "\(WebCookies.csrf)=\(csrf)", "Content-Type": "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "email=web%40example.com&password=wrong&_csrf=\(csrf)"))
            #expect(r.status == .unauthorized)
            #expect(r.body.string.contains("Email or password is incorrect."))
            #expect(r.headers.setCookie?[WebCookies.session] == nil)
            #expect(try await WebSession.query(on: app.db).count() == 0)
        }
    }

    @Test func a_pre_sign_in_token_the_server_did_not_issue_is_replaced_and_refused() async throws {
        try await withApp { app in
            _ = try await TestClient(app: app).register("web@example.com")
            // A cookie tossed in from a sibling subdomain: long and random, but not signed by this server.
            let planted = TokenService.newRefreshToken() + "." + String(repeating: "ab", count: 32)
            let page = try await app.testing().sendRequest(.GET, "/signin", headers: ["Cookie": "\(WebCookies.csrf)=\(planted)"])
            let issued = try #require(page.headers.setCookie?[WebCookies.csrf]?.string)
            #expect(issued != planted)
            #expect(!page.body.string.contains(planted))
            let forged = try await app.testing().sendRequest(.POST, "/signin", headers: [
                "Cookie": "\(WebCookies.csrf)=\(planted)", "Content-Type": "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "email=web%40example.com&password=correct+horse+battery&_csrf=\(planted)"))
            #expect(forged.status == .forbidden)
            #expect(forged.headers.setCookie?[WebCookies.session] == nil)
            // The issued one still works, and keeps working on the next page (it is not re-issued).
            let again = try await app.testing().sendRequest(.GET, "/signup", headers: ["Cookie": "\(WebCookies.csrf)=\(issued)"])
            #expect(again.headers.setCookie?[WebCookies.csrf] == nil)
            let signIn = try await app.testing().sendRequest(.POST, "/signin", headers: [
                "Cookie": "\(WebCookies.csrf)=\(issued)", "Content-Type": "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "email=web%40example.com&password=correct+horse+battery&_csrf=\(issued)"))
            #expect(signIn.status == .seeOther)
        }
    }

    @Test func over_tls_the_cookies_carry_the_host_prefix_and_secure() async throws {
        try await withApp { app in
            app.config.tls = true
            _ = try await TestClient(app: app).register("web@example.com")
            let page = try await app.testing().sendRequest(.GET, "/signin")
            #expect(page.headers.setCookie?[WebCookies.csrf] == nil)
            let csrf = try #require(page.headers.setCookie?["__Host-fs_csrf"])
            #expect(csrf.isSecure && csrf.path == "/" && csrf.domain == nil)
            // The unprefixed name is not read: a plain-HTTP or subdomain cookie of that name is worth nothing.
            let unprefixed = try await app.testing().sendRequest(.POST, "/signin", headers: [
                "Cookie": "\(WebCookies.csrf)=\(csrf.string)", "Content-Type": "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "email=web%40example.com&password=correct+horse+battery&_csrf=\(csrf.string)"))
            #expect(unprefixed.status == .forbidden)
            let signIn = try await app.testing().sendRequest(.POST, "/signin", headers: [
                "Cookie": "__Host-fs_csrf=\(csrf.string)", "Content-Type": "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "email=web%40example.com&password=correct+horse+battery&_csrf=\(csrf.string)"))
            #expect(signIn.status == .seeOther)
            let session = try #require(signIn.headers.setCookie?["__Host-fs_session"])
            #expect(session.isSecure && session.isHTTPOnly && session.path == "/")
            let home = try await app.testing().sendRequest(.GET, "/app", headers: ["Cookie": "__Host-fs_session=\(session.string)"])
            #expect(home.status == .ok)
            let plain = try await app.testing().sendRequest(.GET, "/app", headers: ["Cookie": "fs_session=\(session.string)"])
            #expect(plain.status == .seeOther)
        }
    }

    @Test func the_account_page_changes_the_password_and_signs_out_everywhere() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let user = try await client.register("me@example.com")
            let here = try await WebTestSession.start(for: user.userID, on: app)
            let elsewhere = try await WebTestSession.start(for: user.userID, on: app)
            let page = try await here.send(.GET, "/app/account")
            #expect(page.status == .ok)
            #expect(page.text.contains("Change password") && page.text.contains("Sign out everywhere") && page.text.contains("me@example.com"))
            #expect(try await here.send(.GET, "/app").text.contains(#"href="/app/account""#))

            let wrong = try await here.send(.POST, "/app/account/password", form: ["currentPassword": "not it", "newPassword": "a brand new secret"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("is not your current password"))
            #expect(try await elsewhere.send(.GET, "/app").status == .ok)

            let changed = try await here.send(.POST, "/app/account/password",
                                              form: ["currentPassword": "correct horse battery", "newPassword": "a brand new secret"])
            #expect(changed.status == .seeOther)
            #expect(changed.headers.first(name: .location) == "/app/account?notice=password-changed")
            let fresh = try #require(changed.headers.setCookie?[WebCookies.session]?.string)
            // Every earlier session ends: both browsers and the API token.
            #expect(try await here.send(.GET, "/app").status == .seeOther)
            #expect(try await elsewhere.send(.GET, "/app").status == .seeOther)
            #expect(try await client.send(.GET, "/api/v1/me", token: user.accessToken).status == .unauthorized)
            let session = try #require(try await WebSession.query(on: app.db).filter(\.$tokenHash == TokenService.hash(fresh)).first())
            let now = WebTestSession(app: app, cookie: fresh, csrf: session.csrfToken)
            #expect(try await now.send(.GET, "/app/account?notice=password-changed").text.contains("Every other session has been signed out"))
            let api = try await client.login("me@example.com", password: "a brand new secret")

            let out = try await now.send(.POST, "/app/account/sign-out-everywhere")
            #expect(out.status == .seeOther)
            #expect(out.headers.first(name: .location) == "/signin")
            #expect(try await now.send(.GET, "/app").status == .seeOther)
            #expect(try await client.send(.GET, "/api/v1/me", token: api.accessToken).status == .unauthorized)
            // Without the form's token nothing happens.
            let other = try await WebTestSession.start(for: user.userID, on: app)
            #expect(try await other.send(.POST, "/app/account/sign-out-everywhere", csrf: "forged").status == .forbidden)
            #expect(try await other.send(.GET, "/app").status == .ok)
        }
    }

    @Test func missing_or_wrong_csrf_is_refused_and_changes_nothing() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let company = try await client.createCompany(owner, name: "Unchanged Ltd")
            let browser = try await WebTestSession.start(for: owner.userID, on: app)
            let path = "/app/c/\(company.lowercased())/settings"
            for token in ["", "wrong-token"] {
                let r = try await browser.send(.POST, path, form: ["name": "Hijacked"], csrf: token)
                #expect(r.status == .forbidden)
                #expect(r.text.contains("Nothing was changed"))
            }
            let ok = try await browser.send(.POST, path, form: [
                "name": "Changed Ltd", "stateCode": "27", "financialYearStart": "2026-04-01", "booksBeginning": "2026-04-01",
            ])
            #expect(ok.status == .seeOther)
            let show = try await client.send(.GET, "/api/v1/companies/\(company)", token: owner.accessToken)
            #expect(show.json["name"]?.stringValue == "Changed Ltd")
            #expect(show.json["gstin"] == .null)
        }
    }

    @Test func viewer_sees_no_member_controls_and_a_forged_post_is_refused() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let viewer = try await client.register("viewer@example.com")
            _ = try await client.register("new@example.com")
            let company = try await client.createCompany(owner)
            _ = try await client.addMember(owner, company: company, email: "viewer@example.com", role: "viewer")
            let browser = try await WebTestSession.start(for: viewer.userID, on: app)
            let page = try await browser.send(.GET, "/app/c/\(company.lowercased())/members")
            #expect(page.status == .ok)
            #expect(!page.text.contains("Add a member"))
            #expect(!page.text.contains("Change role"))
            let forged = try await browser.send(.POST, "/app/c/\(company.lowercased())/members",
                                                form: ["email": "new@example.com", "role": "admin"])
            #expect(forged.status == .forbidden)
            #expect(try await Membership.query(on: app.db).count() == 2)
        }
    }

    @Test func form_errors_come_from_the_api_rules() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let browser = try await WebTestSession.start(for: owner.userID, on: app)
            let r = try await browser.send(.POST, "/app/companies/new", form: [
                "name": "<script>alert(1)</script>", "gstin": "27AAPFU0939F1ZO", "stateCode": "27",
                "financialYearStart": "2026-04-01", "booksBeginning": "2026-04-01",
            ])
            #expect(r.status == .unprocessableEntity)
            #expect(r.text.contains("has check character O but the checksum gives V"))
            #expect(r.text.contains(#"aria-invalid="true""#))
            #expect(!r.text.contains("<script>alert(1)"))
            #expect(try await Company.query(on: app.db).count() == 0)

            let created = try await browser.send(.POST, "/app/companies/new", form: [
                "name": "<script>alert(1)</script>", "stateCode": "27", "financialYearStart": "2026-04-01",
                "booksBeginning": "2026-04-01",
            ])
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            let dashboard = try await browser.send(.GET, location)
            #expect(dashboard.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(dashboard.text.contains("Company created."))
        }
    }

    @Test func pages_answer_unknown_paths_with_the_404_page() async throws {
        try await withApp { app in
            let r = try await app.testing().sendRequest(.GET, "/no/such/page", headers: ["Accept": "text/html"])
            #expect(r.status == .notFound)
            #expect(r.body.string.contains("Page not found"))
            #expect(r.headers.contentType == .html)
        }
    }
}

@Suite struct WebBooksTests {
    @Test func voucher_form_posts_through_the_api_rules_and_reports_link_through() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let browser = try await WebTestSession.start(for: f.owner.userID, on: app)
            let base = "/app/c/\(f.company.lowercased())"
            let bad = try await browser.send(.POST, base + "/vouchers/new", form: [
                "type": "Sales", "date": "2026-05-10", "side0": "Dr", "ledger0": "Sharma Traders", "amount0": "100.00",
                "side2": "Cr", "ledger2": "Nobody", "amount2": "100.00",
            ])
            #expect(bad.status == .unprocessableEntity)
            // The second filled line is the form's third row: the error lands beside it.
            #expect(bad.text.contains(#"id="f-ledger2-error""#))
            #expect(bad.text.contains("no ledger &#39;Nobody&#39; in this company"))

            let ok = try await browser.send(.POST, base + "/vouchers/new", form: [
                "type": "Sales", "date": "2026-05-10", "side0": "Dr", "ledger0": "Sharma Traders", "amount0": "100.00",
                "side1": "Cr", "ledger1": "Sales", "amount1": "100.00", "narration": "Counter sale",
            ])
            #expect(ok.status == .seeOther)
            let list = try await browser.send(.GET, base + "/vouchers")
            #expect(list.text.contains("INV/26-27/0001"))
            let tb = try await browser.send(.GET, base + "/reports/trial-balance?asOf=2027-03-31")
            #expect(tb.text.contains("Sharma Traders"))
            #expect(tb.text.contains("₹1,100.00 Dr"))
            let pl = try await browser.send(.GET, base + "/reports/profit-and-loss?from=2026-04-01&to=2027-03-31")
            #expect(pl.text.contains("Gross profit"))
            #expect(pl.text.contains("₹100.00"))
            let bs = try await browser.send(.GET, base + "/reports/balance-sheet?asOf=2027-03-31")
            #expect(bs.text.contains("Opening balances differ by ₹1,000.00"))
            // Drill down to the voucher and cancel it from its page.
            let voucherID = try #require(try await f.get("vouchers").json["items"]?[0]?["id"]?.stringValue).lowercased()
            #expect(list.text.contains("\(base)/vouchers/\(voucherID)"))
            let detail = try await browser.send(.GET, base + "/vouchers/\(voucherID)")
            #expect(detail.text.contains("Counter sale"))
            #expect(detail.text.contains("Cancel voucher"))
            #expect(try await browser.send(.POST, base + "/vouchers/\(voucherID)/cancel").status == .seeOther)
            #expect(try await browser.send(.GET, base + "/vouchers/\(voucherID)").text.contains("cancelled"))
            for page in ["/accounts", "/reports/outstanding?kind=receivable", "/reports/ledger?ledger=Sales&from=2026-04-01&to=2027-03-31", ""] {
                #expect(try await browser.send(.GET, base + page).status == .ok, "\(page)")
            }
        }
    }
}

@Suite struct WebLedgerAndVoucherFormTests {
    @Test func ledger_form_creates_and_edits_through_the_api_rules() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let browser = try await WebTestSession.start(for: f.owner.userID, on: app)
            let base = "/app/c/\(f.company.lowercased())/accounts"
            #expect(try await browser.send(.GET, base).text.contains("New ledger"))
            let bad = try await browser.send(.POST, base + "/ledgers/new", form: [
                "name": "Gupta Stores", "group": "Sundry Debtors", "gstin": "29AABCR1718E1ZX", "openingAmount": "1.005",
                "openingSide": "Dr", "creditPeriodDays": "soon",
            ])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("id=\"f-creditPeriodDays-error\""))
            // Shape errors come first (as from the API); once the shape is right, every rule is reported at once.
            let wrong = try await browser.send(.POST, base + "/ledgers/new", form: [
                "name": "Gupta Stores", "group": "Sundry Debtors", "gstin": "29AABCR1718E1ZX", "openingAmount": "1.005", "openingSide": "Dr",
            ])
            #expect(wrong.status == .unprocessableEntity)
            for field in ["gstin", "openingAmount"] { #expect(wrong.text.contains("id=\"f-\(field)-error\""), "\(field)") }
            #expect(try await f.get("ledgers/Gupta%20Stores").status == .notFound)

            let ok = try await browser.send(.POST, base + "/ledgers/new", form: [
                "name": "Gupta Stores", "group": "Sundry Debtors", "gstin": "29AABCR1718E1ZL", "stateCode": "29",
                "registrationType": "regular", "openingAmount": "250.00", "openingSide": "Cr", "creditPeriodDays": "45", "billWise": "true",
            ])
            #expect(ok.status == .seeOther)
            let gupta = try await f.get("ledgers/Gupta%20Stores").json
            #expect(gupta["openingBalance"] == ["amount": "250.00", "side": "Cr"])
            #expect(gupta["creditPeriodDays"]?.intValue == 45)
            #expect(gupta["billWise"]?.boolValue == true)
            let id = try #require(gupta["id"]?.stringValue).lowercased()

            let edit = try await browser.send(.GET, base + "/ledgers/\(id)")
            #expect(edit.text.contains("value=\"Gupta Stores\""))
            #expect(edit.text.contains("value=\"45\""))
            // Renaming onto an existing name is refused beside the field; unticking bill-wise and active saves.
            let clash = try await browser.send(.POST, base + "/ledgers/\(id)", form: ["name": "sales", "group": "Sundry Debtors", "openingAmount": "250.00", "openingSide": "Cr"])
            #expect(clash.status == .conflict || clash.status == .unprocessableEntity)
            #expect(clash.text.contains("id=\"f-name-error\"") || clash.text.contains("error-box"))
            let saved = try await browser.send(.POST, base + "/ledgers/\(id)", form: [
                "name": "Gupta General Stores", "group": "Sundry Debtors", "openingAmount": "250.00", "openingSide": "Cr",
            ])
            #expect(saved.status == .seeOther)
            let after = try await f.get("ledgers/\(id)").json
            #expect(after["name"]?.stringValue == "Gupta General Stores")
            #expect(after["billWise"]?.boolValue == false)
            #expect(after["active"]?.boolValue == false)
            #expect(try await f.get("audit-log?action=ledger.update").json["items"]?.arrayValue.count == 1)

            #expect(try await browser.send(.POST, base + "/groups/new", form: ["name": "Branch Debtors", "parent": "Sundry Debtors"]).status == .seeOther)
            #expect(try await f.get("groups/Branch%20Debtors").json["isPartyGroup"]?.boolValue == true)
            let primary = try await browser.send(.POST, base + "/groups/new", form: ["name": "Odd"])
            #expect(primary.status == .unprocessableEntity)
            #expect(primary.text.contains("id=\"f-nature-error\""))

            let viewer = try await f.client.register("viewer@example.com")
            _ = try await f.client.addMember(f.owner, company: f.company, email: "viewer@example.com", role: "viewer")
            let viewerBrowser = try await WebTestSession.start(for: viewer.userID, on: app)
            #expect(!(try await viewerBrowser.send(.GET, base).text.contains("New ledger")))
            #expect(try await viewerBrowser.send(.POST, base + "/ledgers/new", form: ["name": "X", "group": "Sundry Debtors"]).status == .forbidden)
        }
    }

    @Test func voucher_form_takes_bills_and_amends_optional_vouchers_which_regularise_from_their_page() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let browser = try await WebTestSession.start(for: f.owner.userID, on: app)
            let base = "/app/c/\(f.company.lowercased())"
            let entry = try await browser.send(.GET, base + "/vouchers/new")
            #expect(entry.text.contains("<option value=\"Sharma Traders\" data-billwise>"))
            let sale = try await browser.send(.POST, base + "/vouchers/new", form: [
                "type": "Sales", "date": "2026-05-10", "side0": "Dr", "ledger0": "Sharma Traders", "amount0": "500.00",
                "billType0": "new", "billRef0": "INV-77", "side1": "Cr", "ledger1": "Sales", "amount1": "500.00",
            ])
            #expect(sale.status == .seeOther)
            let overpaid = try await browser.send(.POST, base + "/vouchers/new", form: [
                "type": "Receipt", "date": "2026-06-10", "side0": "Dr", "ledger0": "HDFC Bank", "amount0": "600.00",
                "side1": "Cr", "ledger1": "Sharma Traders", "amount1": "600.00", "billType1": "against", "billRef1": "INV-77",
            ])
            #expect(overpaid.status == .unprocessableEntity)
            #expect(overpaid.text.contains("id=\"f-billType1-error\""))
            let optional = try await browser.send(.POST, base + "/vouchers/new", form: [
                "type": "Receipt", "date": "2026-06-10", "side0": "Dr", "ledger0": "HDFC Bank", "amount0": "200.00",
                "side1": "Cr", "ledger1": "Sharma Traders", "amount1": "200.00", "billType1": "against", "billRef1": "INV-77", "optional": "true",
            ])
            #expect(optional.status == .seeOther)
            let receipt = try #require(try await f.get("vouchers?status=optional").json["items"]?[0])
            let id = try #require(receipt["id"]?.stringValue).lowercased()
            let page = try await browser.send(.GET, base + "/vouchers/\(id)")
            #expect(page.text.contains("Regularise"))
            #expect(page.text.contains("against INV-77 ₹200.00"))

            let form = try await browser.send(.GET, base + "/vouchers/\(id)/edit")
            #expect(form.text.contains("value=\"INV-77\""))
            let amended = try await browser.send(.POST, base + "/vouchers/\(id)/edit", form: [
                "date": "2026-06-11", "side0": "Dr", "ledger0": "HDFC Bank", "amount0": "250.00",
                "side1": "Cr", "ledger1": "Sharma Traders", "amount1": "250.00", "billType1": "against", "billRef1": "INV-77",
            ])
            #expect(amended.status == .seeOther)
            let after = try await f.get("vouchers/\(id)").json
            #expect(after["total"]?.stringValue == "250.00")
            #expect(after["status"]?.stringValue == "optional")
            #expect(after["number"] == receipt["number"])

            #expect(try await browser.send(.POST, base + "/vouchers/\(id)/regularise").status == .seeOther)
            #expect(try await f.get("vouchers/\(id)").json["status"]?.stringValue == "active")
            let outstanding = try await f.get("reports/outstanding?kind=receivable&asOf=2026-12-31").json
            #expect(outstanding["parties"]?[0]?["bills"]?.arrayValue.first { $0["reference"]?.stringValue == "INV-77" }?["pending"]?.stringValue == "250.00")

            let dayBook = try await browser.send(.GET, base + "/reports/day-book?from=2026-05-01&to=2026-06-30")
            #expect(dayBook.status == .ok)
            #expect(dayBook.text.contains("INV/26-27/0001"))
            #expect(dayBook.text.contains("RCT/2026-27/0001"))
            #expect(try await browser.send(.GET, base + "/reports/day-book?from=nonsense").status == .unprocessableEntity)
        }
    }
}

@Suite struct WebPeriodLockTests {
    @Test func owner_locks_through_the_form_and_a_viewer_only_reads() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let base = "/app/c/\(f.company.lowercased())/period-locks"
            let owner = try await WebTestSession.start(for: f.owner.userID, on: app)
            let bad = try await owner.send(.POST, base, form: ["lockedThrough": "2026-13-01", "reason": "x"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains(#"id="f-lockedThrough-error""#))
            #expect(try await owner.send(.POST, base, form: ["lockedThrough": "2026-06-30", "reason": "Q1 filed"]).status == .seeOther)
            let page = try await owner.send(.GET, base)
            #expect(page.text.contains("locked through 30-06-2026"))
            let locked = try await f.voucher("journal", "2026-06-01", [BooksFixture.entry("Rent", dr: "1.00"), BooksFixture.entry("Sharma Traders", cr: "1.00")])
            #expect(locked.status == .conflict)

            let viewer = try await f.client.register("viewer@example.com")
            _ = try await f.client.addMember(f.owner, company: f.company, email: "viewer@example.com", role: "viewer")
            let browser = try await WebTestSession.start(for: viewer.userID, on: app)
            let viewed = try await browser.send(.GET, base)
            #expect(viewed.status == .ok)
            #expect(!viewed.text.contains("Lock the books"))
            #expect(try await browser.send(.POST, base + "/unlock").status == .forbidden)
            #expect(try await owner.send(.POST, base + "/unlock").status == .seeOther)
            #expect(try await owner.send(.GET, base).text.contains("The books are open"))
        }
    }
}

@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Accounts that prove who they are: email verification, invitations, password reset, registration that tells
/// nothing. Mail goes through the outbox to a real SMTP server (aiosmtpd) and the tests follow the links in it.
@Suite(.serialized) struct AccountTests {
    private func withMail(_ body: (Application, TestClient, SMTPCatcher) async throws -> Void) async throws {
        let catcher = try SMTPCatcher()
        try await catcher.start()
        defer { catcher.stop() }
        try await withApp { app in
            app.config.smtp = try catcher.settings
            app.config.publicURL = "https://books.example.test"
            try await body(app, TestClient(app: app), catcher)
        }
    }

    private func token(in link: String?) -> String {
        guard let link, let query = URLComponents(string: link)?.queryItems?.first(where: { $0.name == "token" })?.value else {
            return link.map { String($0.split(separator: "/").last ?? "") } ?? ""
        }
        return query
    }

    private func me(_ client: TestClient, _ session: TestClient.Session) async throws -> JSONValue {
        try await client.send(.GET, "/api/v1/me", token: session.accessToken).json
    }

    @Test func registration_answers_alike_for_a_taken_email_and_the_emailed_link_confirms_the_address_once() async throws {
        try await withMail { app, client, mail in
            let new = try await client.send(.POST, "/api/v1/auth/register",
                                            json: ["email": "asha@example.com", "password": "correct horse battery", "name": "Asha"])
            let taken = try await client.send(.POST, "/api/v1/auth/register",
                                              json: ["email": "ASHA@example.com", "password": "some other password", "name": "Mallory"])
            #expect(new.status == .accepted && taken.status == .accepted)
            #expect(new.json == taken.json)
            #expect(await Outbox.drain(app) == 2)
            let letters = mail.messages(to: "asha@example.com")
            #expect(letters.count == 2, "\(letters.map(\.subject))")
            let confirm = letters.first { $0.subject.contains("Confirm") }
            let link = confirm?.link("https://books.example.test/verify-email?token=")
            #expect(link != nil, "\(letters.map(\.body))")
            #expect(letters.contains { $0.body.contains("already has one") })

            let asha = try await client.login("asha@example.com")
            #expect(try await me(client, asha)["emailVerified"] == .bool(false))
            // Opening the link shows a button; only the POST confirms (a GET never writes).
            let page = try await client.send(.GET, "/verify-email?token=\(token(in: link))")
            #expect(page.status == .ok && page.text.contains("Confirm my email"))
            #expect(try await me(client, asha)["emailVerified"] == .bool(false))
            let ok = try await client.send(.POST, "/api/v1/auth/verify-email", json: ["token": .string(token(in: link))])
            #expect(ok.status == .ok, "\(ok.text)")
            #expect(try await me(client, asha)["emailVerified"] == .bool(true))
            let again = try await client.send(.POST, "/api/v1/auth/verify-email", json: ["token": .string(token(in: link))])
            #expect(again.status == .badRequest && again.errorFields == ["token"])
            let forged = try await client.send(.POST, "/api/v1/auth/verify-email", json: ["token": "made-up"])
            #expect(forged.status == .badRequest && forged.errorFields == ["token"])
        }
    }

    @Test func an_invitation_is_accepted_only_by_its_verified_email_once_and_not_after_revocation() async throws {
        try await withMail { app, client, mail in
            let owner = try await client.register("owner@example.com")
            let company = try await client.createCompany(owner)
            let invited = try await client.invite(owner, company: company, email: "bob@example.com", role: "accountant")
            #expect(invited.status == .created, "\(invited.text)")
            let token = invited.json["token"]?.stringValue ?? ""
            #expect(invited.json["link"]?.stringValue == "https://books.example.test/invitations/\(token)")
            await Outbox.drain(app)
            let letter = mail.messages(to: "bob@example.com").first
            #expect(letter?.link("https://books.example.test/invitations/") == "https://books.example.test/invitations/\(token)")

            // Someone else, even verified, cannot take it.
            let mallory = try await client.register("mallory@example.com")
            await Outbox.drain(app)
            let malloryLink = mail.messages(to: "mallory@example.com").first?.link("https://books.example.test/verify-email")
            #expect(try await client.send(.POST, "/api/v1/auth/verify-email", json: ["token": .string(self.token(in: malloryLink))]).status == .ok)
            let wrong = try await client.send(.POST, "/api/v1/invitations/\(token)", token: mallory.accessToken)
            #expect(wrong.status == .forbidden && wrong.json["error"]?["code"]?.stringValue == "invitation_for_another_email")
            let view = try await client.send(.GET, "/api/v1/invitations/\(token)", token: mallory.accessToken)
            #expect(view.json["canAccept"] == .bool(false) && view.json["companyName"]?.stringValue == "Acme Traders")

            // The right email, unverified: not yet.
            let bob = try await client.register("bob@example.com")
            let early = try await client.send(.POST, "/api/v1/invitations/\(token)", token: bob.accessToken)
            #expect(early.status == .forbidden && early.json["error"]?["code"]?.stringValue == "email_not_verified", "\(early.text)")
            await Outbox.drain(app)
            let bobLink = mail.messages(to: "bob@example.com").compactMap { $0.link("https://books.example.test/verify-email") }.first
            #expect(try await client.send(.POST, "/api/v1/auth/verify-email", json: ["token": .string(self.token(in: bobLink))]).status == .ok)
            let accepted = try await client.send(.POST, "/api/v1/invitations/\(token)", token: bob.accessToken)
            #expect(accepted.status == .created && accepted.json["role"]?.stringValue == "accountant", "\(accepted.text)")
            #expect(try await client.send(.GET, "/api/v1/companies/\(company)", token: bob.accessToken).status == .ok)
            let twice = try await client.send(.POST, "/api/v1/invitations/\(token)", token: bob.accessToken)
            #expect(twice.status == .conflict)
            #expect(try await client.send(.POST, "/api/v1/invitations/\(token)", token: mallory.accessToken).status == .conflict)
            #expect(try await client.send(.GET, "/api/v1/companies/\(company)", token: mallory.accessToken).status == .notFound)

            // Revoked: the link stops working and the pending list no longer shows it.
            let carolInvite = try await client.invite(owner, company: company, email: "carol@example.com", role: "viewer")
            let carolToken = carolInvite.json["token"]?.stringValue ?? ""
            let pending = try await client.send(.GET, "/api/v1/companies/\(company)/invitations", token: owner.accessToken)
            #expect(pending.json["items"]?.arrayValue.map { $0["email"]?.stringValue } == ["carol@example.com"])
            #expect(pending.json["items"]?[0]?["token"] == nil)
            let id = carolInvite.json["id"]?.stringValue ?? ""
            // A member who may not manage members cannot see or revoke invitations.
            #expect(try await client.send(.DELETE, "/api/v1/companies/\(company)/invitations/\(id)", token: bob.accessToken).status == .forbidden)
            #expect(try await client.send(.DELETE, "/api/v1/companies/\(company)/invitations/\(id)", token: owner.accessToken).status == .noContent)
            let carol = try await client.register("carol@example.com")
            _ = carol
            let revoked = try await client.send(.POST, "/api/v1/invitations/\(carolToken)", token: carol.accessToken)
            #expect(revoked.status == .gone && revoked.json["error"]?["code"]?.stringValue == "invitation_revoked")
            #expect(try await client.send(.POST, "/api/v1/invitations/not-a-token", token: carol.accessToken).status == .notFound)

            // Every step is on the company's audit chain.
            struct Row: Decodable { var action: String }
            let actions = try await app.db.sql().raw("SELECT action FROM audit_entries WHERE company_id = \(bind: UUID(uuidString: company))")
                .all(decoding: Row.self).map(\.action)
            #expect(["invitation.create", "invitation.accept", "member.add", "invitation.revoke"].allSatisfy(actions.contains), "\(actions)")
        }
    }

    @Test func an_expired_invitation_is_refused() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let company = try await client.createCompany(owner)
            let invite = try await client.invite(owner, company: company, email: "late@example.com", role: "viewer")
            try await app.db.sql().raw("UPDATE invitations SET expires_at = \(bind: Date().addingTimeInterval(-1))").run()
            let late = try await client.register("late@example.com")
            let r = try await client.send(.POST, "/api/v1/invitations/\(invite.json["token"]?.stringValue ?? "")", token: late.accessToken)
            #expect(r.status == .gone && r.json["error"]?["code"]?.stringValue == "invitation_expired")
        }
    }

    @Test func a_password_reset_link_works_once_within_30_minutes_and_ends_every_session() async throws {
        try await withMail { app, client, mail in
            let ravi = try await client.register("ravi@example.com")
            let known = try await client.send(.POST, "/api/v1/auth/password-reset", json: ["email": "ravi@example.com"])
            let unknown = try await client.send(.POST, "/api/v1/auth/password-reset", json: ["email": "nobody@example.com"])
            #expect(known.status == .accepted && unknown.status == .accepted)
            #expect(known.json["message"]?.stringValue?.replacingOccurrences(of: "ravi@example.com", with: "X")
                    == unknown.json["message"]?.stringValue?.replacingOccurrences(of: "nobody@example.com", with: "X"))
            await Outbox.drain(app)
            #expect(mail.messages(to: "nobody@example.com").isEmpty)
            let link = mail.messages(to: "ravi@example.com").compactMap { $0.link("https://books.example.test/reset-password?token=") }.last
            let token = self.token(in: link)
            #expect(!token.isEmpty)

            let weak = try await client.send(.POST, "/api/v1/auth/password-reset/confirm", json: ["token": .string(token), "newPassword": "short"])
            #expect(weak.errorFields == ["newPassword"])
            let set = try await client.send(.POST, "/api/v1/auth/password-reset/confirm",
                                            json: ["token": .string(token), "newPassword": "a brand new passphrase"])
            #expect(set.status == .ok, "\(set.text)")
            #expect(try await client.send(.GET, "/api/v1/me", token: ravi.accessToken).status == .unauthorized)
            #expect(try await client.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": .string(ravi.refreshToken)]).status == .unauthorized)
            #expect(try await client.send(.POST, "/api/v1/auth/login", json: ["email": "ravi@example.com", "password": "correct horse battery"]).status == .unauthorized)
            let fresh = try await client.login("ravi@example.com", password: "a brand new passphrase")
            #expect(try await me(client, fresh)["emailVerified"] == .bool(true))
            let reused = try await client.send(.POST, "/api/v1/auth/password-reset/confirm",
                                               json: ["token": .string(token), "newPassword": "yet another passphrase"])
            #expect(reused.status == .badRequest && reused.errorFields == ["token"])

            // A link older than 30 minutes is refused.
            let userID = try #require(UUID(uuidString: fresh.userID))
            let old = try await AccountTokens.issue(.resetPassword, for: userID, on: app.db, now: Date().addingTimeInterval(-31 * 60))
            let expired = try await client.send(.POST, "/api/v1/auth/password-reset/confirm",
                                                json: ["token": .string(old), "newPassword": "yet another passphrase"])
            #expect(expired.status == .badRequest && expired.errorFields == ["token"])
        }
    }

    @Test func registration_is_limited_per_client_address_before_any_bcrypt() async throws {
        try await withApp { app in
            app.config.registrationsPerHour = 5
            let client = TestClient(app: app)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        try await client.send(.POST, "/api/v1/auth/register",
                                              json: ["email": .string("burst\(i)@example.com"), "password": "correct horse battery", "name": "B"]).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .accepted }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 7)
            #expect(try await User.query(on: app.db).count() == 5)
        }
    }

    @Test func the_smtp_client_refuses_a_password_over_plain_smtp_and_renders_headers_safely() throws {
        #expect(throws: SMTPSettings.Invalid.self) { try SMTPSettings(url: "smtp://user:secret@mail.example.com", from: nil) }
        let tls = try SMTPSettings(url: "smtps://user:secret@mail.example.com", from: "books@example.com")
        #expect(tls.port == 465 && tls.implicitTLS && tls.username == "user")
        let text = SMTPClient.render(.init(to: "a@example.com", subject: "Hi\r\nBcc: evil@example.com", body: ".hidden\nline"), from: "books@example.com")
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.contains("\r\n..hidden\r\n"))
        #expect(text.hasSuffix("\r\n.\r\n"))
        #expect(SMTPClient.encodedHeader("बिल") == "=?UTF-8?B?\(Data("बिल".utf8).base64EncodedString())?=")
    }
}

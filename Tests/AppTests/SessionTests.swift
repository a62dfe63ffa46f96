@testable import App
import Foundation
import Testing
import Vapor

/// Signing out ends access tokens at once: one sign-in, everywhere, and on a password change.
@Suite struct SessionTests {
    func login(_ client: TestClient, _ email: String, _ password: String = "correct horse battery") async throws -> TestClient.Session {
        let r = try await client.send(.POST, "/api/v1/auth/login", json: ["email": .string(email), "password": .string(password)])
        #expect(r.status == .ok, "\(r.text)")
        return .init(userID: r.json["user"]?["id"]?.stringValue ?? "", accessToken: r.json["accessToken"]?.stringValue ?? "",
                     refreshToken: r.json["refreshToken"]?.stringValue ?? "")
    }

    func me(_ client: TestClient, _ s: TestClient.Session) async throws -> HTTPStatus {
        try await client.send(.GET, "/api/v1/me", token: s.accessToken).status
    }

    @Test func signing_out_ends_that_sign_ins_access_token_at_once() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let phone = try await client.register("asha@example.com")
            let laptop = try await login(client, "asha@example.com")
            #expect(try await me(client, phone) == .ok)
            #expect(try await client.send(.POST, "/api/v1/auth/logout", json: ["refreshToken": .string(phone.refreshToken)]).status == .noContent)
            #expect(try await me(client, phone) == .unauthorized, "the access token died with its sign-in")
            #expect(try await me(client, laptop) == .ok, "another sign-in goes on")
            // A refreshed token belongs to the same sign-in.
            let refreshed = try await client.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": .string(laptop.refreshToken)])
            #expect(refreshed.status == .ok)
            let next = TestClient.Session(userID: laptop.userID, accessToken: refreshed.json["accessToken"]?.stringValue ?? "", refreshToken: refreshed.json["refreshToken"]?.stringValue ?? "")
            #expect(try await me(client, next) == .ok)
        }
    }

    @Test func signing_out_everywhere_ends_every_token_and_browser_session() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let a = try await client.register("ravi@example.com")
            let b = try await login(client, "ravi@example.com")
            let other = try await client.register("meena@example.com")
            let web = try await WebTestSession.start(for: a.userID, on: app)
            #expect(try await web.send(.GET, "/app").status == .ok)
            #expect(try await client.send(.POST, "/api/v1/auth/logout-all", token: b.accessToken).status == .noContent)
            #expect(try await me(client, a) == .unauthorized)
            #expect(try await me(client, b) == .unauthorized)
            #expect(try await client.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": .string(a.refreshToken)]).status == .unauthorized)
            #expect(try await web.send(.GET, "/app").status != .ok, "the browser session ended too")
            #expect(try await me(client, other) == .ok, "nobody else is signed out")
            #expect(try await me(client, try await login(client, "ravi@example.com")) == .ok, "signing in again works")
            #expect(try await client.send(.POST, "/api/v1/auth/logout-all").status == .unauthorized)
        }
    }

    @Test func changing_the_password_ends_every_other_session() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let here = try await client.register("lata@example.com")
            let elsewhere = try await login(client, "lata@example.com")
            let wrong = try await client.send(.POST, "/api/v1/auth/password", token: here.accessToken,
                                              json: ["currentPassword": "not my password", "newPassword": "a much better passphrase"])
            #expect(wrong.status == .unprocessableEntity && wrong.errorFields == ["currentPassword"], "\(wrong.text)")
            let short = try await client.send(.POST, "/api/v1/auth/password", token: here.accessToken,
                                              json: ["currentPassword": "correct horse battery", "newPassword": "short"])
            #expect(short.errorFields == ["newPassword"])
            let changed = try await client.send(.POST, "/api/v1/auth/password", token: here.accessToken,
                                                json: ["currentPassword": "correct horse battery", "newPassword": "a much better passphrase"])
            #expect(changed.status == .ok, "\(changed.text)")
            let fresh = TestClient.Session(userID: here.userID, accessToken: changed.json["accessToken"]?.stringValue ?? "", refreshToken: changed.json["refreshToken"]?.stringValue ?? "")
            #expect(try await me(client, fresh) == .ok)
            #expect(try await me(client, here) == .unauthorized)
            #expect(try await me(client, elsewhere) == .unauthorized)
            #expect(try await client.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": .string(elsewhere.refreshToken)]).status == .unauthorized)
            #expect(try await client.send(.POST, "/api/v1/auth/login", json: ["email": "lata@example.com", "password": "correct horse battery"]).status == .unauthorized)
            _ = try await login(client, "lata@example.com", "a much better passphrase")
            let actions = try await app.db.sql().raw("SELECT action FROM audit_entries WHERE action LIKE 'auth.password%'").all()
            #expect(actions.count == 1)
        }
    }
}

@testable import App
import Fluent
import Foundation
import JWTKit
import Testing
import Vapor

@Suite struct AuthTests {
    @Test func register_login_me() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let session = try await client.register("Priya@Example.com", name: "Priya Shah")
            #expect(!session.accessToken.isEmpty && !session.refreshToken.isEmpty)

            let login = try await client.send(.POST, "/api/v1/auth/login",
                                              json: ["email": "priya@example.com", "password": "correct horse battery"])
            #expect(login.status == .ok)
            #expect(login.json["expiresIn"]?.intValue == 900)
            #expect(login.json["user"]?["email"]?.stringValue == "priya@example.com")

            let me = try await client.send(.GET, "/api/v1/me", token: login.json["accessToken"]?.stringValue)
            #expect(me.status == .ok)
            #expect(me.json["name"]?.stringValue == "Priya Shah")
            #expect(me.json["companies"]?.arrayValue.isEmpty == true)
        }
    }

    @Test func wrong_password_and_unknown_email_get_the_same_answer() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            _ = try await client.register("known@example.com")
            let wrong = try await client.send(.POST, "/api/v1/auth/login", json: ["email": "known@example.com", "password": "not the password"])
            let unknown = try await client.send(.POST, "/api/v1/auth/login", json: ["email": "nobody@example.com", "password": "not the password"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == wrong.status)
            #expect(unknown.json == wrong.json)
            #expect(wrong.json["accessToken"] == nil)
        }
    }

    @Test func a_taken_email_gets_the_new_account_answer_and_a_weak_password_is_rejected_without_creating_anything() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let first = try await client.send(.POST, "/api/v1/auth/register",
                                              json: ["email": "dup@example.com", "password": "long enough pass", "name": "X"])
            let dup = try await client.send(.POST, "/api/v1/auth/register",
                                            json: ["email": "DUP@example.com", "password": "another long pass", "name": "Y"])
            #expect(first.status == .accepted && dup.status == .accepted)
            #expect(dup.json == first.json, "registration must not tell whether an email has an account")
            #expect(dup.json["accessToken"] == nil)
            // The taken email's password is unchanged.
            #expect(try await client.send(.POST, "/api/v1/auth/login", json: ["email": "dup@example.com", "password": "another long pass"]).status == .unauthorized)

            let weak = try await client.send(.POST, "/api/v1/auth/register",
                                             json: ["email": "weak@example.com", "password": "short", "name": "X"])
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.errorFields == ["password"])
            #expect(try await User.query(on: app.db).count() == 1)
        }
    }

    @Test func passwords_use_bcrypt_cost_12_by_default_and_refresh_tokens_are_stored_hashed() async throws {
        let config = try AppConfig.fromEnvironment(["FINSYNC_DATA_DIR": "/tmp/unused"], production: true)
        #expect(config.passwordCost == 12)
        let hash = try Bcrypt.hash(Passwords.prepared("anything"), cost: config.passwordCost)
        #expect(hash.hasPrefix("$2b$12$"))

        try await withApp { app in
            let session = try await TestClient(app: app).register()
            let stored = try await RefreshToken.query(on: app.db).all()
            #expect(stored.count == 1)
            #expect(stored[0].tokenHash == TokenService.hash(session.refreshToken))
            #expect(stored[0].tokenHash != session.refreshToken)
            let user = try await User.query(on: app.db).first()
            #expect(user?.passwordHash.hasPrefix("$2b$") == true)
        }
    }

    @Test func bad_access_tokens_are_refused() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let session = try await client.register()
            let userID = try #require(UUID(uuidString: session.userID))

            let live = TokenService.Session(family: UUID(), version: 0)
            let expired = try await app.tokens.accessToken(for: userID, session: live, now: Date().addingTimeInterval(-3600))
            let staleVersion = try await app.tokens.accessToken(for: userID, session: .init(family: live.family, version: 1))
            let otherKeys = JWTKeyCollection()
            await otherKeys.add(hmac: HMACKey(from: "a-completely-different-secret-key-123"), digestAlgorithm: .sha256)
            let wrongKey = try await TokenService(keys: otherKeys).accessToken(for: userID, session: live)
            let parts = session.accessToken.split(separator: ".")
            let noneHeader = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64URLEncoded
            let algNone = "\(noneHeader).\(parts[1])."
            var forgedPayload = String(parts[1])
            forgedPayload.removeLast(2)
            let forged = "\(parts[0]).\(forgedPayload)AA.\(parts[2])"

            for token in [expired, staleVersion, wrongKey, algNone, forged, "not-a-jwt", ""] {
                let r = try await client.send(.GET, "/api/v1/me", token: token)
                #expect(r.status == .unauthorized, "token \(token.prefix(20)) was accepted")
                #expect(r.errorCode == "unauthenticated")
            }
            let none = try await client.send(.GET, "/api/v1/me")
            #expect(none.status == .unauthorized)
        }
    }

    @Test func refresh_rotates_and_a_reused_token_revokes_the_family() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let session = try await client.register()
            let first = try await client.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": .string(session.refreshToken)])
            #expect(first.status == .ok)
            let second = try #require(first.json["refreshToken"]?.stringValue)
            #expect(second != session.refreshToken)

            // Replaying the first token: refused, and the token issued from it dies too.
            let replay = try await client.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": .string(session.refreshToken)])
            #expect(replay.status == .unauthorized)
            #expect(replay.errorCode == "refresh_token_reused")
            let afterRevoke = try await client.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": .string(second)])
            #expect(afterRevoke.status == .unauthorized)

            let revoked = try await RefreshToken.query(on: app.db).filter(\.$revokedAt != nil).count()
            #expect(revoked == 2)
            let audit = try await app.db.sql().raw("SELECT action FROM audit_entries WHERE action = 'auth.refresh_reuse'")
                .all()
            #expect(audit.count == 1)
        }
    }

    @Test func logout_revokes_the_refresh_token() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let session = try await client.register()
            let out = try await client.send(.POST, "/api/v1/auth/logout", json: ["refreshToken": .string(session.refreshToken)])
            #expect(out.status == .noContent)
            let refresh = try await client.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": .string(session.refreshToken)])
            #expect(refresh.status == .unauthorized)
            let unknown = try await client.send(.POST, "/api/v1/auth/logout", json: ["refreshToken": "made-up"])
            #expect(unknown.status == .unauthorized)
        }
    }

    @Test func repeated_failures_are_rate_limited_per_account() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            _ = try await client.register("target@example.com")
            for _ in 0..<5 {
                let r = try await client.send(.POST, "/api/v1/auth/login", json: ["email": "target@example.com", "password": "guess guess guess"])
                #expect(r.status == .unauthorized)
            }
            let limited = try await client.send(.POST, "/api/v1/auth/login", json: ["email": "target@example.com", "password": "correct horse battery"])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limited")
            let retryAfter = try #require(limited.headers.first(name: .retryAfter).flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
            let failures = try await app.db.sql().raw("SELECT action FROM audit_entries WHERE action = 'auth.login_failed'").all()
            #expect(failures.count == 5)
        }
    }

    @Test func rate_limit_also_applies_per_client_address() async throws {
        try await withApp { app in
            // Five different unknown accounts from one address exhaust that address's allowance.
            for i in 0..<5 {
                try await app.write { db in
                    try await LoginFailure(email: "probe\(i)@example.com", clientAddress: "203.0.113.9", at: Date()).create(on: db)
                }
            }
            await #expect(throws: APIError.self) {
                try await LoginRateLimiter.check(email: "fresh@example.com", clientAddress: "203.0.113.9", on: app.db)
            }
            try await LoginRateLimiter.check(email: "fresh@example.com", clientAddress: "198.51.100.1", on: app.db)
        }
    }
}

@Suite struct LoginLimitTests {
    /// The attempt is counted before the password is checked, so a burst cannot slip past the count.
    @Test func fifty_parallel_wrong_passwords_meet_the_limit_after_five() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            // A success drops its reservation: six good sign-ins in a row are never limited.
            _ = try await client.register("fine@example.com")
            for _ in 0..<6 {
                #expect(try await client.send(.POST, "/api/v1/auth/login", json: ["email": "fine@example.com", "password": "correct horse battery"]).status == .ok)
            }
            _ = try await client.register("burst@example.com")
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await client.send(.POST, "/api/v1/auth/login", json: ["email": "burst@example.com", "password": "wrong wrong wrong"]).status }
                }
                var out: [HTTPStatus] = []
                for try await s in group { out.append(s) }
                return out
            }
            // At most five passwords were checked and the limit answered; on a loaded machine a request may also meet
            // 503 (the connection pool is busy: retry), which checks nothing either. How many meet 503 rather than 429
            // depends on the machine's load (the PostgreSQL run under the whole suite saw 9), so only their sum is fixed.
            let checked = statuses.filter { $0 == .unauthorized }.count, limited = statuses.filter { $0 == .tooManyRequests }.count
            let busy = statuses.filter { $0 == .serviceUnavailable }.count
            #expect(checked <= 5 && checked + limited + busy == 50 && limited > 0, "\(statuses.map(\.code))")
        }
    }

    @Test func the_client_is_the_rightmost_address_no_trusted_proxy_wrote() {
        let loopback = AddressBlock.loopback
        #expect(ClientAddress.resolve(hops: ["6.6.6.6", "203.0.113.7"], peer: "127.0.0.1", trusted: loopback) == "203.0.113.7")
        #expect(ClientAddress.resolve(hops: ["6.6.6.6"], peer: "198.51.100.2", trusted: loopback) == "198.51.100.2", "an untrusted peer's header counts for nothing")
        let two = [AddressBlock("10.0.0.0/8"), AddressBlock("::1"), AddressBlock("127.0.0.1")].compactMap { $0 }
        #expect(ClientAddress.resolve(hops: ["6.6.6.6", "203.0.113.7", "10.1.2.3"], peer: "127.0.0.1", trusted: two) == "203.0.113.7")
        #expect(ClientAddress.resolve(hops: ["<script>"], peer: "127.0.0.1", trusted: loopback) == "127.0.0.1", "garbage stops at the proxy")
        #expect(ClientAddress.resolve(hops: ["[2001:db8::1]:443"], peer: "::1", trusted: loopback) == "2001:db8::1")
        #expect(ClientAddress.resolve(hops: ["\"198.51.100.9:8080\""], peer: "::ffff:127.0.0.1", trusted: loopback) == "198.51.100.9")
        #expect(ClientAddress.resolve(hops: [], peer: "127.0.0.1", trusted: loopback) == "127.0.0.1")
        #expect(AddressBlock("10.0.0.0/33") == nil && AddressBlock("proxy") == nil && AddressBlock("fd00::/8") != nil)
        #expect(throws: StartupError.self) { try AppConfig.fromEnvironment(["FINSYNC_TRUSTED_PROXIES": "10.0.0.0/8,haproxy"], production: false) }
    }
}

extension Data {
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension Application {
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await store.write(on: db, body)
    }
}

@Suite struct PasswordPoolTests {
    /// bcrypt runs on threads of its own, so a burst of sign-ins never queues the database's work behind it: the
    /// application has a pool for it apart from the shared one, and hashes made there verify.
    @Test func bcrypt_does_not_run_on_the_shared_pool() async throws {
        try await withApp { app in
            #expect(app.passwordPool !== app.threadPool)
            let hash = try await app.password.sync.async(on: app.passwordPool, hopTo: app.eventLoopGroup.next()).hash("a password")
            #expect(try app.password.verify("a password", created: hash))
        }
    }
}

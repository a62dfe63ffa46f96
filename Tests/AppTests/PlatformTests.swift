@testable import App
import Foundation
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct PlatformTests {
    @Test func request_id_and_security_headers_are_on_every_response() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            for path in ["/health", "/no/such/route"] {
                let r = try await client.send(.GET, path, headers: ["X-Request-ID": "trace-42"])
                #expect(r.headers.first(name: "X-Request-ID") == "trace-42")
                #expect(r.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                #expect(r.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(r.headers.first(name: "Referrer-Policy") != nil)
                #expect(r.headers.first(name: "Strict-Transport-Security") == nil)
            }
            // An id with line breaks or spaces is not echoed into logs and headers; a fresh one is made.
            let odd = try await client.send(.GET, "/health", headers: ["X-Request-ID": "bad id\r\nx"])
            #expect(odd.headers.first(name: "X-Request-ID")?.contains(" ") == false)
        }
    }

    @Test func unknown_route_wrong_method_and_malformed_json_use_the_error_shape() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let missing = try await client.send(.GET, "/api/v1/nothing-here")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")

            let wrong = try await client.send(.DELETE, "/api/v1/auth/login")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers.first(name: .allow) == "POST")

            let malformed = try await client.send(.POST, "/api/v1/auth/register", raw: "{\"email\": \"a@b.co\",\n \"name\": tru}")
            #expect(malformed.status == .badRequest)
            #expect(malformed.json["error"]?["message"]?.stringValue?.contains("line 2, column 13") == true)

            let empty = try await client.send(.POST, "/api/v1/auth/register")
            #expect(empty.status == .badRequest)

            let notObject = try await client.send(.POST, "/api/v1/auth/register", raw: "[1,2]")
            #expect(notObject.status == .unprocessableEntity)

            let allBad = try await client.send(.POST, "/api/v1/auth/register",
                                               json: ["email": "not-an-email", "password": .int(1234567890), "extra": true])
            #expect(allBad.status == .unprocessableEntity)
            #expect(Set(allBad.errorFields) == ["email", "password", "name", "extra"])
        }
    }

    @Test func body_over_the_limit_is_413() async throws {
        try await withApp { app in
            app.http.server.configuration.port = 0
            let tester = try app.testing(method: .running(port: 0))
            let big = ByteBuffer(string: "{\"name\":\"" + String(repeating: "x", count: 2_000_000) + "\"}")
            let r = try await tester.sendRequest(.POST, "/api/v1/auth/register", headers: ["Content-Type": "application/json"], body: big)
            #expect(r.status == .payloadTooLarge)
            #expect(r.body.string.contains("payload_too_large"))
        }
    }

    @Test func internal_errors_never_leak_details() async throws {
        try await withApp { app in
            struct Leaky: Error, CustomStringConvertible {
                var description: String { "SQL error near SELECT * FROM users at /work/main/Sources/App/x.swift:12" }
            }
            app.grouped("api", "v1").on(.GET, "boom", api: .init(summary: "test", tag: "Test", access: .open)) { _ -> String in throw Leaky() }
            let r = try await TestClient(app: app).send(.GET, "/api/v1/boom", headers: ["X-Request-ID": "boom-1"])
            #expect(r.status == .internalServerError)
            #expect(r.errorCode == "internal_error")
            #expect(!r.text.contains("SELECT") && !r.text.contains(".swift"))
            #expect(r.text.contains("boom-1"))
        }
    }

    @Test func an_exhausted_connection_pool_is_a_503_to_retry() async throws {
        try await withApp { app in
            app.grouped("api", "v1").on(.GET, "busy", api: .init(summary: "test", tag: "Test", access: .open)) { _ -> String in
                throw ConnectionPoolTimeoutError.connectionRequestTimeout
            }
            let r = try await TestClient(app: app).send(.GET, "/api/v1/busy")
            #expect(r.status == .serviceUnavailable)
            #expect(r.errorCode == "busy")
            #expect(r.headers.first(name: .retryAfter) == "1")
        }
    }

    @Test func health_ready_and_metrics() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            #expect(try await client.send(.GET, "/health").json == ["status": "ok"])
            #expect(try await client.send(.GET, "/ready").json == ["status": "ready"])
            _ = try await client.send(.GET, "/api/v1/me")
            let metrics = try await client.send(.GET, "/metrics")
            #expect(metrics.text.contains(#"finsync_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1"#))
            #expect(metrics.text.contains("finsync_http_request_duration_seconds_bucket"))
        }
    }

    @Test func cors_allows_only_configured_origins() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-cors-\(UUID())").path
        var config = try AppConfig.fromEnvironment(
            ["FINSYNC_DATA_DIR": dir, "FINSYNC_CORS_ORIGINS": "https://books.example.in"], production: false)
        config.jwtSecret = String(repeating: "s", count: 32)
        config.passwordCost = 4
        let app = try await Application.makeForTesting()
        do {
            try await configure(app, config: config)
            let client = TestClient(app: app)
            let ok = try await client.send(.OPTIONS, "/api/v1/me", headers: [
                "Origin": "https://books.example.in", "Access-Control-Request-Method": "GET",
            ])
            #expect(ok.headers.first(name: "Access-Control-Allow-Origin") == "https://books.example.in")
            let other = try await client.send(.OPTIONS, "/api/v1/me", headers: [
                "Origin": "https://evil.example", "Access-Control-Request-Method": "GET",
            ])
            #expect(other.headers.first(name: "Access-Control-Allow-Origin") != "https://evil.example")
        } catch {
            Issue.record(error)
        }
        try await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func demo_is_created_once() async throws {
        try await withApp { app in
            let first = try await DemoData.seed(app)
            let second = try await DemoData.seed(app)
            #expect(first.companyID == second.companyID)
            // The GST year includes monthly advances and their adjustments, so the returns show tables 11A and 11B.
            struct Count: Decodable { var n: Int }
            for kind in ["advance-receipt", "advance-adjustment"] {
                let n = try await app.db.sql().raw("SELECT COUNT(*) AS n FROM invoices WHERE kind = \(bind: kind)").first(decoding: Count.self)?.n ?? 0
                #expect(n > 0, "\(kind)")
            }
            // Inventory: a second godown, a transfer and a production run, batch-wise sales.
            for (sql, least) in [("SELECT COUNT(*) AS n FROM godowns", 2), ("SELECT COUNT(*) AS n FROM stock_journals WHERE kind IN ('transfer', 'production')", 2),
                                 ("SELECT COUNT(*) AS n FROM stock_movements WHERE batch_id IS NOT NULL AND quantity_milli < 0", 10)] {
                let n = try await app.db.sql().raw(SQLQueryString(sql)).first(decoding: Count.self)?.n ?? 0
                #expect(n >= least, "\(sql): \(n)")
            }
            let login = try await TestClient(app: app).send(.POST, "/api/v1/auth/login",
                                                            json: ["email": .string(first.email), "password": .string(first.password)])
            #expect(login.status == .ok)
        }
    }
}

@Suite struct ConfigTests {
    @Test func malformed_database_urls_name_the_setting() {
        for (raw, fragment) in [
            ("mysql://u:p@h/db", "scheme 'mysql'"), ("postgres://u:p@/db", "no host"), ("postgres://u:p@host", "no database"),
            ("not a url", "DATABASE_URL"),
        ] {
            #expect(throws: StartupError.self) { try AppConfig.parseDatabaseURL(raw) }
            do {
                _ = try AppConfig.parseDatabaseURL(raw)
            } catch {
                #expect(error.setting == "DATABASE_URL")
                #expect("\(error)".contains(fragment), "\(error)")
            }
        }
        #expect(throws: Never.self) { try AppConfig.parseDatabaseURL("postgres://u:p@127.0.0.1:5432/finsync") }
    }

    @Test func other_settings_are_checked() {
        #expect(throws: StartupError.self) { try AppConfig.fromEnvironment(["FINSYNC_MAX_BODY_BYTES": "lots"], production: false) }
        #expect(throws: StartupError.self) { try AppConfig.fromEnvironment(["FINSYNC_JWT_SECRET": "short"], production: false) }
        #expect(throws: StartupError.self) { try AppConfig.fromEnvironment(["LOG_LEVEL": "loud"], production: false) }
        let defaults = try? AppConfig.fromEnvironment([:], production: false)
        #expect(defaults?.dataDirectory == "./data")
        #expect(defaults?.maxBodySize == 1_048_576)
    }

    @Test func unwritable_data_directory_fails_in_one_line() throws {
        var config = try AppConfig.fromEnvironment(["FINSYNC_DATA_DIR": "/dev/null/finsync"], production: false)
        config.jwtSecret = nil
        #expect(throws: StartupError.self) { try DataDirectory.prepare(config) }
    }

    @Test func unreachable_postgres_fails_with_one_line() async throws {
        var config = try AppConfig.fromEnvironment(
            ["FINSYNC_DATA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("fs-\(UUID())").path,
             "DATABASE_URL": "postgres://nobody:pw@127.0.0.1:1/finsync"], production: false)
        config.passwordCost = 4
        let app = try await Application.makeForTesting()
        do {
            try await configure(app, config: config)
            try await DatabaseStartup.migrate(app)
            Issue.record("migration against a closed port succeeded")
        } catch let error as StartupError {
            #expect(error.setting == "DATABASE_URL")
            #expect(error.problem.contains("127.0.0.1:1"))
            #expect(error.problem.contains("not reachable"))
            #expect(!error.description.contains("\n"))
        }
        try await app.asyncShutdown()
    }
}

@Suite struct IdempotencyTests {
    @Test func a_retried_write_returns_the_first_result_and_does_nothing_more() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let body: JSONValue = ["type": "sales", "date": "2026-05-01",
                                   "entries": [BooksFixture.entry("Sharma Traders", dr: "10.00"), BooksFixture.entry("Sales", cr: "10.00")]]
            let first = try await f.client.send(.POST, "\(f.base)/vouchers", token: f.owner.accessToken, json: body, headers: ["Idempotency-Key": "k-1"])
            let again = try await f.client.send(.POST, "\(f.base)/vouchers", token: f.owner.accessToken, json: body, headers: ["Idempotency-Key": "k-1"])
            #expect(first.status == .created)
            #expect(again.status == .created)
            #expect(again.json == first.json)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try await f.get("vouchers").json["items"]?.arrayValue.count == 1)

            let different = try await f.client.send(.POST, "\(f.base)/vouchers", token: f.owner.accessToken,
                                                    json: ["type": "sales", "date": "2026-05-02", "entries": []], headers: ["Idempotency-Key": "k-1"])
            #expect(different.status == .unprocessableEntity)
            #expect(different.errorCode == "idempotency_key_reused")
            let bad = try await f.client.send(.POST, "\(f.base)/vouchers", token: f.owner.accessToken, json: body,
                                              headers: ["Idempotency-Key": String(repeating: "x", count: 201)])
            #expect(bad.errorFields == ["Idempotency-Key"])
            // Without a key the same request posts again, as any retry would.
            #expect(try await f.client.send(.POST, "\(f.base)/vouchers", token: f.owner.accessToken, json: body).status == .created)
        }
    }

    @Test func twenty_concurrent_requests_with_one_key_make_one_voucher_and_nineteen_replays() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let body: JSONValue = ["type": "sales", "date": "2026-05-01",
                                   "entries": [BooksFixture.entry("Sharma Traders", dr: "10.00"), BooksFixture.entry("Sales", cr: "10.00")]]
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await f.client.send(.POST, "\(f.base)/vouchers", token: f.owner.accessToken, json: body, headers: ["Idempotency-Key": "race"]) }
                }
                var all: [TestResponse] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(answers.map(\.status.code) == Array(repeating: 201, count: 20), "\(answers.map(\.text))")
            #expect(answers.filter { $0.headers.first(name: "Idempotent-Replayed") == "true" }.count == 19)
            #expect(Set(answers.compactMap { $0.json["id"]?.stringValue }).count == 1)
            #expect(try await f.get("vouchers").json["items"]?.arrayValue.count == 1)
        }
    }

    @Test func the_key_covers_the_query_and_a_replay_goes_only_to_who_may_still_ask() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let clerk = try await f.client.register("clerk@example.com")
            #expect(try await f.client.addMember(f.owner, company: f.company, email: "clerk@example.com", role: "accountant").status == .created)
            let body: JSONValue = ["type": "sales", "date": "2026-05-01",
                                   "entries": [BooksFixture.entry("Sharma Traders", dr: "10.00"), BooksFixture.entry("Sales", cr: "10.00")]]
            let first = try await f.client.send(.POST, "\(f.base)/vouchers", token: clerk.accessToken, json: body, headers: ["Idempotency-Key": "k"])
            #expect(first.status == .created)
            let otherQuery = try await f.client.send(.POST, "\(f.base)/vouchers?draft=1", token: clerk.accessToken, json: body, headers: ["Idempotency-Key": "k"])
            #expect(otherQuery.errorCode == "idempotency_key_reused")
            #expect(try await f.client.send(.DELETE, "\(f.base)/members/\(clerk.userID)", token: f.owner.accessToken).status.code < 300)
            let replay = try await f.client.send(.POST, "\(f.base)/vouchers", token: clerk.accessToken, json: body, headers: ["Idempotency-Key": "k"])
            #expect(replay.status == .notFound, "a removed member was answered \(replay.status.code)")
        }
    }
}

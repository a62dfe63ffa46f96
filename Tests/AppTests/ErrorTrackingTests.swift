@testable import App
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@Suite struct ErrorTrackingTests {
    /// A Sentry stand-in on loopback: takes envelopes at /api/42/envelope/ and keeps what it was sent.
    final class FakeSentry: Sendable {
        let received = NIOLockedValueBox<[(auth: String, body: String)]>([])
        let app: Application
        let port: Int

        init() async throws {
            app = try await Application.makeForTesting()
            app.logger.logLevel = .critical
            let received = self.received
            app.on(.POST, "api", "42", "envelope", body: .collect(maxSize: "1mb")) { req -> HTTPStatus in
                let body = req.body.string ?? ""
                received.withLockedValue { $0.append((req.headers.first(name: "X-Sentry-Auth") ?? "", body)) }
                return .ok
            }
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            port = app.http.server.shared.localAddress?.port ?? 0
        }

        func stop() async throws {
            await app.server.shutdown()
            try await app.asyncShutdown()
        }
    }

    @Test func server_errors_are_recorded_counted_listed_and_sent_to_sentry_without_secrets() async throws {
        let sentry = try await FakeSentry()
        do {
            try await withApp { app in
                let dsn = try #require(SentryDSN("http://publickey@127.0.0.1:\(sentry.port)/42"))
                #expect(dsn.envelopeURL == "http://127.0.0.1:\(sentry.port)/api/42/envelope/")
                app.errorTracker = ErrorTracker(registry: app.metricsRegistry, sentry: dsn)
                app.get("boom") { _ -> String in throw CorruptStoredValue(what: "date", value: "x password=hunter2 postgres://u:pw@db/x") }
                let client = TestClient(app: app)
                let r = try await client.send(.GET, "/boom", headers: ["Accept": "application/json", "X-Request-ID": "req-boom-1"])
                #expect(r.status == .internalServerError)
                #expect(!r.text.contains("hunter2") && !r.text.contains("CorruptStoredValue"))
                // A client mistake is not an error event.
                #expect(try await client.send(.GET, "/api/v1/me").status == .unauthorized)

                let events = try await ErrorTracker.list(since: nil, on: app.db.sql())
                #expect(events.count == 1)
                let e = try #require(events.first)
                #expect(e.route == "/boom" && e.status == 500 && e.method == "GET")
                #expect(e.type.hasSuffix("CorruptStoredValue"))
                #expect(!e.message.contains("hunter2") && !e.message.contains("pw@db"))
                #expect(e.message.contains("[redacted]"))
                let metrics = try await client.send(.GET, "/metrics").text
                #expect(metrics.contains("finsync_errors_total{type=\"App.CorruptStoredValue\"} 1"), "\(metrics.prefix(2000))")

                var got: [(auth: String, body: String)] = []
                for _ in 0..<100 where got.isEmpty {
                    try await Task.sleep(for: .milliseconds(50))
                    got = sentry.received.withLockedValue { $0 }
                }
                let sent = try #require(got.first)
                #expect(sent.auth.contains("sentry_key=publickey") && sent.auth.contains("sentry_version=7"))
                let lines = sent.body.split(separator: "\n").map(String.init)
                #expect(lines.count == 3)
                let header = try JSONDecoder().decode(JSONValue.self, from: Data(lines[0].utf8))
                let item = try JSONDecoder().decode(JSONValue.self, from: Data(lines[1].utf8))
                let event = try JSONDecoder().decode(JSONValue.self, from: Data(lines[2].utf8))
                #expect(header["event_id"]?.stringValue?.count == 32)
                #expect(item["type"]?.stringValue == "event")
                #expect(item["length"]?.intValue == Int64(lines[2].utf8.count))
                #expect(event["event_id"] == header["event_id"])
                #expect(event["exception"]?["values"]?[0]?["type"]?.stringValue?.hasSuffix("CorruptStoredValue") == true)
                #expect(event["tags"]?["route"]?.stringValue == "/boom")
                #expect(!sent.body.contains("hunter2"))
            }
        } catch {
            try await sentry.stop()
            throw error
        }
        try await sentry.stop()
    }

    @Test func a_dsn_must_name_a_key_a_host_and_a_project() {
        #expect(SentryDSN("https://k@o1.ingest.example.com/123")?.envelopeURL == "https://o1.ingest.example.com/api/123/envelope/")
        #expect(SentryDSN("https://o1.example.com/123") == nil)
        #expect(SentryDSN("https://k@o1.example.com/") == nil)
        #expect(SentryDSN("ftp://k@h/1") == nil)
        #expect(SentryDSN("not a dsn") == nil)
    }
}

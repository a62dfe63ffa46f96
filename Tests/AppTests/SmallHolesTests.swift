@testable import App
import Fluent
import Foundation
import Testing
import Vapor

/// The smaller holes: where sign-in may send you, names that look alike, who may read /metrics.
@Suite struct SmallHolesTests {
    @Test func after_sign_in_next_is_only_ever_a_local_path() {
        #expect(WebAuthController.safeNext("/app/c/123?tab=ledgers") == "/app/c/123?tab=ledgers")
        for forged in ["//evil.example", "/\\evil.example", "/\tevil.example", "/\n/evil.example", "/\r\n/evil.example",
                       "https://evil.example", "/ /evil.example", "/\u{0B}/evil.example", "evil.example", "", "/\\/evil"] {
            #expect(WebAuthController.safeNext(forged) == "", "\(forged.debugDescription) must not be followed")
        }
    }

    @Test func names_and_emails_that_look_the_same_are_the_same() async throws {
        #expect("Caf\u{0065}\u{0301}".comparisonKey == "Café".comparisonKey)
        #expect("Ca\u{200B}sh".comparisonKey == "cash")
        #expect("\u{FEFF}Priya@Example.com ".normalisedEmail == "priya@example.com")
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let first = try await f.post("ledgers", ["name": "Café Supplies", "group": "Sundry Creditors"])
            #expect(first.status == .created, "\(first.text)")
            // The same name typed with a combining accent and a zero-width space is the same ledger name.
            let lookalike = try await f.post("ledgers", ["name": "Cafe\u{0301} Sup\u{200B}plies", "group": "Sundry Creditors"])
            #expect(lookalike.status == .conflict || lookalike.errorFields == ["name"], "\(lookalike.text)")
        }
    }

    @Test func metrics_need_the_bearer_token_when_one_is_set() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            #expect(try await client.send(.GET, "/metrics").status == .ok)
            app.config.metricsToken = "scrape-secret-0123456789"
            #expect(try await client.send(.GET, "/metrics").status == .unauthorized)
            #expect(try await client.send(.GET, "/metrics", token: "wrong").status == .unauthorized)
            let ok = try await client.send(.GET, "/metrics", token: "scrape-secret-0123456789")
            #expect(ok.status == .ok && ok.text.contains("# TYPE"))
        }
    }
}

/// Collects what reaches it, for checking what a log would have shown.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); defer { lock.unlock() }; lines.append(line) }
    var text: String { lock.lock(); defer { lock.unlock() }; return lines.joined(separator: "\n") }

    struct Handler: LogHandler {
        let sink: CapturedLog
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            sink.append("\(source) \(message) \(metadata ?? [:]) \(self.metadata)")
        }
    }
}

@Suite struct QueryLogTests {
    @Test func bound_values_of_auth_queries_never_reach_the_log_even_at_trace() async throws {
        try await withApp { app in
            let unfiltered = CapturedLog(), filtered = CapturedLog()
            let email = "secret-\(UUID().uuidString.prefix(8))@example.com"
            for (sink, filter) in [(unfiltered, false), (filtered, true)] {
                let logger = Logger(label: "test.sql") { _ in
                    filter ? QueryLogFilter(inner: CapturedLog.Handler(sink: sink)) as any LogHandler : CapturedLog.Handler(sink: sink)
                }
                // On SQLite our own connections log no statements at all; Fluent's driver (migrations) still does.
                let db = try #require(app.databases.database(TestDatabase.isPostgres ? nil : .sqlite, logger: logger, on: app.eventLoopGroup.any()))
                _ = try await User.query(on: db).filter(\.$email == email).first()
            }
            // Without the filter the database libraries would have logged the email; with it, nothing of it.
            #expect(unfiltered.text.contains(email), "the probe must see what the libraries log")
            #expect(!filtered.text.contains(email), "\(filtered.text.prefix(500))")
        }
    }
}

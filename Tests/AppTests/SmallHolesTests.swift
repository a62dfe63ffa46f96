@testable import App
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

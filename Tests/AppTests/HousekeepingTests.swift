@testable import App
import Foundation
import SQLKit
import Testing
import Vapor

@Suite struct HousekeepingTests {
    @Test func expired_keys_failures_and_tokens_are_purged_and_recent_ones_kept() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let body: JSONValue = ["type": "sales", "date": "2026-05-01",
                                   "entries": [BooksFixture.entry("Sharma Traders", dr: "10.00"), BooksFixture.entry("Sales", cr: "10.00")]]
            #expect(try await f.client.send(.POST, "\(f.base)/vouchers", token: f.owner.accessToken, json: body, headers: ["Idempotency-Key": "old"]).status == .created)
            #expect(try await f.client.send(.POST, "\(f.base)/vouchers", token: f.owner.accessToken, json: body, headers: ["Idempotency-Key": "new"]).status == .created)
            let sql = app.db.sql()
            let twoDaysAgo = Date().addingTimeInterval(-2 * 86_400)
            try await sql.raw("UPDATE idempotency_keys SET created_at = \(bind: twoDaysAgo) WHERE key = 'old'").run()
            // A failed sign-in now, and one from yesterday.
            _ = try await f.client.send(.POST, "/api/v1/auth/login", json: ["email": "nobody@example.com", "password": "wrong password here"])
            try await sql.raw("INSERT INTO login_failures (id, email, client_address, at) VALUES (\(bind: UUID()), 'x@example.com', '1.2.3.4', \(bind: twoDaysAgo))").run()
            let purged = try await Housekeeping.purge(on: app.db)
            #expect(purged.idempotencyKeys == 1 && purged.loginFailures == 1)
            struct K: Decodable { var key: String }
            #expect(try await sql.raw("SELECT key FROM idempotency_keys").all(decoding: K.self).map(\.key) == ["new"])
            struct N: Decodable { var n: Int64 }
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM login_failures").first(decoding: N.self)?.n == 1)
            // Refresh tokens past their expiry go; the owner's live one stays and still works.
            let purgedLater = try await Housekeeping.purge(on: app.db, now: Date().addingTimeInterval(400 * 86_400))
            #expect(purgedLater.refreshTokens >= 1)
            #expect(try await Housekeeping.purge(on: app.db) == Housekeeping.Purged())
            // Nothing of the books went: the voucher replays are gone, the vouchers are not.
            #expect(try await f.get("vouchers").json["items"]?.arrayValue.count == 2)
        }
    }
}

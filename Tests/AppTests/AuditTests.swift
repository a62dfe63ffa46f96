@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite struct AuditTests {
    @Test func every_write_is_chained_with_before_and_after() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let company = try await client.createCompany(owner, name: "Before Ltd")
            _ = try await client.send(.PATCH, "/api/v1/companies/\(company)", token: owner.accessToken,
                                      json: ["name": "After Ltd"], headers: ["X-Request-ID": "req-audit-1"])
            let log = try await client.send(.GET, "/api/v1/companies/\(company)/audit-log", token: owner.accessToken)
            let items = try #require(log.json["items"]?.arrayValue)
            #expect(items.map { $0["action"]?.stringValue } == ["company.update", "member.add", "company.create"])
            let update = items[0]
            #expect(update["before"]?["name"]?.stringValue == "Before Ltd")
            #expect(update["after"]?["name"]?.stringValue == "After Ltd")
            #expect(update["requestId"]?.stringValue == "req-audit-1")
            #expect(update["actorId"]?.stringValue?.lowercased() == owner.userID.lowercased())
            #expect(update["seq"]?.intValue == 3)

            let rows = try await app.db.sql().raw("SELECT * FROM audit_entries WHERE chain_key = \(bind: company.lowercased()) ORDER BY seq")
                .all(decoding: AuditRow.self)
            #expect(rows[0].prevHash == AuditLog.genesisHash)
            #expect(rows[1].prevHash == rows[0].hash)
            #expect(rows.allSatisfy { $0.hash == $0.computedHash })

            let verify = try await client.send(.GET, "/api/v1/companies/\(company)/audit-log/verify", token: owner.accessToken)
            #expect(verify.json == ["ok": true, "entries": .int(3)])
        }
    }

    @Test func filters_and_paging() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let company = try await client.createCompany(owner)
            for i in 0..<5 {
                _ = try await client.send(.PATCH, "/api/v1/companies/\(company)", token: owner.accessToken, json: ["name": .string("Name \(i)")])
            }
            let base = "/api/v1/companies/\(company)/audit-log"
            let page1 = try await client.send(.GET, base + "?limit=3", token: owner.accessToken)
            #expect(page1.json["items"]?.arrayValue.count == 3)
            let cursor = try #require(page1.json["nextCursor"]?.stringValue)
            let page2 = try await client.send(.GET, base + "?limit=3&cursor=\(cursor)", token: owner.accessToken)
            #expect(page2.json["items"]?.arrayValue.count == 3)
            #expect(page2.json["nextCursor"]?.stringValue == "2")
            let page3 = try await client.send(.GET, base + "?limit=3&cursor=2", token: owner.accessToken)
            #expect(page3.json["items"]?.arrayValue.count == 1)
            #expect(page3.json["nextCursor"] == .null)

            let updates = try await client.send(.GET, base + "?action=company.update&entityType=company", token: owner.accessToken)
            #expect(updates.json["items"]?.arrayValue.count == 5)
            let byActor = try await client.send(.GET, base + "?actor=\(owner.userID)", token: owner.accessToken)
            #expect(byActor.json["items"]?.arrayValue.count == 7)
            let today = AuditTimestamp.string(from: Date()).prefix(10)
            let dated = try await client.send(.GET, base + "?from=\(today)&to=\(today)", token: owner.accessToken)
            #expect(dated.json["items"]?.arrayValue.count == 7)
            let past = try await client.send(.GET, base + "?to=2020-01-01", token: owner.accessToken)
            #expect(past.json["items"]?.arrayValue.count == 0)

            let bad = try await client.send(.GET, base + "?limit=0&actor=bob&from=2026-13-01&cursor=x", token: owner.accessToken)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.errorFields) == ["limit", "actor", "from", "cursor"])
        }
    }

    @Test func a_row_edited_in_the_database_is_named_by_verify() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let company = try await client.createCompany(owner)
            for i in 0..<3 {
                _ = try await client.send(.PATCH, "/api/v1/companies/\(company)", token: owner.accessToken, json: ["name": .string("N\(i)")])
            }
            let sql = app.db.sql()
            let target = try await sql.raw("SELECT * FROM audit_entries WHERE chain_key = \(bind: company.lowercased()) AND seq = 3")
                .first(decoding: AuditRow.self)
            let id = try #require(target?.id)
            // Simulates someone with direct database access: the append-only triggers must be bypassed first.
            if TestDatabase.isPostgres {
                try await sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_entries_no_update").run()
            }
            try await sql.raw("UPDATE audit_entries SET after_json = '{\"name\":\"Forged\"}' WHERE id = \(bind: id)").run()

            let verify = try await client.send(.GET, "/api/v1/companies/\(company)/audit-log/verify", token: owner.accessToken)
            #expect(verify.json["ok"]?.boolValue == false)
            #expect(verify.json["brokenAt"]?.stringValue == id.uuidString.lowercased())
            #expect(verify.json["reason"]?.stringValue?.contains("altered") == true)

            // Put it back so the per-test invariant (every chain verifies) holds for the rest.
            try await sql.raw("UPDATE audit_entries SET after_json = \(bind: target!.afterJSON) WHERE id = \(bind: id)").run()
            if TestDatabase.isPostgres {
                try await sql.raw("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only").run()
            }
        }
    }

    @Test func verification_resumes_from_its_checkpoint_and_the_full_walk_still_sees_everything() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let company = try await client.createCompany(owner)
            let verify = "/api/v1/companies/\(company)/audit-log/verify"
            for i in 0..<3 { _ = try await client.send(.PATCH, "/api/v1/companies/\(company)", token: owner.accessToken, json: ["name": .string("N\(i)")]) }
            let first = try await client.send(.GET, verify, token: owner.accessToken)
            #expect(first.json["ok"]?.boolValue == true)
            let n = try #require(first.json["entries"]?.intValue)
            struct C: Decodable { var seq: Int64 }
            let sql = app.db.sql()
            #expect(try await sql.raw("SELECT seq FROM audit_checkpoints WHERE chain_key = \(bind: company.lowercased())").first(decoding: C.self) == nil,
                    "a GET does not write the checkpoint")
            try await Housekeeping.checkpointAuditChains(app)
            #expect(try await sql.raw("SELECT seq FROM audit_checkpoints WHERE chain_key = \(bind: company.lowercased())").first(decoding: C.self)?.seq == n)
            _ = try await client.send(.PATCH, "/api/v1/companies/\(company)", token: owner.accessToken, json: ["name": "N9"])
            let second = try await client.send(.GET, verify, token: owner.accessToken)
            #expect(second.json["entries"]?.intValue == n + 1)
            try await Housekeeping.checkpointAuditChains(app)
            #expect(try await sql.raw("SELECT seq FROM audit_checkpoints WHERE chain_key = \(bind: company.lowercased())").first(decoding: C.self)?.seq == n + 1)

            // An entry before the checkpoint altered: the incremental check passes it by, the full walk names it.
            let target = try #require(try await sql.raw("SELECT * FROM audit_entries WHERE chain_key = \(bind: company.lowercased()) AND seq = 2")
                .first(decoding: AuditRow.self))
            if TestDatabase.isPostgres {
                try await sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_entries_no_update").run()
            }
            try await sql.raw("UPDATE audit_entries SET after_json = '{\"name\":\"Forged\"}' WHERE id = \(bind: target.id)").run()
            #expect(try await client.send(.GET, verify, token: owner.accessToken).json["ok"]?.boolValue == true)
            let full = try await client.send(.GET, verify + "?full=true", token: owner.accessToken)
            #expect(full.json["ok"]?.boolValue == false && full.json["brokenAt"]?.stringValue == target.id.uuidString.lowercased())
            try await sql.raw("UPDATE audit_entries SET after_json = \(bind: target.afterJSON) WHERE id = \(bind: target.id)").run()
            // The checkpoint's own entry altered: the incremental check sees that at once.
            try await sql.raw("UPDATE audit_entries SET hash = 'x' || hash WHERE chain_key = \(bind: company.lowercased()) AND seq = \(bind: n + 1)").run()
            let broken = try await client.send(.GET, verify, token: owner.accessToken)
            #expect(broken.json["ok"]?.boolValue == false)
            #expect(broken.json["reason"]?.stringValue?.contains("no longer has the hash") == true)
            try await sql.raw("UPDATE audit_entries SET hash = substr(hash, 2) WHERE chain_key = \(bind: company.lowercased()) AND seq = \(bind: n + 1)").run()
            if TestDatabase.isPostgres {
                try await sql.raw("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only").run()
            }
        }
    }

    @Test func the_database_refuses_to_update_or_delete_audit_rows() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            _ = try await client.createCompany(try await client.register())
            let sql = app.db.sql()
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_entries SET action = 'x'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_entries").run() }
            struct Count: Decodable { var n: Int }
            let count = try await sql.raw("SELECT COUNT(*) AS n FROM audit_entries").first(decoding: Count.self)
            #expect(count?.n == 4)  // register, sign-in, company, owner membership
        }
    }

    @Test func sign_ins_go_to_the_platform_chain() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            _ = try await client.register("p@example.com")  // registers, then signs in
            _ = try await client.send(.POST, "/api/v1/auth/login", json: ["email": "p@example.com", "password": "wrong password!"])
            struct Row: Decodable { var action: String }
            let rows = try await app.db.sql().raw("SELECT action FROM audit_entries WHERE chain_key = 'platform' ORDER BY seq")
                .all(decoding: Row.self)
            #expect(rows.map(\.action) == ["auth.register", "auth.login", "auth.login_failed"])
            #expect(try await AuditLog.verify(chain: "platform", on: app.db) == .ok(entries: 3))
        }
    }

    @Test func concurrent_writes_keep_one_unbroken_chain() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let owner = try await client.register()
            let company = try await client.createCompany(owner)
            try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        try await client.send(.PATCH, "/api/v1/companies/\(company)", token: owner.accessToken,
                                              json: ["name": .string("Concurrent \(i)")]).status
                    }
                }
                for try await status in group { #expect(status == .ok) }
            }
            let chain = company.lowercased()
            #expect(try await AuditLog.verify(chain: chain, on: app.db) == .ok(entries: 22))
        }
    }
}

@testable import App
import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Signed anchors catch what hashes alone cannot: a cut tail, a truncated table, a consistent rewrite.
@Suite(.serialized) struct AuditAnchorTests {
    func company(_ app: Application, edits: Int) async throws -> (TestClient, TestClient.Session, String) {
        let client = TestClient(app: app)
        let owner = try await client.register()
        let company = try await client.createCompany(owner)
        for i in 0..<edits { _ = try await client.send(.PATCH, "/api/v1/companies/\(company)", token: owner.accessToken, json: ["name": .string("N\(i)")]) }
        return (client, owner, company)
    }

    func verify(_ client: TestClient, _ owner: TestClient.Session, _ company: String, full: Bool = false) async throws -> JSONValue {
        try await client.send(.GET, "/api/v1/companies/\(company)/audit-log/verify" + (full ? "?full=true" : ""), token: owner.accessToken).json
    }

    /// Plays the attacker with database access: the append-only triggers are lifted for `body`, then put back.
    func unguarded(_ app: Application, _ body: (any SQLDatabase) async throws -> Void) async throws {
        let sql = app.db.sql()
        if TestDatabase.isPostgres {
            try await sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER USER").run()
            try await body(sql)
            try await sql.raw("ALTER TABLE audit_entries ENABLE TRIGGER USER").run()
        } else {
            try await sql.raw("DROP TRIGGER audit_entries_no_update").run()
            try await sql.raw("DROP TRIGGER audit_entries_no_delete").run()
            try await body(sql)
            for op in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER audit_entries_no_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON audit_entries
                    BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END
                    """).run()
            }
        }
    }

    @Test func a_cut_tail_fails_against_the_anchor_and_later_entries_still_verify() async throws {
        try await withApp { app in
            let (client, owner, company) = try await company(app, edits: 4)
            let anchors = try await app.auditAnchors.anchor(on: app.db)
            let anchored = try #require(anchors.first { $0.chain == company.lowercased() })
            #expect(try await verify(client, owner, company)["ok"]?.boolValue == true)
            _ = try await client.send(.PATCH, "/api/v1/companies/\(company)", token: owner.accessToken, json: ["name": "After"])
            #expect(try await verify(client, owner, company)["ok"]?.boolValue == true, "entries after the anchor are fine")

            try await unguarded(app) { sql in
                try await sql.raw("DELETE FROM audit_entries WHERE chain_key = \(bind: company.lowercased()) AND seq >= \(bind: anchored.seq - 1)").run()
            }
            for full in [false, true] {
                let r = try await verify(client, owner, company, full: full)
                #expect(r["ok"]?.boolValue == false)
                #expect(r["reason"]?.stringValue?.contains("the chain ends at entry \(anchored.seq - 2) but reached entry \(anchored.seq)") == true, "\(r)")
            }
        }
    }

    @Test func the_table_refuses_truncate_and_a_truncated_table_fails_verification() async throws {
        try await withApp { app in
            let (client, owner, company) = try await company(app, edits: 2)
            try await app.auditAnchors.anchor(on: app.db)
            let sql = app.db.sql()
            if TestDatabase.isPostgres {
                await #expect(throws: (any Error).self) { try await sql.raw("TRUNCATE audit_entries").run() }
            }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_entries").run() }
            try await unguarded(app) { sql in
                try await sql.raw(TestDatabase.isPostgres ? "TRUNCATE audit_entries" : "DELETE FROM audit_entries").run()
            }
            let r = try await verify(client, owner, company)
            #expect(r["ok"]?.boolValue == false && r["reason"]?.stringValue?.contains("the chain ends at entry 0") == true, "\(r)")
            let platform = try await AuditLog.verifySinceCheckpoint(chain: AuditLog.platformChain, store: app.store, anchors: app.auditAnchors, on: app.db)
            guard case .broken(_, let reason) = platform else { Issue.record("the platform chain verified: \(platform)"); return }
            #expect(reason.contains("entries were removed"))
        }
    }

    @Test func a_rewritten_entry_or_a_forged_anchor_is_named() async throws {
        try await withApp { app in
            let (client, owner, company) = try await company(app, edits: 3)
            let anchor = try #require(try await app.auditAnchors.anchor(on: app.db).first { $0.chain == company.lowercased() })
            // The anchored entry's hash rewritten (as a consistent rewrite of the chain would have to).
            try await unguarded(app) { sql in
                try await sql.raw("UPDATE audit_entries SET hash = \(bind: String(repeating: "a", count: 64)) WHERE chain_key = \(bind: anchor.chain) AND seq = \(bind: anchor.seq)").run()
            }
            let rewritten = try await verify(client, owner, company)
            #expect(rewritten["reason"]?.stringValue?.contains("no longer has the hash anchored on") == true, "\(rewritten)")
            try await unguarded(app) { sql in
                try await sql.raw("UPDATE audit_entries SET hash = \(bind: anchor.hash) WHERE chain_key = \(bind: anchor.chain) AND seq = \(bind: anchor.seq)").run()
            }
            #expect(try await verify(client, owner, company)["ok"]?.boolValue == true)
            // An anchor signed with another key, appended later, is refused rather than trusted.
            var forged = try AuditAnchors(key: Curve25519.Signing.PrivateKey(), path: app.auditAnchors.path).sign(.init(chain: anchor.chain, seq: 1, hash: "x"))
            forged.seq = anchor.seq + 1
            try app.auditAnchors.append([forged])
            let r = try await verify(client, owner, company)
            #expect(r["ok"]?.boolValue == false && r["reason"]?.stringValue?.contains("does not carry this installation's signature") == true, "\(r)")
        }
    }

    @Test func the_key_is_kept_outside_the_database_and_backups_carry_anchors() async throws {
        try await withApp { app in
            let path = (app.config.dataDirectory as NSString).appendingPathComponent("audit-key")
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let again = try AuditAnchors.load(config: app.config)
            #expect(again.key.rawRepresentation == app.auditAnchors.key.rawRepresentation, "generated once, then read back")
            var config = app.config
            config.auditKey = "not a key"
            #expect(throws: StartupError.self) { try AuditAnchors.load(config: config) }
            config.auditKey = Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
            #expect(try AuditAnchors.load(config: config).key.rawRepresentation != app.auditAnchors.key.rawRepresentation)

            _ = try await company(app, edits: 1)
            guard case .sqlite = app.config.database else { return }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finsync-anchor-backup-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let manifest = try await Backup.run(app, to: dir)
            let anchors = try #require(manifest.anchors)
            #expect(!anchors.isEmpty && anchors.allSatisfy(app.auditAnchors.isGenuine))
            #expect(Set(anchors.map(\.chain)) == Set(manifest.chains.map(\.chain)))
            // Read back from the manifest file, the signatures still hold.
            let data = try Data(contentsOf: URL(fileURLWithPath: (dir as NSString).appendingPathComponent(manifest.file + ".manifest.json")))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            #expect(try decoder.decode(Backup.Manifest.self, from: data).anchors?.allSatisfy(app.auditAnchors.isGenuine) == true)
        }
    }
}

@Suite struct DeepVerifyTests {
    @Test func a_voucher_edited_in_the_database_is_named_by_the_deep_check() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let e = BooksFixture.entry
            let first = try await f.voucher("journal", "2026-06-15", [e("Rent", "100.00", nil), e("Sharma Traders", nil, "100.00")])
            let second = try await f.voucher("journal", "2026-06-16", [e("Rent", "5.00", nil), e("Sharma Traders", nil, "5.00")])
            let third = try await f.post("vouchers", ["type": "receipt", "date": "2026-06-17", "entries": [
                ["ledger": "HDFC Bank", "debit": "50.00"],
                ["ledger": "Sharma Traders", "credit": "50.00", "bills": [["type": "new", "reference": "R-1", "amount": "50.00"]]]]])
            #expect(third.status == .created, "\(third.text)")
            let ids = [first, second, third].map { $0.json["id"]?.stringValue ?? "" }
            _ = try await f.client.send(.PUT, "\(f.base)/vouchers/\(ids[1])", token: f.owner.accessToken,
                                        json: ["type": "journal", "date": "2026-06-16", "entries": [e("Rent", "6.00", nil), e("Sharma Traders", nil, "6.00")]])
            _ = try await f.post("vouchers/\(ids[0])/cancel", [:])
            var clean = try await BooksVerifier.deep(on: app.db)
            #expect(clean.differences.isEmpty && clean.checked == 3 && clean.untied == 0, "\(clean.differences)")

            // Someone with the database file changes an amount on both sides (the books still balance) …
            let sql = app.db.sql()
            try await sql.raw("UPDATE voucher_entries SET amount_paise = amount_paise * 2 WHERE voucher_id = \(bind: UUID(uuidString: ids[1])!) AND superseded = \(bind: false)").run()
            // … the date of another, and a bill allocation of the third.
            try await sql.raw("UPDATE bill_allocations SET amount_paise = amount_paise / 2 WHERE voucher_id = \(bind: UUID(uuidString: ids[2])!)").run()
            let found = try await BooksVerifier.deep(on: app.db)
            let numbers = [second, third].compactMap { $0.json["number"]?.stringValue }
            #expect(found.differences.count == 2, "\(found.differences)")
            for n in numbers { #expect(found.differences.contains { $0.description.hasPrefix("voucher \(n) ") }, "\(n) not named") }
            // Put back, so the checks after every test pass.
            try await sql.raw("UPDATE voucher_entries SET amount_paise = amount_paise / 2 WHERE voucher_id = \(bind: UUID(uuidString: ids[1])!) AND superseded = \(bind: false)").run()
            try await sql.raw("UPDATE bill_allocations SET amount_paise = amount_paise * 2 WHERE voucher_id = \(bind: UUID(uuidString: ids[2])!)").run()
            try await sql.raw("UPDATE vouchers SET date = '2026-06-18' WHERE id = \(bind: UUID(uuidString: ids[2])!)").run()
            #expect(try await BooksVerifier.deep(on: app.db).differences.count == 1)
            try await sql.raw("UPDATE vouchers SET date = '2026-06-17' WHERE id = \(bind: UUID(uuidString: ids[2])!)").run()
            clean = try await BooksVerifier.deep(on: app.db)
            #expect(clean.differences.isEmpty)
        }
    }
}

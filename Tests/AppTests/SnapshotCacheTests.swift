@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// A second `finsync serve` on the same database as `app` (same configuration, its own connections), for `body`.
func withSecondInstance(of app: Application, _ body: (Application) async throws -> Void) async throws {
    let second = try await Application.makeForTesting()
    second.logger.logLevel = .warning
    do {
        try await configure(second, config: app.config)
        try await body(second)
    } catch {
        try? await second.asyncShutdown()
        throw error
    }
    try await second.asyncShutdown()
}

/// The per-company snapshot (groups, ledgers, types, lock) answers posting and reports from memory; these tests change
/// the company behind its back — on another instance, or with SQL no part of the application sees — and check that
/// the next request answers from the new state.
@Suite struct SnapshotCacheTests {
    @Test func another_instances_rename_new_ledger_lock_and_role_change_are_seen_at_once() async throws {
        try await withApp { a in
            let f = try await BooksFixture.make(a)
            let clerkEmail = "clerk-\(UUID().uuidString.prefix(8))@example.com"
            let clerk = try await f.client.register(clerkEmail)
            #expect(try await f.client.addMember(f.owner, company: f.company, email: clerkEmail, role: "accountant").status == .created)

            try await withSecondInstance(of: a) { b in
                let onB = TestClient(app: b)
                func postOnB(_ session: TestClient.Session, debit: String, date: String = "2026-05-10") async throws -> TestResponse {
                    try await onB.send(.POST, "\(f.base)/vouchers", token: session.accessToken, json: [
                        "type": "payment", "date": .string(date),
                        "entries": [BooksFixture.entry(debit, dr: "100.00"), BooksFixture.entry("HDFC Bank", cr: "100.00")],
                    ])
                }
                // B posts first, so it holds the company's snapshot.
                #expect(try await postOnB(f.owner, debit: "Rent").status == .created)

                // A renames the ledger: B posts to the new name and refuses the old one.
                let renamed = try await f.client.send(.PATCH, "\(f.base)/ledgers/Rent", token: f.owner.accessToken, json: ["name": "Office Rent"])
                #expect(renamed.status == .ok, "\(renamed.text)")
                #expect(try await postOnB(f.owner, debit: "Office Rent").status == .created)
                let old = try await postOnB(f.owner, debit: "Rent")
                #expect(old.status == .unprocessableEntity && old.text.contains("Rent"), "\(old.text)")
                let tb = try await onB.send(.GET, "\(f.base)/reports/trial-balance?asOf=2026-05-31", token: f.owner.accessToken)
                #expect(tb.text.contains("Office Rent"), "\(tb.text)")

                // A creates a ledger: B posts to it.
                #expect(try await f.post("ledgers", ["name": "Electricity", "group": "Indirect Expenses"]).status == .created)
                #expect(try await postOnB(f.owner, debit: "Electricity").status == .created)

                // A locks the books: B refuses a voucher inside the lock.
                #expect(try await f.post("period-locks", ["lockedThrough": "2026-05-31", "reason": "May filed"]).status == .created)
                let locked = try await postOnB(f.owner, debit: "Electricity")
                #expect(locked.status == .conflict && locked.errorCode == "period_locked", "\(locked.text)")
                #expect(try await postOnB(f.owner, debit: "Electricity", date: "2026-06-02").status == .created)

                // A makes the accountant a viewer: B refuses their voucher on the next request.
                #expect(try await postOnB(clerk, debit: "Electricity", date: "2026-06-03").status == .created)
                let demoted = try await f.client.send(.PATCH, "\(f.base)/members/\(clerk.userID)", token: f.owner.accessToken, json: ["role": "viewer"])
                #expect(demoted.json["role"]?.stringValue == "viewer", "\(demoted.text)")
                #expect(try await postOnB(clerk, debit: "Electricity", date: "2026-06-04").status == .forbidden)
            }
        }
    }

    /// A change made with SQL outside the application (a restore, an operator's fix, another program) changes the
    /// version too: the trigger is in the database, not in our code.
    @Test func another_instances_item_changes_and_new_registration_are_seen_by_invoices() async throws {
        try await withApp { a in
            let g = try await GSTFixture.make(a)
            try await withSecondInstance(of: a) { b in
                let onB = TestClient(app: b)
                func invoiceOnB(_ item: String, date: String = "2026-08-05", extra: [String: JSONValue] = [:]) async throws -> TestResponse {
                    var body: [String: JSONValue] = ["kind": "sales", "party": "Pune Retail", "date": .string(date),
                                                     "lines": [GSTFixture.line(item, "2", "100.00")]]
                    for (k, v) in extra { body[k] = v }
                    return try await onB.send(.POST, "\(g.f.base)/invoices", token: g.f.owner.accessToken, json: .object(body))
                }
                // B invoices first, so it holds the snapshot with the items, their rates and the registrations.
                let first = try await invoiceOnB("Cotton T-shirt", date: "2026-10-05")
                #expect(first.status == .created && first.json["lines"]?[0]?["gstRate"]?.stringValue == "5", "\(first.text)")

                // A gives the item a new rate from October: B's next October invoice charges it.
                let rated = try await g.f.client.send(.PATCH, "\(g.f.base)/items/Cotton%20T-shirt", token: g.f.owner.accessToken,
                                                      json: ["gstRate": "12", "rateFrom": "2026-10-01"])
                #expect(rated.status == .ok, "\(rated.text)")
                let october = try await invoiceOnB("Cotton T-shirt", date: "2026-10-06")
                #expect(october.json["lines"]?[0]?["gstRate"]?.stringValue == "12", "\(october.text)")

                // A renames an item: B invoices it by the new name and refuses the old one.
                #expect(try await g.f.client.send(.PATCH, "\(g.f.base)/items/USB%20Keyboard", token: g.f.owner.accessToken,
                                                  json: ["name": "Wired Keyboard"]).status == .ok)
                #expect(try await invoiceOnB("Wired Keyboard").status == .created)
                let old = try await invoiceOnB("USB Keyboard")
                #expect(old.status == .unprocessableEntity && old.errorFields.contains("lines[0].item"), "\(old.text)")

                // A adds an item and a registration in Karnataka: B invoices the one under the other.
                #expect(try await g.f.post("items", ["name": "Mouse Pad", "hsn": "392690", "unit": "NOS", "gstRate": "18",
                                                     "openingStock": [["quantity": "10", "rate": "50.00"]]]).status == .created)
                #expect(try await g.f.post("gst/registrations", ["gstin": "29AABCR1718E1ZL"]).status == .created)
                let karnataka = try await invoiceOnB("Mouse Pad", extra: ["registration": "29AABCR1718E1ZL"])
                #expect(karnataka.status == .created, "\(karnataka.text)")

                // A change made with bare SQL is seen too: the item's HSN on B's next invoice.
                try await a.db.sql().raw("UPDATE items SET hsn = '392691' WHERE name = 'Mouse Pad'").run()
                // (Two registrations now, so the invoice names its own: B saw the second one arrive.)
                let bare = try await invoiceOnB("Mouse Pad", extra: ["registration": "27AAPFU0939F1ZV"])
                #expect(bare.json["lines"]?[0]?["hsn"]?.stringValue == "392691", "\(bare.text)")
            }
        }
    }

    @Test func a_change_no_part_of_the_application_made_is_seen() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let company = try #require(UUID(uuidString: f.company))
            let before = try #require(try await CompanySnapshots.shared.current(company: company, on: app.db))
            #expect(before.ledger("Rent")?.active == true)
            // The kept snapshot answers as long as the version stands.
            let again = try #require(try await CompanySnapshots.shared.current(company: company, on: app.db))
            #expect(again.version == before.version)

            try await app.write { db in
                try await db.sql().raw("UPDATE ledgers SET active = \(bind: false) WHERE company_id = \(bind: company) AND name = 'Rent'").run()
            }
            let after = try #require(try await CompanySnapshots.shared.current(company: company, on: app.db))
            #expect(after.version != before.version)
            #expect(after.ledger("Rent")?.active == false)
            let refused = try await f.voucher("payment", "2026-05-10", [BooksFixture.entry("Rent", dr: "1.00"), BooksFixture.entry("HDFC Bank", cr: "1.00")])
            #expect(refused.status == .unprocessableEntity, "\(refused.text)")
            try await app.write { db in
                try await db.sql().raw("UPDATE ledgers SET active = \(bind: true) WHERE company_id = \(bind: company) AND name = 'Rent'").run()
            }
        }
    }

    /// A snapshot read inside a transaction that then rolls back is never answered again: the version it was read at
    /// goes back with the transaction, and the next version is a new value, not that one again.
    @Test func a_rolled_back_change_leaves_no_snapshot_behind() async throws {
        try await withApp { app in
            let f = try await BooksFixture.make(app)
            let company = try #require(UUID(uuidString: f.company))
            let committed = try #require(try await CompanySnapshots.shared.current(company: company, on: app.db))
            struct Undo: Error {}
            await #expect(throws: Undo.self) {
                try await app.write { db in
                    try await db.sql().raw("UPDATE ledgers SET name = 'Phantom' WHERE company_id = \(bind: company) AND name = 'Rent'").run()
                    let inside = try #require(try await CompanySnapshots.shared.current(company: company, on: db, miss: .load))
                    #expect(inside.ledgerList.contains { $0.name == "Phantom" })
                    throw Undo()
                }
            }
            let now = try #require(try await CompanySnapshots.shared.current(company: company, on: app.db))
            #expect(now.version == committed.version)
            #expect(!now.ledgerList.contains { $0.name == "Phantom" })
            // The next committed change gets a version of its own, never the rolled-back one's snapshot.
            #expect(try await f.post("ledgers", ["name": "Phone", "group": "Indirect Expenses"]).status == .created)
            let next = try #require(try await CompanySnapshots.shared.current(company: company, on: app.db))
            #expect(next.ledger("Phone") != nil && !next.ledgerList.contains { $0.name == "Phantom" })
        }
    }
}

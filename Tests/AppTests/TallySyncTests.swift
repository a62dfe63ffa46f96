@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import TallyXML
import Vapor

/// Live sync against the fake Tally server: pull, deletions, push, echoes, conflicts, retries and refusals.
@Suite(.serialized) struct TallySyncTests {
    func setUp(_ app: Application) async throws -> (TallyFixture, FakeTally) {
        app.config.tallyRetryPauseMilliseconds = 5
        app.config.tallyAttempts = 3
        app.config.tallyTimeoutSeconds = 10
        let t = try await TallyFixture.make(app)
        let fake = try FakeTally(company: "Anand & Sons Traders", export: TallyFixture.golden)
        try await fake.start()
        app.config.outbound.allowed.insert(fake.allowEntry)
        return (t, fake)
    }

    func run(_ t: TallyFixture) async throws -> TestResponse { try await t.client.send(.POST, "\(t.base)/tally/sync/run", token: t.owner.accessToken) }

    @Test func pulls_then_follows_alterations_and_deletions_and_pushes_its_own() async throws {
        try await withApp { app in
            let (t, fake) = try await setUp(app)
            defer { Task { try? await fake.stop() } }
            #expect(try await run(t).status == .conflict, "not set up yet")
            let bad = try await t.client.send(.PUT, "\(t.base)/tally/sync/settings", token: t.owner.accessToken, json: ["url": "ftp://tally:21", "company": "X"])
            #expect(bad.errorFields == ["url"])
            let saved = try await t.client.send(.PUT, "\(t.base)/tally/sync/settings", token: t.owner.accessToken,
                                                json: ["url": .string(fake.url), "company": "Anand & Sons Traders"])
            #expect(saved.status == .ok && saved.json["configured"]?.boolValue == true && saved.json["conflictRule"]?.stringValue == "newest", "\(saved.text)")

            // First run: everything Tally has comes over.
            let first = try await run(t)
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.json["status"]?.stringValue == "ok" && first.json["lastRun"]?["vouchers"]?["created"]?.intValue == 4, "\(first.json["lastRun"] ?? .null)")
            #expect(first.json["lastRun"]?["pushedVouchers"]?.intValue == 0, "nothing of ours to push yet")
            #expect(try await t.get("reports/outstanding?kind=receivable&asOf=2025-05-31").json["pending"]?.stringValue == "0.00")

            // Nothing changed there: one cheap request for the watermarks, plus the masters we pushed coming back.
            let requestsBefore = fake.with { $0.requests.count }
            let quiet = try await run(t)
            #expect(quiet.json["lastRun"]?["vouchers"]?["created"]?.intValue == 0 && quiet.json["lastRun"]?["pushedVouchers"]?.intValue == 0)
            #expect(!fake.with { Array($0.requests[requestsBefore...]) }.contains("FinSyncVouchers"))

            // Tally alters the receipt (only the opening bill now) and deletes the optional journal.
            fake.alter("5d2b9a10-0000-4000-8000-00000000c001-00000102") { v in
                v.ledgerEntries[0].amount = 1_500_000
                v.ledgerEntries[0].bills = [TallyBillAllocation(name: "OLD-7", type: "Agst Ref", amount: 1_500_000)]
                v.ledgerEntries[1].amount = -1_500_000
            }
            fake.delete("5d2b9a10-0000-4000-8000-00000000c001-00000104")
            let third = try await run(t)
            #expect(third.json["lastRun"]?["vouchers"]?["updated"]?.intValue == 1 && third.json["lastRun"]?["deletedInTally"]?.intValue == 1, "\(third.json["lastRun"] ?? .null)")
            #expect(try await t.get("reports/outstanding?kind=receivable&asOf=2025-05-31").json["pending"]?.stringValue == "1180.00")
            let journals = try await t.get("vouchers?type=journal&from=2025-04-01&to=2025-05-31").json["items"]?.arrayValue ?? []
            #expect(journals.map { $0["status"]?.stringValue ?? "" } == ["cancelled"], "deleted in Tally: cancelled here, not deleted")
            #expect(third.json["objects"]?["deleted-in-tally"]?.intValue == 1)

            // A voucher of ours goes to Tally with our id as REMOTEID; when it comes back it changes nothing here.
            let ours = try await t.client.send(.POST, "\(t.base)/vouchers", token: t.owner.accessToken, json: [
                "type": "journal", "date": "2025-05-20", "narration": "Rent accrual",
                "entries": [["ledger": "Office Rent", "debit": "5000.00"], ["ledger": "Gupta 'Wholesale' Supplies", "credit": "5000.00"]],
            ])
            let ourID = ours.json["id"]?.stringValue?.lowercased() ?? ""
            let pushed = try await run(t)
            #expect(pushed.json["lastRun"]?["pushedVouchers"]?.intValue == 1, "\(pushed.json["lastRun"] ?? .null)")
            #expect(fake.with { $0.vouchers[ourID]?.narration } == "Rent accrual")
            let echo = try await run(t)
            #expect(echo.json["lastRun"]?["vouchers"]?["updated"]?.intValue == 0 && echo.json["lastRun"]?["pushedVouchers"]?.intValue == 0, "\(echo.json["lastRun"] ?? .null)")
            let amends = try await t.get("audit-log?entityType=voucher&entityId=\(ourID)").json["items"]?.arrayValue.compactMap { $0["action"]?.stringValue } ?? []
            #expect(!amends.contains("voucher.amend"), "\(amends)")

            // Both sides change the receipt; ours is newer (Tally's alteration is stamped a year ago): ours is kept and pushed.
            let receipt = journals.isEmpty ? "" : (try await t.get("vouchers?type=receipt&from=2025-04-01&to=2025-05-31").json["items"]?[0]?["id"]?.stringValue ?? "")
            let amended = try await t.client.send(.PUT, "\(t.base)/vouchers/\(receipt)", token: t.owner.accessToken, json: [
                "type": "receipt", "date": "2025-04-20", "narration": "Cheque 000123, corrected here",
                "entries": [["ledger": "Sharma Traders", "credit": "15000.00", "bills": [["type": "against", "reference": "OLD-7", "amount": "15000.00"]]],
                            ["ledger": "HDFC Bank", "debit": "15000.00"]],
            ])
            #expect(amended.status == .ok, "\(amended.text)")
            fake.alter("5d2b9a10-0000-4000-8000-00000000c001-00000102", updated: "20241001100000000") { v in v.narration = "Changed in Tally" }
            let conflicted = try await run(t)
            #expect(conflicted.json["lastRun"]?["conflicts"]?.intValue == 1, "\(conflicted.json["lastRun"] ?? .null)")
            let conflict = conflicted.json["conflicts"]?[0]
            #expect(conflict?["resolution"]?.stringValue == "kept-ours" && conflict?["kind"]?.stringValue == "voucher")
            #expect(fake.with { $0.vouchers["5d2b9a10-0000-4000-8000-00000000c001-00000102"]?.narration } == "Cheque 000123, corrected here")
        }
    }

    @Test func failures_are_retried_refusals_recorded_and_nothing_is_half_applied() async throws {
        try await withApp { app in
            let (t, fake) = try await setUp(app)
            defer { Task { try? await fake.stop() } }
            _ = try await t.client.send(.PUT, "\(t.base)/tally/sync/settings", token: t.owner.accessToken, json: ["url": .string(fake.url), "company": "Anand & Sons Traders"])
            // Two refusals are retried away.
            fake.failNext = 2
            #expect(try await run(t).status == .ok)

            // Answers cut short: nothing is applied, the run fails, the status and a notification say why.
            fake.alter("5d2b9a10-0000-4000-8000-00000000c001-00000103") { v in v.narration = "changed" }
            let vouchersBefore = try await t.count(app, "vouchers"), auditBefore = try await t.count(app, "audit_entries")
            fake.truncateAll = true
            let cut = try await run(t)
            #expect(cut.status == .badGateway && cut.json["status"]?.stringValue == "failed", "\(cut.text)")
            #expect(cut.json["lastError"]?.stringValue?.hasPrefix("could not reach Tally at \(fake.url) after 3 attempts") == true && cut.json["failures"]?.intValue == 1)
            #expect(try await t.count(app, "vouchers") == vouchersBefore)
            #expect(try await t.count(app, "audit_entries") == auditBefore, "nothing audited: nothing happened")
            let notices = try await t.get("notifications").json["items"]?.arrayValue.compactMap { $0["title"]?.stringValue } ?? []
            #expect(notices.contains("Sync with Tally failed"))
            fake.truncateAll = false
            #expect(try await run(t).json["status"]?.stringValue == "ok")

            // Tally refuses a voucher of ours (LINEERROR with all counters at zero): recorded on that voucher.
            fake.refusedLedger = "Office Rent"
            _ = try await t.client.send(.POST, "\(t.base)/vouchers", token: t.owner.accessToken, json: [
                "type": "journal", "date": "2025-05-21", "entries": [["ledger": "Office Rent", "debit": "700.00"], ["ledger": "Gupta 'Wholesale' Supplies", "credit": "700.00"]],
            ])
            let refused = try await run(t)
            #expect(refused.json["lastRun"]?["pushFailures"]?.intValue == 1, "\(refused.json["lastRun"] ?? .null)")
            #expect(refused.json["errors"]?[0]?["error"]?.stringValue == "Ledger 'Office Rent' does not exist!", "\(refused.json["errors"] ?? .null)")

            // Tally refuses one of two new masters: the other goes through, the refusal lands on its master.
            fake.refusedLedger = nil
            fake.refusedMaster = "Stationery"
            for name in ["Courier Charges", "Stationery"] {
                #expect(try await t.client.send(.POST, "\(t.base)/ledgers", token: t.owner.accessToken, json: ["name": .string(name), "group": "Indirect Expenses"]).status == .created)
            }
            let masters = try await run(t)
            #expect(masters.json["status"]?.stringValue == "ok" && masters.json["lastRun"]?["pushedMasters"]?.intValue == 1, "\(masters.json["lastRun"] ?? .null)")
            #expect(masters.json["lastRun"]?["pushFailures"]?.intValue == 1 && masters.json["lastRun"]?["pushedVouchers"]?.intValue == 1, "\(masters.json["lastRun"] ?? .null)")
            let errors = masters.json["errors"]?.arrayValue.compactMap { $0["error"]?.stringValue } ?? []
            #expect(errors == ["Ledger 'Stationery' could not be saved!"], "\(errors)")
            #expect(fake.masters.contains { $0.attribute("NAME") == "Courier Charges" } && !fake.masters.contains { $0.attribute("NAME") == "Stationery" })
        }
    }
}

extension TallySyncTests {
    @Test func the_tally_page_sets_up_and_runs_a_sync() async throws {
        try await withApp { app in
            let (t, fake) = try await setUp(app)
            defer { Task { try? await fake.stop() } }
            let browser = try await WebTestSession.start(for: t.owner.userID, on: app)
            let base = "/app/c/\(t.company.lowercased())"
            #expect(try await browser.send(.GET, base + "/tally").text.contains("Not set up yet."))
            let bad = try await browser.send(.POST, base + "/tally/sync", form: ["url": "tally.local", "company": "Anand & Sons Traders", "action": "save"])
            #expect(bad.status == .unprocessableEntity && bad.text.contains("id=\"f-url-error\""), "\(bad.status)")
            let ran = try await browser.send(.POST, base + "/tally/sync", form: ["url": fake.url, "company": "Anand & Sons Traders", "conflictRule": "tally",
                                                                                  "intervalMinutes": "15", "enabled": "on", "action": "run"])
            #expect(ran.status == .ok && ran.text.contains("Synced with Tally: 4 vouchers pulled"), "\(ran.text.prefix(600))")
            let status = try await t.get("tally/sync/status").json
            #expect(status["conflictRule"]?.stringValue == "tally" && status["intervalMinutes"]?.intValue == 15 && status["status"]?.stringValue == "ok")
            #expect(try await t.get("audit-log?entityType=tally-sync").json["items"]?.arrayValue.count == 1)
        }
    }
}

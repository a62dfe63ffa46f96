@testable import App
import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A company whose books begin on 1 April 2025, to take the synthetic Tally export in TallyXMLTests/Golden.
struct TallyFixture {
    let client: TestClient
    let owner: TestClient.Session
    let company: String
    var base: String { "/api/v1/companies/\(company)" }

    static let golden: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TallyXMLTests/Golden/masters-and-vouchers.xml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static func make(_ app: Application) async throws -> TallyFixture {
        let client = TestClient(app: app)
        let owner = try await client.register()
        let r = try await client.send(.POST, "/api/v1/companies", token: owner.accessToken, json: [
            "name": "Anand & Sons Traders", "stateCode": "29", "financialYearStart": "2025-04-01", "booksBeginning": "2025-04-01",
        ])
        #expect(r.status == .created, "\(r.text)")
        return TallyFixture(client: client, owner: owner, company: r.json["id"]?.stringValue ?? "")
    }

    func get(_ path: String) async throws -> TestResponse { try await client.send(.GET, "\(base)/\(path)", token: owner.accessToken) }

    /// Posts bytes as the request body with the given content type.
    func upload(_ bytes: [UInt8], contentType: String = "text/xml") async throws -> TestResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: owner.accessToken)
        headers.replaceOrAdd(name: .contentType, value: contentType)
        let response = try await client.app.testing().sendRequest(.POST, "\(base)/tally/import", headers: headers, body: ByteBuffer(bytes: bytes))
        return TestResponse(status: response.status, headers: response.headers, text: response.body.string)
    }

    func upload(_ text: String) async throws -> TestResponse { try await upload(Array(text.utf8)) }

    func count(_ app: Application, _ table: String) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(decoding: N.self)?.n ?? -1
    }

    func outcome(_ report: JSONValue, _ kind: String, _ name: String) -> (String, String) {
        let o = report["objects"]?.arrayValue.first { $0["kind"]?.stringValue == kind && $0["name"]?.stringValue == name }
        return (o?["outcome"]?.stringValue ?? "missing", o?["reason"]?.stringValue ?? "")
    }

    /// One voucher in an import envelope.
    static func envelope(_ vouchers: String) -> String {
        "<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER><BODY><IMPORTDATA><REQUESTDATA>" + vouchers
            + "</REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>"
    }

    static func journal(guid: String, date: String = "20250502", alter: Int = 1, number: String = "J-1", lines: [(String, String)]) -> String {
        "<TALLYMESSAGE><VOUCHER REMOTEID=\"\(guid)\" VCHTYPE=\"Journal\" ACTION=\"Create\"><DATE>\(date)</DATE><GUID>\(guid)</GUID>"
            + "<VOUCHERTYPENAME>Journal</VOUCHERTYPENAME><VOUCHERNUMBER>\(number)</VOUCHERNUMBER><ALTERID> \(alter)</ALTERID>"
            + lines.map { "<ALLLEDGERENTRIES.LIST><LEDGERNAME>\($0.0)</LEDGERNAME><AMOUNT>\($0.1)</AMOUNT></ALLLEDGERENTRIES.LIST>" }.joined()
            + "</VOUCHER></TALLYMESSAGE>"
    }
}

@Suite(.serialized) struct TallyImportTests {
    @Test func a_tally_export_becomes_our_books_and_a_second_import_changes_nothing() async throws {
        try await withApp { app in
            let t = try await TallyFixture.make(app)
            // UTF-16LE with a BOM, as Tally writes its exports.
            var utf16: [UInt8] = [0xFF, 0xFE]
            for u in TallyFixture.golden.utf16 { utf16.append(UInt8(u & 0xFF)); utf16.append(UInt8(u >> 8)) }
            let first = try await t.upload(utf16)
            #expect(first.status == .ok, "\(first.text.prefix(2000))")
            let report = first.json
            #expect(report["encoding"]?.stringValue == "utf16LE")
            let rejected = report["objects"]?.arrayValue.filter { $0["outcome"]?.stringValue == "rejected" } ?? []
            #expect(rejected.isEmpty, "\(rejected)")
            #expect(t.outcome(report, "group", "Sundry Debtors").0 == "unchanged" && t.outcome(report, "group", "North Debtors").0 == "created")
            #expect(t.outcome(report, "ledger", "Sharma Traders").0 == "created" && t.outcome(report, "stock-item", "Widget").0 == "created")
            #expect(t.outcome(report, "unit", "Nos") == ("unchanged", "kept as GST unit NOS") && t.outcome(report, "unit", "Box of 12 Nos").0 == "created")
            #expect(t.outcome(report, "voucher-type", "GST Sale Invoice").0 == "created")
            #expect(t.outcome(report, "cost-centre", "Showroom").0 == "skipped" && t.outcome(report, "tdsrate", "Any").0 == "skipped")
            #expect(report["byKind"]?.arrayValue.first { $0["kind"]?.stringValue == "voucher" }?["created"]?.intValue == 4)
            #expect(report["parity"]?["agrees"]?.boolValue == true, "\(report["parity"] ?? .null)")
            #expect(report["unknownTags"]?.intValue ?? 0 >= 1, "the ledger's UDF is counted")

            // The books: Sharma's opening bill and the invoice were settled by the receipt; the bank has both.
            let sharma = try await t.get("ledgers/Sharma%20Traders").json
            #expect(sharma["openingBalance"]?["amount"]?.stringValue == "15000.00" && sharma["openingBalance"]?["side"]?.stringValue == "Dr")
            #expect(sharma["gstin"]?.stringValue == "29ABCDE1234F1ZW" && sharma["stateCode"]?.stringValue == "29" && sharma["billWise"]?.boolValue == true)
            let tb = try await t.get("reports/trial-balance?asOf=2025-05-31").json
            func closing(_ name: String) -> String {
                let row = tb["rows"]?.arrayValue.first { $0["ledger"]?.stringValue == name }
                return "\(row?["closing"]?["amount"]?.stringValue ?? "-") \(row?["closing"]?["side"]?.stringValue ?? "")"
            }
            #expect(closing("HDFC Bank") == "266180.00 Dr" && closing("Sharma Traders") == "0.00 Dr" && closing("Sales GST 18%") == "1000.00 Cr")
            #expect(closing("Gupta 'Wholesale' Supplies") == "8200.50 Cr" && ["- ", "0.00 Dr"].contains(closing("Office Rent")), "the optional journal counts nowhere")
            #expect(try await t.get("reports/outstanding?kind=receivable&asOf=2025-05-31").json["pending"]?.stringValue == "0.00")
            #expect(try await t.get("reports/outstanding?kind=receivable&asOf=2025-04-16").json["pending"]?.stringValue == "16180.00", "opening bill and invoice both open")
            let vouchers = try await t.get("vouchers?from=2025-04-01&to=2025-05-31").json["items"]?.arrayValue ?? []
            #expect(Set(vouchers.map { "\($0["number"]?.stringValue ?? "") \($0["status"]?.stringValue ?? "")" }) == ["INV-0001 active", "1 active", "1 cancelled", "1 optional"])
            // The cancelled one is written cancelled by the posting path: audited as such, with the time it was cancelled.
            struct Cancelled: Decodable { var id: UUID; var cancelled_at: Date? }
            let rows = try await app.db.sql().raw("SELECT id, cancelled_at FROM vouchers WHERE status = 'cancelled'").all(decoding: Cancelled.self)
            #expect(rows.count == 1 && rows.allSatisfy { $0.cancelled_at != nil })
            struct Audit: Decodable { var after_json: String? }
            let audit = try await app.db.sql().raw("SELECT after_json FROM audit_entries WHERE entity_id = \(bind: rows.first?.id.uuidString.lowercased() ?? "")")
                .all(decoding: Audit.self)
            #expect(audit.count == 1 && audit.first?.after_json?.contains("\"status\":\"cancelled\"") == true, "\(audit)")
            // Ten widgets left batch W-01; the opening stock is there by godown.
            let stock = try await t.get("reports/stock-summary?asOf=2025-04-30&by=godown").json["rows"]?.arrayValue ?? []
            #expect(Set(stock.map { "\($0["godown"]?.stringValue ?? "") \($0["quantity"]?.stringValue ?? "")" }) == ["Main Location 20", "Back Store 20"])

            // The same file again: nothing changes.
            let counts = (try await t.count(app, "vouchers"), try await t.count(app, "ledgers"), try await t.count(app, "stock_movements"), try await t.count(app, "audit_entries"))
            let again = try await t.upload(utf16)
            #expect(again.status == .ok)
            #expect(again.json["totals"]?["created"]?.intValue == 0 && again.json["totals"]?["updated"]?.intValue == 0 && again.json["totals"]?["rejected"]?.intValue == 0,
                    "\(again.json["totals"] ?? .null)")
            let recount = (try await t.count(app, "vouchers"), try await t.count(app, "ledgers"), try await t.count(app, "stock_movements"))
            #expect(recount == (counts.0, counts.1, counts.2))
            #expect(try await t.count(app, "audit_entries") == counts.3 + 1, "only the import itself is audited")
            let history = try await t.get("tally/imports").json["items"]?.arrayValue ?? []
            #expect(history.count == 2)
            let stored = try await t.get("tally/imports/\(history.last?["id"]?.stringValue ?? "")").json
            #expect(stored["totals"]?["created"]?.intValue == report["totals"]?["created"]?.intValue)
        }
    }

    @Test func a_higher_alter_id_amends_and_bad_vouchers_are_rejected_with_reasons() async throws {
        try await withApp { app in
            let t = try await TallyFixture.make(app)
            #expect(try await t.upload(TallyFixture.golden).status == .ok)
            // The receipt altered in Tally (ALTERID 2 → 7): only the opening bill is settled now.
            let altered = TallyFixture.envelope("""
                <TALLYMESSAGE><VOUCHER REMOTEID="5d2b9a10-0000-4000-8000-00000000c001-00000102" VCHTYPE="Receipt" ACTION="Alter"><DATE>20250420</DATE>
                <GUID>5d2b9a10-0000-4000-8000-00000000c001-00000102</GUID><VOUCHERTYPENAME>Receipt</VOUCHERTYPENAME><VOUCHERNUMBER>1</VOUCHERNUMBER><ALTERID> 7</ALTERID>
                <ALLLEDGERENTRIES.LIST><LEDGERNAME>Sharma Traders</LEDGERNAME><AMOUNT>15000.00</AMOUNT><BILLALLOCATIONS.LIST><NAME>OLD-7</NAME><BILLTYPE>Agst Ref</BILLTYPE><AMOUNT>15000.00</AMOUNT></BILLALLOCATIONS.LIST></ALLLEDGERENTRIES.LIST>
                <ALLLEDGERENTRIES.LIST><LEDGERNAME>HDFC Bank</LEDGERNAME><AMOUNT>-15000.00</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER></TALLYMESSAGE>
                """)
            let amend = try await t.upload(altered)
            #expect(amend.json["totals"]?["updated"]?.intValue == 1, "\(amend.text.prefix(1500))")
            #expect(try await t.get("reports/outstanding?kind=receivable&asOf=2025-05-31").json["pending"]?.stringValue == "1180.00")
            let actions = try await t.get("audit-log?entityType=voucher").json["items"]?.arrayValue.compactMap { $0["action"]?.stringValue } ?? []
            #expect(actions.contains("voucher.amend"))

            let before = (try await t.count(app, "vouchers"), try await t.count(app, "voucher_entries"), try await t.count(app, "bill_allocations"), try await t.count(app, "tally_links"))
            let bad = TallyFixture.envelope([
                TallyFixture.journal(guid: "g-unbalanced", lines: [("Office Rent", "-100.00"), ("HDFC Bank", "99.00")]),
                TallyFixture.journal(guid: "g-nowhere", lines: [("Office Rent", "-100.00"), ("Nowhere Ledger", "100.00")]),
                TallyFixture.journal(guid: "g-date", date: "20250231", lines: [("Office Rent", "-100.00"), ("HDFC Bank", "100.00")]),
                "<TALLYMESSAGE><VOUCHER VCHTYPE=\"Rejections Out\"><DATE>20250502</DATE><GUID>g-reject</GUID><VOUCHERNUMBER>RO-1</VOUCHERNUMBER></VOUCHER></TALLYMESSAGE>",
                TallyFixture.journal(guid: "g-twice", number: "J-2", lines: [("Office Rent", "-100.00"), ("Gupta 'Wholesale' Supplies", "100.00")]),
                TallyFixture.journal(guid: "g-twice", number: "J-3", lines: [("Office Rent", "-100.00"), ("Gupta 'Wholesale' Supplies", "100.00")]),
            ].joined())
            let r = try await t.upload(bad)
            #expect(r.status == .ok)
            let rejected = r.json["objects"]?.arrayValue.filter { $0["outcome"]?.stringValue == "rejected" }.compactMap { $0["reason"]?.stringValue } ?? []
            #expect(rejected.count == 5, "\(rejected)")
            for expected in ["debits 100.00 and credits 99.00 differ by 1.00", "ledger 'Nowhere Ledger' is not defined", "'20250231' is not a date",
                             "'Rejections Out'", "appears twice in the file"] {
                #expect(rejected.contains { $0.contains(expected) }, "no rejection mentions \(expected): \(rejected)")
            }
            // Only the good journal (the first g-twice) was written; the rejected ones left nothing.
            #expect(r.json["totals"]?["created"]?.intValue == 1)
            let after = (try await t.count(app, "vouchers"), try await t.count(app, "voucher_entries"), try await t.count(app, "bill_allocations"), try await t.count(app, "tally_links"))
            #expect(after.0 == before.0 + 1 && after.1 == before.1 + 2 && after.2 == before.2 && after.3 == before.3 + 1)

            // A Tally stock journal moving five widgets of batch W-01 to the back store becomes our transfer.
            let transfer = TallyFixture.envelope("""
                <TALLYMESSAGE><VOUCHER REMOTEID="g-sj" VCHTYPE="Stock Journal" ACTION="Create"><DATE>20250503</DATE><GUID>g-sj</GUID>
                <VOUCHERTYPENAME>Stock Journal</VOUCHERTYPENAME><VOUCHERNUMBER>1</VOUCHERNUMBER><ALTERID> 9</ALTERID>
                <INVENTORYENTRIESOUT.LIST><STOCKITEMNAME>Widget</STOCKITEMNAME><ISDEEMEDPOSITIVE>No</ISDEEMEDPOSITIVE><ACTUALQTY> 5 Nos</ACTUALQTY><AMOUNT>300.00</AMOUNT>
                <BATCHALLOCATIONS.LIST><GODOWNNAME>Main Location</GODOWNNAME><BATCHNAME>W-01</BATCHNAME><ACTUALQTY> 5 Nos</ACTUALQTY><AMOUNT>300.00</AMOUNT></BATCHALLOCATIONS.LIST></INVENTORYENTRIESOUT.LIST>
                <INVENTORYENTRIESIN.LIST><STOCKITEMNAME>Widget</STOCKITEMNAME><ISDEEMEDPOSITIVE>Yes</ISDEEMEDPOSITIVE><ACTUALQTY> 5 Nos</ACTUALQTY><AMOUNT>-300.00</AMOUNT>
                <BATCHALLOCATIONS.LIST><GODOWNNAME>Back Store</GODOWNNAME><BATCHNAME>W-01</BATCHNAME><ACTUALQTY> 5 Nos</ACTUALQTY><AMOUNT>-300.00</AMOUNT></BATCHALLOCATIONS.LIST></INVENTORYENTRIESIN.LIST>
                </VOUCHER></TALLYMESSAGE>
                """)
            let moved = try await t.upload(transfer)
            #expect(moved.json["totals"]?["created"]?.intValue == 1, "\(moved.text.prefix(1200))")
            let stock = try await t.get("reports/stock-summary?asOf=2025-05-03&by=godown").json["rows"]?.arrayValue ?? []
            #expect(Set(stock.map { "\($0["godown"]?.stringValue ?? "") \($0["quantity"]?.stringValue ?? "")" }) == ["Main Location 15", "Back Store 25"])
            #expect(try await t.upload(transfer).json["totals"]?["created"]?.intValue == 0, "imported once")
        }
    }

    @Test func unreadable_files_are_refused_whole() async throws {
        try await withApp { app in
            let t = try await TallyFixture.make(app)
            let half = String(TallyFixture.golden.prefix(TallyFixture.golden.count / 2))
            for (body, words) in [("not xml at all", "not well-formed"), ("<DATA><X/></DATA>", "starts with <DATA>"), (half, "cut short"),
                                  ("<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><ENVELOPE>&b;</ENVELOPE>", "entity declarations"),
                                  ("<!DOCTYPE x [<!ENTITY s SYSTEM \"file:///etc/passwd\">]><ENVELOPE>&s;</ENVELOPE>", "entity declarations")] {
                let r = try await t.upload(body)
                #expect(r.status == .unprocessableEntity && r.errorFields == ["file"], "\(words): \(r.status) \(r.text)")
                #expect(r.text.contains(words) || (words == "cut short" && r.text.contains("not well-formed")), "\(words): \(r.text)")
            }
            #expect(try await t.upload("").errorFields == ["file"])
            // Each refused file is on record as a failed import with its reason; nothing else was written.
            let links = try await t.count(app, "tally_links")
            #expect(links == 0)
            let history = try await t.get("tally/imports").json["items"]?.arrayValue ?? []
            #expect(history.count == 5)  // the empty upload never started an import
            for summary in history {
                let report = try await t.get("tally/imports/\(summary["id"]?.stringValue ?? "")").json
                #expect(report["status"]?.stringValue == "failed" && report["failure"]?.stringValue?.isEmpty == false, "\(report)")
                #expect(report["totals"]?["created"]?.intValue == 0)
            }
            // An import the server did not finish (killed meanwhile) is reported failed when it starts again.
            var running = TallyImporter.Recorder().report
            running.source = "killed.xml"
            running.status = "running"
            let company = try #require(UUID(uuidString: t.company))
            try await TallyImporter.save(running, company: company, actor: AuditActor(userID: nil, requestID: "t", clientAddress: "t"), new: true,
                                         store: app.store, on: app.db)
            try await TallyImporter.settleInterrupted(on: app.db)
            let settled = try await t.get("tally/imports/\(running.id.uuidString)").json
            #expect(settled["status"]?.stringValue == "failed" && settled["failure"]?.stringValue?.contains("server stopped") == true, "\(settled)")

            // Over the upload limit: 413, and nothing is imported.
            app.config.tallyMaxUploadBytes = 4_096
            let big = try await t.upload(TallyFixture.golden)
            #expect(big.status == .payloadTooLarge && big.errorCode == "payload_too_large", "\(big.status) \(big.text)")
            #expect(try await t.count(app, "tally_links") == 0)
            app.config.tallyMaxUploadBytes = AppConfig.defaultTallyMaxUpload

            // A multipart upload of the same file works like the raw body.
            let boundary = "finsync-test-boundary"
            let form = "--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"DayBook.xml\"\r\nContent-Type: text/xml\r\n\r\n"
                + TallyFixture.golden + "\r\n--\(boundary)--\r\n"
            let multipart = try await t.upload(Array(form.utf8), contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(multipart.status == .ok && multipart.json["source"]?.stringValue == "DayBook.xml", "\(multipart.text.prefix(500))")
            #expect(multipart.json["totals"]?["rejected"]?.intValue == 0)
        }
    }
}

extension TallyImportTests {
    @Test func the_tally_page_imports_a_file_and_shows_its_report() async throws {
        try await withApp { app in
            let t = try await TallyFixture.make(app)
            let browser = try await WebTestSession.start(for: t.owner.userID, on: app)
            let base = "/app/c/\(t.company.lowercased())"
            let page = try await browser.send(.GET, base + "/tally")
            #expect(page.status == .ok && page.text.contains("enctype=\"multipart/form-data\"") && page.text.contains("Nothing imported yet."))
            #expect(page.text.contains("/tally/import?_csrf=\(browser.csrf)"))
            func upload(_ xml: String, csrf: String) async throws -> TestResponse {
                let boundary = "page-boundary"
                let form = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Masters.xml\"\r\nContent-Type: text/xml\r\n\r\n\(xml)\r\n--\(boundary)--\r\n"
                var headers: HTTPHeaders = ["Cookie": "\(WebCookies.session)=\(browser.cookie)", "Accept": "text/html"]
                headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                let r = try await app.testing().sendRequest(.POST, base + "/tally/import?_csrf=\(csrf)", headers: headers, body: ByteBuffer(string: form))
                return TestResponse(status: r.status, headers: r.headers, text: r.body.string)
            }
            // Without the form's token nothing is read or written.
            #expect(try await upload(TallyFixture.golden, csrf: "forged").status == .forbidden)
            #expect(try await t.count(app, "tally_links") == 0)
            let bad = try await upload("<DATA/>", csrf: browser.csrf)
            #expect(bad.status == .unprocessableEntity && bad.text.contains("id=\"import-error\"") && bad.text.contains("starts with &lt;DATA&gt;"), "\(bad.text.prefix(300))")
            let done = try await upload(TallyFixture.golden, csrf: browser.csrf)
            #expect(done.status == .seeOther)
            let location = done.headers.first(name: .location) ?? ""
            let report = try await browser.send(.GET, location)
            #expect(report.status == .ok && report.text.contains("Import of Masters.xml"), "\(location)")
            #expect(report.text.contains("Parity: all") && report.text.contains("id=\"import-kinds\"") && report.text.contains("Showroom"))
            #expect(try await browser.send(.GET, base + "/tally").text.contains("Masters.xml"))
            let export = try await browser.send(.GET, base + "/tally/export?what=masters")
            #expect(export.status == .ok && export.text.contains("<LEDGER NAME=\"Sharma Traders\""))
        }
    }
}

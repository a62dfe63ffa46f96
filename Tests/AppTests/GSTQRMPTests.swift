@testable import App
import Foundation
import Testing
import Vapor

/// Quarterly returns with monthly payment (Rule 61A): GSTR-1 and GSTR-3B by quarter, named by its last month;
/// IFF (Rule 59(2)) for the B2B invoices of months one and two, which the quarter's GSTR-1 then leaves out.
@Suite struct GSTQRMPTests {
    @Test func a_qrmp_registration_files_iff_monthly_and_gstr1_by_quarter() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            // Only up to ₹5 crore of turnover.
            let tooBig = try await g.f.client.send(.PATCH, "\(g.f.base)/gst/registrations/27AAPFU0939F1ZV", token: g.f.owner.accessToken,
                                                   json: ["qrmp": true, "turnoverAbove5Crore": true])
            #expect(tooBig.errorFields == ["qrmp"], "\(tooBig.text)")
            // A monthly filer has no IFF.
            #expect(try await g.f.get("gst/iff?period=2026-04").errorFields == ["gstin"])
            let optIn = try await g.f.client.send(.PATCH, "\(g.f.base)/gst/registrations/27AAPFU0939F1ZV", token: g.f.owner.accessToken,
                                                  json: ["qrmp": true])
            #expect(optIn.status == .ok && optIn.json["qrmp"]?.boolValue == true, "\(optIn.text)")

            let posts: [(String, String, String)] = [
                ("Pune Retail", "2026-04-10", "USB Keyboard"), ("Sharma Traders", "2026-05-10", "USB Keyboard"),
                ("Walk-in Gujarat", "2026-05-12", "Cotton T-shirt"), ("Pune Retail", "2026-06-05", "USB Keyboard"),
            ]
            for (party, date, item) in posts {
                let r = try await g.invoice("sales", party, date, [GSTFixture.line(item, "1", "1000.00")])
                #expect(r.status == .created, "\(r.text)")
            }

            #expect(try await g.f.get("gst/gstr1?period=2026-05").errorFields == ["period"])
            #expect(try await g.f.get("gst/iff?period=2026-06").errorFields == ["period"])
            let april = try await g.f.get("gst/iff?period=2026-04")
            #expect(april.status == .ok, "\(april.text)")
            #expect(april.json["fp"]?.stringValue == "042026" && april.json["b2b"]?.arrayValue.count == 1)
            #expect(april.json["hsn"] == nil && april.json["doc_issue"] == nil && april.json["b2cs"] == nil)

            let quarter = try await g.f.get("gst/gstr1?period=2026-06&iff=2026-04")
            #expect(quarter.status == .ok, "\(quarter.text)")
            #expect(quarter.json["fp"]?.stringValue == "062026")
            let numbers = (quarter.json["b2b"]?.arrayValue ?? []).flatMap { $0["inv"]?.arrayValue ?? [] }.compactMap { $0["idt"]?.stringValue }.sorted()
            // April's invoice went through IFF; May's (no IFF filed) and June's are in the quarter's return.
            #expect(numbers == ["05-06-2026", "10-05-2026"], "\(numbers)")
            #expect(quarter.json["b2cs"]?.arrayValue.count == 1)
            // Tables 12 and 13 cover the whole quarter, IFF months included.
            #expect(quarter.json["hsn"]?["hsn_b2b"]?[0]?["qty"] == .int(3), "\(quarter.text)")
            #expect(quarter.json["doc_issue"]?["doc_det"]?[0]?["docs"]?[0]?["totnum"] == .int(4))
            #expect(try await g.f.get("gst/gstr1?period=2026-06&iff=2026-06").errorFields == ["iff"])
            #expect(try await g.f.get("gst/gstr1?period=2026-06&iff=2026-13").errorFields == ["iff"])

            let r3 = try await g.f.get("gst/gstr3b?period=2026-06").json
            #expect(r3["ret_period"]?.stringValue == "062026" && r3["sup_details"]?["osup_det"]?["txval"] == .int(4000), "\(r3)")
            #expect(try await g.f.get("gst/tie-out?period=2026-06").json["agrees"]?.boolValue == true)
            // The monthly register still lists a month.
            #expect(try await g.f.get("gst/registers?period=2026-05&kind=sales").json["rows"]?.arrayValue.count == 2)

            // IFF takes at most ₹50 lakh of B2B invoices a month.
            let big = try await g.invoice("sales", "Pune Retail", "2026-07-01", [GSTFixture.line("USB Keyboard", "50", "100000.00")])
            #expect(big.status == .created, "\(big.text)")
            let over = try await g.f.get("gst/iff?period=2026-07")
            #expect(over.errorFields == ["period"] && over.text.contains("50 lakh"), "\(over.text)")
        }
    }
}

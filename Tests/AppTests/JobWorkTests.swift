@testable import App
import Foundation
import Testing
import Vapor

/// Job work (CGST Act s.143, Rule 55): challans out and back move no stock, travel on e-way bills (CHL, sub-types 4
/// and 6; inter-state whatever the value), never bring back more than was sent, and count in Table 13 as nature 9.
@Suite struct JobWorkTests {
    func challan(_ g: GSTFixture, _ direction: String, _ party: String, _ date: String, _ item: String, _ quantity: String, _ rate: String,
                 number: String? = nil) async throws -> TestResponse {
        var body: [String: JSONValue] = ["direction": .string(direction), "party": .string(party), "date": .string(date),
                                         "lines": [["item": .string(item), "quantity": .string(quantity), "rate": .string(rate)]]]
        if let number { body["number"] = .string(number) }
        return try await g.f.post("job-work/challans", .object(body))
    }

    func stock(_ g: GSTFixture, _ item: String) async throws -> String? {
        let rows = try await g.f.get("reports/stock-summary?by=item").json["rows"]?.arrayValue ?? []
        return rows.first { $0["item"]?.stringValue == item }?["quantity"]?.stringValue
    }

    @Test func goods_go_to_the_job_worker_and_come_back_on_challans_and_e_way_bills() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            try await g.registerWithAddress()
            try await g.address("Sharma Traders", "5 Market Street", "Bengaluru", "560001")
            try await g.address("Pune Retail", "9 FC Road", "Pune", "411004")
            let before = try await stock(g, "Cotton T-shirt")
            let out = try await challan(g, "sent", "Sharma Traders", "2026-08-05", "Cotton T-shirt", "100", "60.00")
            #expect(out.status == .created, "\(out.text)")
            #expect(out.json["number"]?.stringValue == "JW/26-27/0001" && out.json["value"]?.stringValue == "6000.00")
            // The goods are still ours (s.143): stock does not move.
            #expect(try await stock(g, "Cotton T-shirt") == before)

            // Inter-state: an e-way bill whatever the value (rule 138(1), second proviso).
            let ewb = try await g.f.get("job-work/challans/\(out.json["id"]?.stringValue ?? "")/ewaybill")
            #expect(ewb.status == .ok, "\(ewb.text)")
            #expect(ewb.json["supplyType"]?.stringValue == "O" && ewb.json["subSupplyType"] == .int(4) && ewb.json["docType"]?.stringValue == "CHL")
            #expect(ewb.json["fromGstin"]?.stringValue == "27AAPFU0939F1ZV" && ewb.json["toGstin"]?.stringValue == "29AABCR1718E1ZL")
            #expect(ewb.json["totalValue"] == .int(6000) && ewb.json["igstValue"] == .int(0) && ewb.json["docNo"]?.stringValue == "JW/26-27/0001")

            // Within the state the threshold applies, unless asked for.
            let local = try await challan(g, "sent", "Pune Retail", "2026-08-06", "USB Keyboard", "10", "300.00")
            let localID = local.json["id"]?.stringValue ?? ""
            #expect(try await g.f.get("job-work/challans/\(localID)/ewaybill").errorFields == ["totInvValue"])
            #expect(try await g.f.get("job-work/challans/\(localID)/ewaybill?voluntary=true").status == .ok)
            #expect(try await g.f.get("job-work/challans/\(localID)/ewaybill?voluntary=maybe").errorFields == ["voluntary"])

            // Back from the job worker, on its challan number; never more than it holds.
            #expect(try await challan(g, "returned", "Sharma Traders", "2026-08-20", "Cotton T-shirt", "40", "60.00").errorFields == ["number"])
            #expect(try await challan(g, "sent", "Sharma Traders", "2026-08-20", "Cotton T-shirt", "1", "60.00", number: "X1").errorFields == ["number"])
            let back = try await challan(g, "returned", "Sharma Traders", "2026-08-20", "Cotton T-shirt", "40", "60.00", number: "SH-RC-1")
            #expect(back.status == .created, "\(back.text)")
            let inward = try await g.f.get("job-work/challans/\(back.json["id"]?.stringValue ?? "")/ewaybill?voluntary=true").json
            #expect(inward["supplyType"]?.stringValue == "I" && inward["subSupplyType"] == .int(6) && inward["fromGstin"]?.stringValue == "29AABCR1718E1ZL")
            let tooMuch = try await challan(g, "returned", "Sharma Traders", "2026-08-21", "Cotton T-shirt", "61", "60.00", number: "SH-RC-2")
            #expect(tooMuch.errorFields == ["lines[0].quantity"] && tooMuch.text.contains("holds only 60"), "\(tooMuch.text)")
            #expect(try await challan(g, "returned", "Pune Retail", "2026-08-21", "Cotton T-shirt", "1", "60.00", number: "PR-1").errorFields == ["lines[0].quantity"])
            #expect(try await challan(g, "sent", "Nobody", "2026-08-21", "Cotton T-shirt", "1", "60.00").errorFields == ["party"])
            #expect(try await challan(g, "sent", "Pune Retail", "2026-08-21", "Road Freight", "1", "60.00").errorFields == ["lines[0].item"])
            #expect(try await challan(g, "sent", "Pune Retail", "2026-08-21", "Cotton T-shirt", "-1", "60.00").errorFields == ["lines[0].quantity"])
            #expect(try await challan(g, "sent", "Pune Retail", "2026-08-21", "Cotton T-shirt", "999999999999", "99999999999.00")
                .errorFields == ["lines[0].quantity"])

            // The challan out cannot be cancelled while goods have come back against it; cancelling the return first works.
            let outID = out.json["id"]?.stringValue ?? ""
            #expect(try await g.f.post("job-work/challans/\(outID)/cancel", [:]).status == .conflict)
            #expect(try await g.f.post("job-work/challans/\(back.json["id"]?.stringValue ?? "")/cancel", [:]).status == .ok)
            let cancelled = try await g.f.post("job-work/challans/\(outID)/cancel", [:])
            #expect(cancelled.status == .ok && cancelled.json["status"]?.stringValue == "cancelled", "\(cancelled.text)")

            // Table 13, nature 9: our two challans, one cancelled; the job worker's challan is not ours to count.
            let natures = try await g.f.get("gst/gstr1?period=2026-08").json["doc_issue"]?["doc_det"]?.arrayValue ?? []
            let nine = natures.first { $0["doc_num"] == .int(9) }?["docs"]?[0]
            #expect(nine?["from"]?.stringValue == "JW/26-27/0001" && nine?["to"]?.stringValue == "JW/26-27/0002", "\(natures)")
            #expect(nine?["totnum"] == .int(2) && nine?["cancel"] == .int(1) && nine?["net_issue"] == .int(1))
            #expect(try await g.f.get("job-work/challans").json["items"]?.arrayValue.count == 3)
        }
    }

    /// An item on two lines of one challan counts once, summed: the challan cannot be cancelled while part of it is
    /// back. The rate shown is the one entered, not one worked back from the rounded value.
    @Test func a_challans_lines_are_summed_per_item_and_keep_their_rate() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let out = try await g.f.post("job-work/challans", ["direction": "sent", "party": "Pune Retail", "date": "2026-08-05", "lines": [
                ["item": "Cotton T-shirt", "quantity": "10", "rate": "60.00"], ["item": "Cotton T-shirt", "quantity": "0.333", "rate": "1.00"],
                ["item": "Cotton T-shirt", "quantity": "10", "rate": "60.00"],
            ]])
            #expect(out.status == .created, "\(out.text)")
            #expect(out.json["lines"]?[1]?["rate"]?.stringValue == "1.00" && out.json["lines"]?[1]?["value"]?.stringValue == "0.33")
            let back = try await g.f.post("job-work/challans", ["direction": "returned", "party": "Pune Retail", "date": "2026-08-06", "number": "PR-9",
                                                                "lines": [["item": "Cotton T-shirt", "quantity": "5", "rate": "60.00"]]])
            #expect(back.status == .created, "\(back.text)")
            #expect(try await g.f.post("job-work/challans/\(out.json["id"]?.stringValue ?? "")/cancel", [:]).status == .conflict)
        }
    }
}

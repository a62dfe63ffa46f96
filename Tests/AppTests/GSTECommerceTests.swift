@testable import App
import Foundation
import SQLKit
import Testing
import Vapor

/// Supplies through e-commerce operators (CGST Act s.52 and s.9(5); GSTR-1 Table 14 from Notification 26/2022-CT),
/// bill-from dispatch-from, and a shipping bill recorded after the export invoice.
@Suite struct GSTECommerceTests {
    /// A TCS registration in Maharashtra and one in Karnataka (gst.md §A1.4).
    static let operatorMH = "27AAECG3736E1C2", operatorKA = "29AABCF8078M1C8"

    private func hotel(_ g: GSTFixture) async throws {
        #expect(try await g.f.post("items", ["name": "Room Night", "hsn": "996311", "unit": "NA", "gstRate": "12"]).status == .created)
        #expect(try await g.f.post("ledgers", ["name": "Guest", "group": "Sundry Debtors", "registrationType": "consumer"]).status == .created)
    }

    /// s.52: we charge the tax as usual; the invoice names the operator (b2b/b2cl `etin`, b2cs type E) and Table 14(a)
    /// sums each operator's supplies net of notes.
    @Test func a_sale_through_an_operator_carries_its_gstin_and_lands_in_table_14a() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let b2b = try await g.invoice("sales", "Pune Retail", "2026-08-05", [GSTFixture.line("USB Keyboard", "2", "1000.00")],
                                          extra: ["ecommerceOperator": .string(Self.operatorMH)])
            #expect(b2b.status == .created, "\(b2b.text)")
            #expect(b2b.json["ecommerceOperator"]?.stringValue == Self.operatorMH && b2b.json["ecommerceSection"]?.stringValue == "52")
            #expect(b2b.json["totals"]?["total"]?.stringValue == "2360.00")
            let b2c = try await g.invoice("sales", "Walk-in Gujarat", "2026-08-06", [GSTFixture.line("Cotton T-shirt", "10", "100.00")],
                                          extra: ["ecommerceOperator": .string(Self.operatorKA), "ecommerceSection": "52"])
            #expect(b2c.status == .created, "\(b2c.text)")
            let plain = try await g.invoice("sales", "Walk-in Gujarat", "2026-08-07", [GSTFixture.line("Cotton T-shirt", "1", "100.00")])
            #expect(plain.status == .created)
            // A credit note follows its original's operator and nets Table 14(a).
            let note = try await g.invoice("credit-note", "Pune Retail", "2026-08-08", [GSTFixture.line("USB Keyboard", "1", "1000.00")],
                                           extra: ["originalInvoice": .string(b2b.json["id"]?.stringValue ?? "")])
            #expect(note.status == .created, "\(note.text)")
            #expect(note.json["ecommerceOperator"]?.stringValue == Self.operatorMH)

            let r1 = try await g.f.get("gst/gstr1?period=2026-08").json
            #expect(r1["b2b"]?[0]?["inv"]?[0]?["etin"]?.stringValue == Self.operatorMH)
            let rows = r1["b2cs"]?.arrayValue ?? []
            let viaOperator = rows.first { $0["typ"]?.stringValue == "E" }, direct = rows.first { $0["typ"]?.stringValue == "OE" }
            #expect(viaOperator?["etin"]?.stringValue == Self.operatorKA && viaOperator?["txval"] == .int(1000) && viaOperator?["iamt"] == .int(50))
            #expect(direct?["etin"] == nil && direct?["txval"] == .int(100))
            let clttx = r1["supeco"]?["clttx"]?.arrayValue ?? []
            #expect(clttx.count == 2)
            let mh = clttx.first { $0["etin"]?.stringValue == Self.operatorMH }
            // 2,000 invoiced less 1,000 credited; CGST and SGST 90 each on the net.
            #expect(mh?["suppval"] == .int(1000) && mh?["cgst"] == .int(90) && mh?["sgst"] == .int(90) && mh?["igst"] == .int(0), "\(clttx)")
            #expect(r1["supeco"]?["paytx"] == nil)

            #expect(try await g.f.get("gst/tie-out?period=2026-08").json["agrees"]?.boolValue == true)
        }
    }

    /// s.9(5): the operator pays the tax on notified services, so we charge none and book none; the value goes to
    /// Table 14(b) and GSTR-3B 3.1.1(ii), and nowhere in tables 4 to 12 or 3.1(a).
    @Test func a_service_whose_tax_the_operator_pays_is_reported_only_in_14b_and_3b_3_1_1() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            try await hotel(g)
            let stay = try await g.invoice("sales", "Guest", "2026-08-05", [GSTFixture.line("Room Night", "2", "2500.00")],
                                           extra: ["ecommerceOperator": .string(Self.operatorMH), "ecommerceSection": "9(5)"])
            #expect(stay.status == .created, "\(stay.text)")
            #expect(stay.json["totals"]?["total"]?.stringValue == "5000.00", "\(stay.text)")
            #expect(stay.json["lines"]?[0]?["treatment"]?.stringValue == "paid-by-operator")

            let r1 = try await g.f.get("gst/gstr1?period=2026-08").json
            #expect(r1["b2cs"] == nil && r1["b2b"] == nil, "\(r1)")
            let paytx = r1["supeco"]?["paytx"]?[0]
            #expect(paytx?["etin"]?.stringValue == Self.operatorMH && paytx?["suppval"] == .int(5000))
            #expect(paytx?["cgst"] == .int(300) && paytx?["sgst"] == .int(300))
            #expect(r1["hsn"] == nil || (r1["hsn"]?["hsn_b2c"] == nil && r1["hsn"]?["hsn_b2b"] == nil), "\(r1)")
            #expect(r1["doc_issue"]?["doc_det"]?[0]?["docs"]?[0]?["totnum"] == .int(1))

            let r3 = try await g.f.get("gst/gstr3b?period=2026-08").json
            #expect(r3["eco_dtls"]?["eco_reg_sup"]?["txval"] == .int(5000))
            #expect(r3["sup_details"]?["osup_det"]?["txval"] == .int(0) && r3["sup_details"]?["osup_det"]?["camt"] == .int(0))
            #expect(try await g.f.get("gst/tie-out?period=2026-08").json["agrees"]?.boolValue == true)
            // The operator issues the tax invoice; ours is not e-invoiced.
            #expect(try await g.f.get("invoices/\(stay.json["id"]?.stringValue ?? "")/einvoice").errorFields.contains("TranDtls.EcmGstin"))
        }
    }

    @Test func operator_details_that_break_the_law_are_refused_by_field() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            try await hotel(g)
            let keyboard = [GSTFixture.line("USB Keyboard", "1", "100.00")], room = [GSTFixture.line("Room Night", "1", "100.00")]
            let cases: [(String, String, [JSONValue], [String: JSONValue], [String])] = [
                // An ordinary taxpayer's GSTIN is not an operator's.
                ("sales", "Pune Retail", keyboard, ["ecommerceOperator": "27AAPFU0939F1ZV"], ["ecommerceOperator"]),
                ("sales", "Pune Retail", keyboard, ["ecommerceOperator": "27AAECG3736E1C3"], ["ecommerceOperator"]),
                ("sales", "Pune Retail", keyboard, ["ecommerceSection": "52"], ["ecommerceSection"]),
                // s.9(5) is for notified services, never goods.
                ("sales", "Guest", keyboard, ["ecommerceOperator": .string(Self.operatorMH), "ecommerceSection": "9(5)"], ["ecommerceSection"]),
                ("sales", "Guest", room, ["ecommerceOperator": .string(Self.operatorMH), "ecommerceSection": "9(6)"], ["ecommerceSection"]),
                ("purchase", "Gujarat Supplies", keyboard, ["ecommerceOperator": .string(Self.operatorMH), "number": "GS-1"], ["ecommerceOperator"]),
            ]
            for (kind, party, lines, extra, fields) in cases {
                let r = try await g.invoice(kind, party, "2026-08-05", lines, extra: extra)
                #expect(r.errorFields == fields, "\(extra): \(r.text)")
            }
            #expect(try await g.f.get("invoices").json["items"]?.arrayValue.isEmpty == true)
        }
    }

    /// Bill-from dispatch-from: the goods leave from another place; the e-invoice carries DispDtls and the e-way bill
    /// starts there while the bill stays ours (transaction type 3, or 4 with a ship-to).
    @Test func dispatch_from_moves_the_e_way_bill_origin_and_fills_disp_dtls() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            try await g.registerWithAddress()
            try await g.address("Sharma Traders", "5 Market Street", "Bengaluru", "560001")
            let dispatch: JSONValue = ["name": "Acme Warehouse Bhiwandi", "address": "Gala 4 Vashere", "place": "Bhiwandi", "pincode": "421302",
                                       "stateCode": "27"]
            let shipTo: JSONValue = ["name": "Sharma Traders Godown", "address": "Plot 9 KIADB", "place": "Hosur Road", "pincode": "560099",
                                     "stateCode": "29"]
            let only = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [GSTFixture.line("USB Keyboard", "60", "1000.00")],
                                           extra: ["dispatchFrom": dispatch])
            #expect(only.status == .created, "\(only.text)")
            #expect(only.json["dispatchFrom"]?["pincode"]?.stringValue == "421302")
            let ewb = try await g.f.get("invoices/\(only.json["id"]?.stringValue ?? "")/ewaybill").json
            #expect(ewb["transactionType"] == .int(3) && ewb["fromPincode"] == .int(421302) && ewb["fromPlace"]?.stringValue == "Bhiwandi")
            #expect(ewb["fromGstin"]?.stringValue == "27AAPFU0939F1ZV" && ewb["toPincode"] == .int(560001), "\(ewb)")
            let e = try await g.f.get("invoices/\(only.json["id"]?.stringValue ?? "")/einvoice")
            #expect(e.status == .ok, "\(e.text)")
            #expect(e.json["DispDtls"]?["Nm"]?.stringValue == "Acme Warehouse Bhiwandi" && e.json["DispDtls"]?["Pin"] == .int(421302))

            let both = try await g.invoice("sales", "Sharma Traders", "2026-08-06", [GSTFixture.line("USB Keyboard", "60", "1000.00")],
                                           extra: ["dispatchFrom": dispatch, "shipTo": shipTo])
            let ewb4 = try await g.f.get("invoices/\(both.json["id"]?.stringValue ?? "")/ewaybill").json
            #expect(ewb4["transactionType"] == .int(4) && ewb4["fromPincode"] == .int(421302) && ewb4["toPincode"] == .int(560099))

            #expect(try await g.invoice("sales", "Sharma Traders", "2026-08-05", [GSTFixture.line("USB Keyboard", "1", "10.00")],
                                        extra: ["dispatchFrom": ["name": "X", "address": "Y", "place": "Z", "pincode": "४११००१", "stateCode": "96"]])
                .errorFields.sorted() == ["dispatchFrom.address", "dispatchFrom.name", "dispatchFrom.pincode", "dispatchFrom.place", "dispatchFrom.stateCode"])
            #expect(try await g.invoice("purchase", "Gujarat Supplies", "2026-08-05", [GSTFixture.line("USB Keyboard", "1", "10.00")],
                                        extra: ["number": "GS-1", "dispatchFrom": dispatch]).errorFields == ["dispatchFrom"])
        }
    }

    /// The shipping bill comes after the invoice: recorded by PUT, checked as at posting, audited, and carried to GSTR-1.
    @Test func a_shipping_bill_recorded_after_the_export_reaches_gstr1() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            #expect(try await g.f.post("ledgers", ["name": "Berlin Buyer", "group": "Sundry Debtors", "registrationType": "overseas",
                                                   "stateCode": "96"]).status == .created)
            let export = try await g.invoice("sales", "Berlin Buyer", "2026-08-05", [GSTFixture.line("USB Keyboard", "1", "2000.00")])
            #expect(export.status == .created, "\(export.text)")
            let id = export.json["id"]?.stringValue ?? ""
            #expect(try await g.f.get("gst/gstr1?period=2026-08").json["exp"]?[0]?["inv"]?[0]?["sbnum"] == nil)

            func put(_ path: String, _ body: JSONValue) async throws -> TestResponse {
                try await g.f.client.send(.PUT, "\(g.f.base)/invoices/\(path)/shipping-bill", token: g.f.owner.accessToken, json: body)
            }
            #expect(try await put(id, ["number": "12AB", "date": "2026-08-04", "port": "innsa1"]).errorFields.sorted() == ["date", "number", "port"])
            #expect(try await put(id, ["number": "1234567", "date": "2026-13-01", "port": "INNSA1"]).errorFields == ["date"])
            let domestic = try await g.invoice("sales", "Pune Retail", "2026-08-05", [GSTFixture.line("USB Keyboard", "1", "100.00")])
            #expect(try await put(domestic.json["id"]?.stringValue ?? "", ["number": "1234567", "date": "2026-08-06", "port": "INNSA1"])
                .errorFields == ["invoice"])
            #expect(try await put(UUID().uuidString, ["number": "1234567", "date": "2026-08-06", "port": "INNSA1"]).status == .notFound)

            let ok = try await put(id, ["number": "1234567", "date": "2026-08-07", "port": "INNSA1"])
            #expect(ok.status == .ok, "\(ok.text)")
            #expect(ok.json["shippingBill"]?["number"]?.stringValue == "1234567")
            let row = try await g.f.get("gst/gstr1?period=2026-08").json["exp"]?[0]?["inv"]?[0]
            #expect(row?["sbnum"]?.stringValue == "1234567" && row?["sbdt"]?.stringValue == "07-08-2026" && row?["sbpcode"]?.stringValue == "INNSA1")
            struct A: Decodable { var action: String }
            let actions = try await app.db.sql().raw("SELECT action FROM audit_entries WHERE entity_id = \(bind: id.lowercased())")
                .all(decoding: A.self).map(\.action)
            #expect(actions.contains("invoice.shipping-bill"))
        }
    }
}

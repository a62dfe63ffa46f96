@testable import App
import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Testing
import Vapor

/// The books fixture (company in Maharashtra, GSTIN 27AAPFU0939F1ZV) plus GST parties and items.
struct GSTFixture {
    let f: BooksFixture

    static func make(_ app: Application) async throws -> GSTFixture {
        let f = try await BooksFixture.make(app)
        for body: JSONValue in [
            ["name": "Pune Retail", "group": "Sundry Debtors", "gstin": "27AAJCS5738D1Z6", "billWise": true],
            ["name": "Walk-in Gujarat", "group": "Sundry Debtors", "registrationType": "unregistered", "stateCode": "24"],
            ["name": "Nameless Buyer", "group": "Sundry Debtors", "registrationType": "unregistered"],
            ["name": "Gujarat Supplies", "group": "Sundry Creditors", "gstin": "24AANFA2641L1ZF", "billWise": true],
            ["name": "Local Transporter", "group": "Sundry Creditors", "registrationType": "unregistered", "stateCode": "27"],
        ] {
            let r = try await f.post("ledgers", body)
            #expect(r.status == .created, "\(r.text)")
        }
        for body: JSONValue in [
            // Enough opening stock that the tax tests never run out (inventory has its own tests).
            ["name": "USB Keyboard", "hsn": "847160", "unit": "NOS", "gstRate": "18", "openingStock": [["quantity": "1000", "rate": "300.00"]]],
            ["name": "Cotton T-shirt", "hsn": "610910", "unit": "PCS", "gstRate": "5", "openingStock": [["quantity": "1000", "rate": "60.00"]]],
            ["name": "Milk", "hsn": "0401", "unit": "LTR", "gstRate": "0", "taxability": "nil-rated", "openingStock": [["quantity": "1000", "rate": "10.00"]]],
            ["name": "Road Freight", "hsn": "996511", "unit": "NA", "gstRate": "5"],
        ] {
            let r = try await f.post("items", body)
            #expect(r.status == .created, "\(r.text)")
        }
        return GSTFixture(f: f)
    }

    static func line(_ item: String, _ quantity: String, _ rate: String, discount: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["item": .string(item), "quantity": .string(quantity), "rate": .string(rate)]
        if let discount { o["discount"] = .string(discount) }
        return .object(o)
    }

    /// The company's registration with the address e-invoices and e-way bills need.
    func registerWithAddress() async throws {
        #expect(try await f.post("gst/registrations", ["gstin": "27AAPFU0939F1ZV", "legalName": "Acme Traders Private Limited",
                                                       "address": "12 Station Road", "place": "Pune", "pincode": "411001"]).status == .created)
    }

    /// Gives a party ledger the address e-documents need.
    func address(_ ledger: String, _ address: String, _ place: String, _ pincode: String) async throws {
        let path = ledger.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ledger
        let r = try await f.client.send(.PATCH, "\(f.base)/ledgers/\(path)", token: f.owner.accessToken,
                                        json: ["address": .string(address), "place": .string(place), "pincode": .string(pincode)])
        #expect(r.status == .ok, "\(r.text)")
    }

    func invoice(_ kind: String, _ party: String, _ date: String, _ lines: [JSONValue], extra: [String: JSONValue] = [:]) async throws -> TestResponse {
        var body: [String: JSONValue] = ["kind": .string(kind), "party": .string(party), "date": .string(date), "lines": .array(lines)]
        for (k, v) in extra { body[k] = v }
        return try await f.post("invoices", .object(body))
    }
}

@Suite struct GSTINLookupTests {
    @Test func lookup_explains_valid_and_invalid_numbers() async throws {
        try await withApp { app in
            let client = TestClient(app: app)
            let user = try await client.register()
            let ok = try await client.send(.GET, "/api/v1/gstin/27aapfu0939f1zv", token: user.accessToken).json
            #expect(ok["valid"]?.boolValue == true && ok["stateName"]?.stringValue == "Maharashtra" && ok["pan"]?.stringValue == "AAPFU0939F")
            let bad = try await client.send(.GET, "/api/v1/gstin/27AAPFU0939F1ZO", token: user.accessToken).json
            #expect(bad["valid"]?.boolValue == false)
            #expect(bad["error"]?.stringValue?.contains("checksum gives V") == true)
            #expect(try await client.send(.GET, "/api/v1/gstin/27AAPFU0939F1ZV").status == .unauthorized)
        }
    }
}

@Suite struct ItemTests {
    @Test func items_validate_hsn_unit_and_rates_and_keep_a_rate_history() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let cases: [(JSONValue, String)] = [
                (["name": "A", "hsn": "84", "unit": "NOS", "gstRate": "18"], "hsn"),
                (["name": "B", "hsn": "8471", "unit": "XYZ", "gstRate": "18"], "unit"),
                (["name": "C", "hsn": "8471", "unit": "NOS", "gstRate": "18.005"], "gstRate"),
                (["name": "D", "hsn": "8471", "unit": "NOS"], "gstRate"),
                (["name": "E", "hsn": "8471", "unit": "NOS", "gstRate": "17"], "gstRate"),
                (["name": "F", "hsn": "998314", "unit": "NOS", "gstRate": "18"], "unit"),
                (["name": "usb keyboard", "hsn": "8471", "unit": "NOS", "gstRate": "18"], "name"),
            ]
            for (body, field) in cases {
                let r = try await g.f.post("items", body)
                #expect(r.status == .unprocessableEntity && r.errorFields.contains(field), "\(body): \(r.text)")
            }
            let changed = try await g.f.client.send(.PATCH, "\(g.f.base)/items/Cotton%20T-shirt", token: g.f.owner.accessToken,
                                                    json: ["gstRate": "12", "rateFrom": "2026-10-01"])
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(changed.json["rates"]?.arrayValue.count == 2)
        }
    }
}

@Suite struct InvoiceTests {
    @Test func an_inter_state_sale_posts_one_balanced_voucher_with_its_bill() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let r = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [
                GSTFixture.line("USB Keyboard", "10", "1000.00"), GSTFixture.line("Cotton T-shirt", "40", "50.00", discount: "100.00"),
            ], extra: ["roundOff": true])
            #expect(r.status == .created, "\(r.text)")
            let inv = r.json
            #expect(inv["number"]?.stringValue == "INV/26-27/0001")
            #expect(inv["placeOfSupply"]?.stringValue == "29")
            // 10,000 @18% IGST 1,800; (2,000 − 100) @5% IGST 95; 13,795.00 needs no rounding.
            #expect(inv["totals"]?["taxable"]?.stringValue == "11900.00")
            #expect(inv["totals"]?["igst"]?.stringValue == "1895.00")
            #expect(inv["totals"]?["cgst"]?.stringValue == "0.00")
            #expect(inv["totals"]?["total"]?.stringValue == "13795.00")
            #expect(inv["lines"]?[1]?["treatment"]?.stringValue == "inter-state")

            let voucher = try await g.f.get("vouchers/\(inv["voucherId"]?.stringValue ?? "")").json
            #expect(voucher["number"] == inv["number"])
            let entries = voucher["entries"]?.arrayValue ?? []
            #expect(entries.first { $0["ledger"]?.stringValue == "Sharma Traders" }?["debit"]?.stringValue == "13795.00")
            #expect(entries.first { $0["ledger"]?.stringValue == "Output IGST" }?["credit"]?.stringValue == "1895.00")
            #expect(entries.first { $0["ledger"]?.stringValue == "Sales" }?["credit"]?.stringValue == "11900.00")
            let out = try await g.f.get("reports/outstanding?kind=receivable&asOf=2026-08-31").json
            #expect(out["parties"]?[0]?["bills"]?.arrayValue.contains { $0["reference"]?.stringValue == "INV/26-27/0001" } == true)
            // The voucher follows the invoice: amending it alone is refused.
            let amend = try await g.f.client.send(.PUT, "\(g.f.base)/vouchers/\(inv["voucherId"]?.stringValue ?? "")", token: g.f.owner.accessToken,
                                                  json: ["type": "sales", "date": "2026-08-05", "entries": [BooksFixture.entry("Sharma Traders", dr: "1.00"),
                                                                                                            BooksFixture.entry("Sales", cr: "1.00")]])
            #expect(amend.status == .conflict)

            // A registration may keep Tally's rate-wise tax ledgers.
            _ = try await g.f.post("gst/registrations", ["gstin": "29AABCR1718E1ZL", "rateWiseLedgers": true])
            let rateWise = try await g.invoice("sales", "Pune Retail", "2026-08-06", [GSTFixture.line("Cotton T-shirt", "10", "100.00")],
                                               extra: ["registration": "29AABCR1718E1ZL"])
            #expect(rateWise.status == .created, "\(rateWise.text)")
            let rv = try await g.f.get("vouchers/\(rateWise.json["voucherId"]?.stringValue ?? "")").json
            #expect(rv["entries"]?.arrayValue.contains { $0["ledger"]?.stringValue == "Output IGST 5%" } == true, "\(rv)")

            // Intra-state: CGST and SGST halves; rounding to the rupee goes to Round Off.
            let local = try await g.invoice("sales", "Pune Retail", "2026-08-06", [GSTFixture.line("USB Keyboard", "1", "99.90")],
                                            extra: ["roundOff": true, "registration": "27AAPFU0939F1ZV"])
            #expect(local.json["totals"]?["cgst"]?.stringValue == "8.99")
            #expect(local.json["totals"]?["sgst"]?.stringValue == "8.99")
            #expect(local.json["totals"]?["roundOff"]?.stringValue == "0.12")
            #expect(local.json["totals"]?["total"]?.stringValue == "118.00")
        }
    }

    @Test func bad_invoices_get_field_errors_and_write_nothing() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            func L(_ item: String, _ quantity: String, _ rate: String) -> JSONValue { GSTFixture.line(item, quantity, rate) }
            _ = try await g.f.post("items", ["name": "Later Item", "hsn": "8471", "unit": "NOS", "gstRate": "18", "rateFrom": "2026-12-01"])
            let sale = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [L("USB Keyboard", "1", "1000.00")])
            let saleID = sale.json["id"]?.stringValue ?? ""
            _ = try await g.invoice("purchase", "Gujarat Supplies", "2026-08-05", [L("USB Keyboard", "2", "500.00")], extra: ["number": "GS-101"])
            struct Count: Decodable { var n: Int }
            func counts() async throws -> [Int] {
                var out: [Int] = []
                for table in ["invoices", "invoice_lines", "vouchers", "voucher_entries", "ledgers"] {
                    out.append(try await app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(decoding: Count.self)?.n ?? -1)
                }
                return out
            }
            let before = try await counts()
            let cases: [(String, String, [JSONValue], [String: JSONValue], String)] = [
                ("no place of supply", "Nameless Buyer", [L("USB Keyboard", "1", "100.00")], [:], "placeOfSupply"),
                ("negative quantity", "Sharma Traders", [L("USB Keyboard", "-2", "100.00")], [:], "lines[0].quantity"),
                ("three-decimal rate", "Sharma Traders", [L("USB Keyboard", "1", "100.005")], [:], "lines[0].rate"),
                ("no rate on the date", "Sharma Traders", [L("Later Item", "1", "100.00")], [:], "lines[0].item"),
                ("unknown item", "Sharma Traders", [L("Nothing", "1", "100.00")], [:], "lines[0].item"),
                ("credit note above original", "Sharma Traders", [L("USB Keyboard", "2", "1000.00")],
                 ["kind": "credit-note", "originalInvoice": .string(saleID)], "lines"),
                ("note without original", "Sharma Traders", [L("USB Keyboard", "1", "10.00")], ["kind": "credit-note"], "originalInvoice"),
                ("duplicate supplier number", "Gujarat Supplies", [L("USB Keyboard", "1", "10.00")], ["kind": "purchase", "number": "GS-101"], "number"),
                ("purchase without number", "Gujarat Supplies", [L("USB Keyboard", "1", "10.00")], ["kind": "purchase"], "number"),
                ("number on a sale", "Sharma Traders", [L("USB Keyboard", "1", "10.00")], ["number": "X-1"], "number"),
                ("bad place of supply", "Sharma Traders", [L("USB Keyboard", "1", "10.00")], ["placeOfSupply": "55"], "placeOfSupply"),
            ]
            for (name, party, lines, extra, field) in cases {
                var e = extra
                let kind = e.removeValue(forKey: "kind")?.stringValue ?? "sales"
                let r = try await g.invoice(kind, party, "2026-08-10", lines, extra: e)
                #expect(r.status == .unprocessableEntity, "\(name): \(r.text)")
                #expect(r.errorFields.contains(field), "\(name): \(r.errorFields)")
            }
            #expect(try await counts() == before)

            // Turnover above ₹5 crore needs 6-digit HSN: a 4-digit item is refused on that registration.
            _ = try await g.f.post("gst/registrations", ["gstin": "29AABCR1718E1ZL", "turnoverAbove5Crore": true])
            let large = try await g.invoice("sales", "Sharma Traders", "2026-08-10", [L("Milk", "1", "10.00")],
                                            extra: ["registration": "29AABCR1718E1ZL"])
            #expect(large.errorFields == ["lines[0].item"], "\(large.text)")
            let ambiguous = try await g.invoice("sales", "Sharma Traders", "2026-08-10", [L("USB Keyboard", "1", "10.00")])
            #expect(ambiguous.errorFields == ["registration"])

            // A locked period refuses the invoice with 409 and writes nothing either.
            _ = try await g.f.post("period-locks", ["lockedThrough": "2026-08-31", "reason": "filed"])
            let locked = try await g.invoice("sales", "Sharma Traders", "2026-08-10", [L("USB Keyboard", "1", "10.00")],
                                             extra: ["registration": "27AAPFU0939F1ZV"])
            #expect(locked.status == .conflict)
            #expect(try await counts() == before)
        }
    }

    @Test func notes_purchases_and_reverse_charge_post_the_right_way_round() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            func L(_ item: String, _ quantity: String, _ rate: String) -> JSONValue { GSTFixture.line(item, quantity, rate) }
            let sale = try await g.invoice("sales", "Pune Retail", "2026-08-05", [L("USB Keyboard", "5", "1000.00")])
            let cn = try await g.invoice("credit-note", "Pune Retail", "2026-08-20", [L("USB Keyboard", "1", "1000.00")],
                                         extra: ["originalInvoice": .string(sale.json["number"]?.stringValue ?? "")])
            #expect(cn.status == .created, "\(cn.text)")
            #expect(cn.json["number"]?.stringValue == "CN/26-27/0001")
            let cnVoucher = try await g.f.get("vouchers/\(cn.json["voucherId"]?.stringValue ?? "")").json
            #expect(cnVoucher["entries"]?.arrayValue.first { $0["ledger"]?.stringValue == "Pune Retail" }?["credit"]?.stringValue == "1180.00")
            #expect(cnVoucher["entries"]?.arrayValue.first { $0["ledger"]?.stringValue == "Output CGST" }?["debit"]?.stringValue == "90.00")
            // The note settles the invoice's bill: 5,900 − 1,180 is still open.
            let out = try await g.f.get("reports/outstanding?kind=receivable&asOf=2026-08-31").json
            let bill = out["parties"]?.arrayValue.first { $0["party"]?.stringValue == "Pune Retail" }?["bills"]?[0]
            #expect(bill?["pending"]?.stringValue == "4720.00")

            let purchase = try await g.invoice("purchase", "Gujarat Supplies", "2026-08-07", [L("USB Keyboard", "10", "400.00")], extra: ["number": "GS-7"])
            #expect(purchase.status == .created, "\(purchase.text)")
            #expect(purchase.json["totals"]?["igst"]?.stringValue == "720.00")
            #expect(purchase.json["supplierState"]?.stringValue == "24")
            let pv = try await g.f.get("vouchers/\(purchase.json["voucherId"]?.stringValue ?? "")").json
            #expect(pv["entries"]?.arrayValue.first { $0["ledger"]?.stringValue == "Input IGST" }?["debit"]?.stringValue == "720.00")
            #expect(pv["reference"]?.stringValue == "GS-7")

            // Reverse charge on freight from an unregistered transporter: we owe the tax and take it as credit.
            let rcm = try await g.invoice("purchase", "Local Transporter", "2026-08-08", [L("Road Freight", "1", "5000.00")],
                                          extra: ["number": "LT-1", "reverseCharge": true])
            #expect(rcm.status == .created, "\(rcm.text)")
            #expect(rcm.json["totals"]?["total"]?.stringValue == "5000.00")
            let rv = try await g.f.get("vouchers/\(rcm.json["voucherId"]?.stringValue ?? "")").json
            let rEntries = rv["entries"]?.arrayValue ?? []
            #expect(rEntries.first { $0["ledger"]?.stringValue == "Input CGST" }?["debit"]?.stringValue == "125.00")
            #expect(rEntries.first { $0["ledger"]?.stringValue == "Output CGST" }?["credit"]?.stringValue == "125.00")
            // Only nil-rated goods: a bill of supply.
            let milk = try await g.invoice("sales", "Cash", "2026-08-09", [L("Milk", "10", "50.00")])
            #expect(milk.json["billOfSupply"]?.boolValue == true)
            // Without reverse charge an unregistered supplier charges nothing.
            let plain = try await g.invoice("purchase", "Local Transporter", "2026-08-09", [L("Road Freight", "1", "100.00")], extra: ["number": "LT-2"])
            #expect(plain.json["totals"]?["tax"]?.stringValue == "0.00")
        }
    }
}

@Suite struct GSTReturnTests {
    @Test func returns_come_from_the_invoices_and_refuse_bad_periods() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            func L(_ item: String, _ quantity: String, _ rate: String) -> JSONValue { GSTFixture.line(item, quantity, rate) }
            _ = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [L("USB Keyboard", "10", "1000.00")])
            _ = try await g.invoice("sales", "Walk-in Gujarat", "2026-08-06", [L("USB Keyboard", "2", "60000.00")])
            _ = try await g.invoice("sales", "Cash", "2026-08-07", [L("Cotton T-shirt", "10", "100.00"), L("Milk", "5", "20.00")])
            _ = try await g.invoice("purchase", "Gujarat Supplies", "2026-08-07", [L("USB Keyboard", "10", "400.00")], extra: ["number": "GS-7"])
            let cancelled = try await g.invoice("sales", "Cash", "2026-08-08", [L("Cotton T-shirt", "1", "100.00")])
            _ = try await g.f.post("vouchers/\(cancelled.json["voucherId"]?.stringValue ?? "")/cancel", [:])

            let r1 = try await g.f.get("gst/gstr1?period=2026-08")
            #expect(r1.status == .ok, "\(r1.text)")
            #expect(r1.headers.first(name: .contentDisposition)?.contains("GSTR-1-27AAPFU0939F1ZV-082026.json") == true)
            let j = r1.json
            #expect(j["gstin"]?.stringValue == "27AAPFU0939F1ZV" && j["fp"]?.stringValue == "082026")
            #expect(j["b2b"]?[0]?["ctin"]?.stringValue == "29AABCR1718E1ZL")
            #expect(j["b2b"]?[0]?["inv"]?[0]?["itms"]?[0]?["itm_det"]?["iamt"] == .int(1800))
            #expect(j["b2cl"]?[0]?["pos"]?.stringValue == "24")  // 1,41,600 > 1 lakh
            #expect(j["b2cs"]?[0]?["sply_ty"]?.stringValue == "INTRA")
            #expect(j["nil"]?["inv"]?[0]?["sply_ty"]?.stringValue == "INTRAB2C")
            #expect(j["hsn"]?["hsn_b2b"] != nil && j["hsn"]?["hsn_b2c"] != nil)
            let docs = j["doc_issue"]?["doc_det"]?[0]?["docs"]?[0]
            #expect(docs?["totnum"] == .int(4) && docs?["cancel"] == .int(1))

            let r3 = try await g.f.get("gst/gstr3b?period=2026-08").json
            #expect(r3["ret_period"]?.stringValue == "082026")
            // 10,000 + 1,20,000 + 1,000 taxable outward; IGST 1,800 + 21,600.
            #expect(r3["sup_details"]?["osup_det"]?["txval"] == .int(131000))
            #expect(r3["sup_details"]?["osup_det"]?["iamt"] == .int(23400))
            #expect(r3["sup_details"]?["osup_nil_exmp"]?["txval"] == .int(100))
            #expect(r3["itc_elg"]?["itc_net"]?["iamt"] == .int(720))
            let sources = try await g.f.get("gst/gstr3b/sources?period=2026-08").json
            #expect(sources["figures"]?["sup_details.osup_det"]?.arrayValue.count == 3)

            // The returns and the books agree head by head, the reverse-charge-free month having nothing in 3.1(d).
            let tie = try await g.f.get("gst/tie-out?period=2026-08").json
            #expect(tie["agrees"]?.boolValue == true, "\(tie)")
            #expect(tie["rows"]?[0]?["head"]?.stringValue == "IGST" && tie["rows"]?[0]?["books"]?.stringValue == "23400.00")
            let register = try await g.f.get("gst/registers?period=2026-08&kind=sales").json
            #expect(register["rows"]?.arrayValue.count == 4)
            #expect(register["totals"]?["taxable"]?.stringValue == "131100.00")
            #expect(try await g.f.get("gst/registers?period=2026-08&kind=purchase").json["rows"]?.arrayValue.count == 1)
            #expect(try await g.f.get("gst/registers?period=2026-08&kind=other").errorFields == ["kind"])
            #expect(try await g.f.get("gst/hsn-summary?period=2026-08").json["hsn_b2b"] != nil)
            let validation = try await g.f.get("gst/gstr1/validation?period=2026-08").json
            #expect(validation["documents"] == .int(3))
            #expect(validation["issues"]?.arrayValue.isEmpty == true, "\(validation)")
            #expect(try await g.f.get("gst/gstr1?period=2026-13").errorFields == ["period"])
            #expect(try await g.f.get("gst/gstr1").errorFields == ["period"])
            #expect(try await g.f.get("gst/gstr1?period=2026-08&gstin=29AABCR1718E1ZL").errorFields == ["gstin"])
        }
    }
}

extension GSTReturnTests {
    /// GSTR-3B is built from documents summed in SQL; it must equal the return built from every document.
    @Test func gstr3b_from_database_sums_equals_gstr3b_from_every_invoice() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            _ = try await g.f.post("items", ["name": "IT Consulting", "hsn": "998313", "unit": "NA", "gstRate": "18", "kind": "service"])
            func L(_ item: String, _ quantity: String, _ rate: String) -> JSONValue { GSTFixture.line(item, quantity, rate) }
            let sale = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [L("USB Keyboard", "10", "1000.00"), L("Cotton T-shirt", "3", "250.00")])
            _ = try await g.invoice("sales", "Walk-in Gujarat", "2026-08-06", [L("USB Keyboard", "2", "60000.00")])
            _ = try await g.invoice("sales", "Walk-in Gujarat", "2026-08-06", [L("USB Keyboard", "1", "600.00")])
            _ = try await g.invoice("sales", "Cash", "2026-08-07", [L("Cotton T-shirt", "10", "100.00"), L("Milk", "5", "20.00")])
            for day in 11...15 { _ = try await g.invoice("sales", "Cash", "2026-08-\(day)", [L("Cotton T-shirt", "\(day)", "99.50")]) }
            _ = try await g.invoice("credit-note", "Sharma Traders", "2026-08-09", [L("USB Keyboard", "1", "1000.00")],
                                    extra: ["originalInvoice": .string(sale.json["number"]?.stringValue ?? "")])
            _ = try await g.invoice("purchase", "Gujarat Supplies", "2026-08-07", [L("USB Keyboard", "10", "400.00")], extra: ["number": "GS-7"])
            _ = try await g.invoice("purchase", "Local Transporter", "2026-08-08", [L("Road Freight", "1", "5000.00")],
                                    extra: ["number": "LT-1", "reverseCharge": true])
            _ = try await g.invoice("purchase", "Local Transporter", "2026-08-09", [L("Road Freight", "1", "100.00")], extra: ["number": "LT-2"])
            let advance = try await g.invoice("advance-receipt", "Sharma Traders", "2026-08-10", [L("IT Consulting", "1", "5000.00")], extra: ["account": "Cash"])
            _ = try await g.invoice("advance-adjustment", "Sharma Traders", "2026-08-20", [L("IT Consulting", "1", "2000.00")],
                                    extra: ["originalInvoice": .string(advance.json["number"]?.stringValue ?? "")])
            let cancelled = try await g.invoice("sales", "Sharma Traders", "2026-08-21", [L("USB Keyboard", "1", "999.00")])
            _ = try await g.f.post("vouchers/\(cancelled.json["voucherId"]?.stringValue ?? "")/cancel", [:])

            let companyID = try #require(UUID(uuidString: g.f.company))
            let registration = try await Registrations.all(company: companyID, on: app.db)[0]
            let period = ReturnPeriod("2026-08")!
            let filer = try GSTIN(registration.gstin)
            let full = try await GSTReturns.documents(company: companyID, registration: registration.id, from: period.first, to: period.last, on: app.db)
            let summed = try await GSTReturns.taxSummary(company: companyID, registration: registration.id, from: period.first, to: period.last, on: app.db)
            #expect(summed.count < full.count)
            let fromFull = try GSTR3B.build(filer: filer, period: period, documents: full, sources: false).0
            #expect(fromFull.sup_details.osup_det.txval != 0 && fromFull.sup_details.isup_rev.txval != 0)
            #expect(try GSTR3B.build(filer: filer, period: period, documents: summed, sources: false).0 == fromFull)
        }
    }

    /// The kept day totals move with posting and cancelling, and a drifted row is reported by `verify-books`.
    @Test func kept_gst_day_totals_follow_invoices_and_drift_is_reported() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let companyID = try #require(UUID(uuidString: g.f.company))
            struct Sum: Decodable { var taxable: Int64? }
            func kept() async throws -> Int64 {
                try await app.db.sql().raw("SELECT CAST(SUM(taxable_paise) AS BIGINT) AS taxable FROM gst_day_totals WHERE company_id = \(bind: companyID)")
                    .first(decoding: Sum.self)?.taxable ?? 0
            }
            let sale = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [GSTFixture.line("USB Keyboard", "2", "1000.00")])
            #expect(sale.status == .created, "\(sale.text)")
            #expect(try await kept() == 2_000_00)
            _ = try await g.f.post("vouchers/\(sale.json["voucherId"]?.stringValue ?? "")/cancel", [:])
            #expect(try await kept() == 0)
            #expect(try await BooksVerifier.verify(company: companyID, on: app.db).isEmpty)

            let again = try await g.invoice("sales", "Sharma Traders", "2026-08-06", [GSTFixture.line("USB Keyboard", "1", "1000.00")])
            #expect(again.status == .created)
            try await app.write { db in
                try await db.sql().raw("UPDATE gst_day_totals SET taxable_paise = taxable_paise + 1 WHERE company_id = \(bind: companyID) AND date = '2026-08-06'").run()
            }
            let found = try await BooksVerifier.verify(company: companyID, on: app.db)
            #expect(found.count == 1 && found.first?.description.contains("2026-08-06") == true, "\(found)")
            try await app.write { db in
                try await db.sql().raw("UPDATE gst_day_totals SET taxable_paise = taxable_paise - 1 WHERE company_id = \(bind: companyID) AND date = '2026-08-06'").run()
            }
        }
    }
}

@Suite struct EDocumentTests {
    @Test func einvoice_and_ewaybill_list_broken_rules_until_the_data_is_complete() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            func L(_ item: String, _ quantity: String, _ rate: String) -> JSONValue { GSTFixture.line(item, quantity, rate) }
            try await g.registerWithAddress()
            let sale = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [L("USB Keyboard", "10", "1000.00")])
            let id = sale.json["id"]?.stringValue ?? ""
            let missing = try await g.f.get("invoices/\(id)/einvoice")
            #expect(missing.status == .unprocessableEntity)
            #expect(Set(missing.errorFields) == ["BuyerDtls.Addr1", "BuyerDtls.Loc", "BuyerDtls.Pin"], "\(missing.text)")
            try await g.address("Sharma Traders", "5 Market Street", "Bengaluru", "560001")
            let e = try await g.f.get("invoices/\(id)/einvoice")
            #expect(e.status == .ok, "\(e.text)")
            #expect(e.json["DocDtls"]?["No"]?.stringValue == "INV/26-27/0001")
            #expect(e.json["DocDtls"]?["Dt"]?.stringValue == "05/08/2026")
            #expect(e.json["ValDtls"]?["IgstVal"] == .int(1800))
            #expect(e.json["BuyerDtls"]?["Pin"] == .int(560001))

            let small = try await g.f.get("invoices/\(id)/ewaybill")
            #expect(small.errorFields == ["totInvValue"])
            let big = try await g.invoice("sales", "Sharma Traders", "2026-08-06", [L("USB Keyboard", "60", "1000.00")])
            let bigID = big.json["id"]?.stringValue ?? ""
            let ewb = try await g.f.get("invoices/\(bigID)/ewaybill?transMode=1&distance=840&vehicleNo=ka01ab1234")
            #expect(ewb.status == .ok, "\(ewb.text)")
            #expect(ewb.json["igstValue"] == .int(10800) && ewb.json["vehicleNo"]?.stringValue == "KA01AB1234")
            #expect(try await g.f.get("invoices/\(bigID)/ewaybill?transMode=9").errorFields == ["transMode"])

            let b2c = try await g.invoice("sales", "Cash", "2026-08-07", [L("USB Keyboard", "1", "100.00")])
            #expect(try await g.f.get("invoices/\(b2c.json["id"]?.stringValue ?? "")/einvoice").errorFields.contains("BuyerDtls.Gstin"))
            #expect(try await g.f.get("invoices/\(UUID())/einvoice").status == .notFound)
            #expect(try await g.f.post("ledgers", ["name": "Bad Pin", "group": "Sundry Debtors", "pincode": "12AB56"]).errorFields == ["pincode"])
        }
    }
}

@Suite struct WebGSTTests {
    @Test func items_invoices_preview_print_and_returns_pages() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let browser = try await WebTestSession.start(for: g.f.owner.userID, on: app)
            let base = "/app/c/\(g.f.company.lowercased())"
            let badItem = try await browser.send(.POST, base + "/items", form: ["name": "Widget", "hsn": "12", "unit": "NOS", "gstRate": "18"])
            #expect(badItem.status == .unprocessableEntity)
            #expect(badItem.text.contains(#"id="f-hsn-error""#))
            #expect(try await browser.send(.POST, base + "/items", form: ["name": "Widget", "hsn": "847330", "unit": "NOS", "gstRate": "18",
                                                                          "openingQuantity": "10", "openingRate": "250.00"]).status == .seeOther)
            #expect(try await browser.send(.GET, base + "/items").text.contains("Widget"))

            struct Count: Decodable { var n: Int }
            func invoices() async throws -> Int { try await app.db.sql().raw("SELECT COUNT(*) AS n FROM invoices").first(decoding: Count.self)?.n ?? -1 }
            let form: [String: String] = ["kind": "sales", "party": "Pune Retail", "date": "2026-08-05", "item0": "Widget", "quantity0": "3",
                                          "rate0": "333.33", "roundOff": "true"]
            let preview = try await browser.send(.POST, base + "/invoices/preview", form: form)
            #expect(preview.status == .ok)
            // 999.99 taxable, CGST = SGST = 90.00 (89.9991 rounded), 1,179.99 rounded to 1,180.00.
            #expect(preview.json["taxable"]?.stringValue == "999.99")
            #expect(preview.json["cgst"]?.stringValue == "90.00")
            #expect(preview.json["total"]?.stringValue == "1180.00")
            #expect(try await invoices() == 0)
            let badPreview = try await browser.send(.POST, base + "/invoices/preview", form: ["kind": "sales", "party": "Pune Retail", "date": "2026-08-05",
                                                                                             "item2": "Widget", "quantity2": "-1", "rate2": "1"])
            #expect(badPreview.json["errors"]?["lines[2].quantity"] != nil, "\(badPreview.text)")

            let saved = try await browser.send(.POST, base + "/invoices/new", form: form)
            #expect(saved.status == .seeOther)
            #expect(try await invoices() == 1)
            let location = saved.headers.first(name: .location) ?? ""
            let print = try await browser.send(.GET, location.components(separatedBy: "?")[0])
            #expect(print.status == .ok)
            for fact in ["Tax invoice", "27AAPFU0939F1ZV", "27AAJCS5738D1Z6", "Place of supply: Maharashtra (27)", "847330",
                         "Tax payable on reverse charge: No", "Rupees One Thousand One Hundred Eighty Only", "Authorised signatory"] {
                #expect(print.text.contains(fact), "\(fact)")
            }
            let list = try await browser.send(.GET, base + "/invoices")
            #expect(list.text.contains("INV/26-27/0001"))

            let returns = try await browser.send(.GET, base + "/gst/returns?period=2026-08")
            #expect(returns.status == .ok)
            #expect(returns.text.contains("No invoice would be rejected"))
            #expect(returns.text.contains("gstr1-summary"))
            let download = try await browser.send(.GET, base + "/gst/gstr1.json?period=2026-08")
            #expect(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
            #expect(download.json["fp"]?.stringValue == "082026")
            #expect(try await browser.send(.GET, base + "/gst/returns?period=2026-13").status == .unprocessableEntity)
        }
    }
}

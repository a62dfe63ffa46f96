@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Advances on services: the receipt voucher owes the tax in its month (GSTR-1 `at`), the adjustment takes it back
/// in the invoice's month (`txpd`), and the books, GSTR-1 and GSTR-3B agree in both.
@Suite struct GSTAdvanceTests {
    @Test func an_advance_and_its_adjustment_post_report_and_tie_out() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            #expect(try await g.f.post("items", ["name": "IT Consulting", "hsn": "998313", "unit": "NA", "gstRate": "18", "kind": "service"]).status == .created)
            func L(_ item: String, _ quantity: String, _ rate: String) -> JSONValue { GSTFixture.line(item, quantity, rate) }

            // 10,000 for consulting from a Karnataka customer, received into the bank in July.
            let advance = try await g.invoice("advance-receipt", "Sharma Traders", "2026-07-10", [L("IT Consulting", "1", "10000.00")],
                                              extra: ["account": "HDFC Bank"])
            #expect(advance.status == .created, "\(advance.text)")
            #expect(advance.json["totals"]?["igst"]?.stringValue == "1800.00" && advance.json["totals"]?["total"]?.stringValue == "11800.00")
            let av = try await g.f.get("vouchers/\(advance.json["voucherId"]?.stringValue ?? "")").json
            // Advances number in a series of their own (Table 13 reports them by range): not among ordinary receipts.
            #expect(av["type"]?.stringValue == "Advance Receipt" && av["kind"]?.stringValue == "receipt")
            #expect(advance.json["number"]?.stringValue == "ADV/26-27/0001")
            func side(_ v: JSONValue, _ ledger: String, _ key: String) -> String? {
                v["entries"]?.arrayValue.first { $0["ledger"]?.stringValue == ledger }?[key]?.stringValue
            }
            #expect(side(av, "HDFC Bank", "debit") == "11800.00")
            #expect(side(av, "Sharma Traders", "credit") == "10000.00")
            #expect(side(av, "Output IGST", "credit") == "1800.00")

            // August: the invoice, then the adjustment against the advance.
            let sale = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [L("IT Consulting", "1", "10000.00")])
            #expect(sale.status == .created, "\(sale.text)")
            let adjustment = try await g.invoice("advance-adjustment", "Sharma Traders", "2026-08-05", [L("IT Consulting", "1", "10000.00")],
                                                 extra: ["originalInvoice": .string(advance.json["number"]?.stringValue ?? "")])
            #expect(adjustment.status == .created, "\(adjustment.text)")
            let jv = try await g.f.get("vouchers/\(adjustment.json["voucherId"]?.stringValue ?? "")").json
            #expect(side(jv, "Output IGST", "debit") == "1800.00" && side(jv, "Sharma Traders", "credit") == "1800.00")
            // The party nets to nothing: 10,000 advanced, 11,800 invoiced, 1,800 put back.
            let tb = try await g.f.get("reports/trial-balance?asOf=2026-08-31").json
            let sharma = tb["rows"]?.arrayValue.first { $0["ledger"]?.stringValue == "Sharma Traders" }
            #expect(sharma == nil || (sharma?["debit"]?.stringValue ?? "0.00") == (sharma?["credit"]?.stringValue ?? "0.00"), "\(String(describing: sharma))")

            let july = try await g.f.get("gst/gstr1?period=2026-07").json
            #expect(july["at"]?[0]?["pos"]?.stringValue == "29" && july["at"]?[0]?["sply_ty"]?.stringValue == "INTER")
            #expect(july["at"]?[0]?["itms"]?[0]?["ad_amt"] == .int(10000) && july["at"]?[0]?["itms"]?[0]?["iamt"] == .int(1800))
            #expect(july["doc_issue"]?["doc_det"]?[0]?["doc_num"] == .int(6))
            #expect(july["doc_issue"]?["doc_det"]?[0]?["docs"]?[0]?["from"]?.stringValue == "ADV/26-27/0001")
            #expect(july["hsn"] == nil)
            let august = try await g.f.get("gst/gstr1?period=2026-08").json
            #expect(august["txpd"]?[0]?["itms"]?[0]?["ad_amt"] == .int(10000))
            #expect(august["b2b"]?[0]?["inv"]?.arrayValue.count == 1)
            #expect(try await g.f.get("gst/gstr3b?period=2026-07").json["sup_details"]?["osup_det"]?["iamt"] == .int(1800))
            #expect(try await g.f.get("gst/gstr3b?period=2026-08").json["sup_details"]?["osup_det"]?["iamt"] == .int(0))
            for period in ["2026-07", "2026-08"] {
                let tie = try await g.f.get("gst/tie-out?period=\(period)").json
                #expect(tie["agrees"]?.boolValue == true, "\(period): \(tie)")
            }
            // Not invoices: no e-invoice, and not in the sales register.
            #expect(try await g.f.get("invoices/\(advance.json["id"]?.stringValue ?? "")/einvoice").errorFields == ["kind"])
            #expect(try await g.f.get("gst/registers?period=2026-07&kind=sales").json["rows"]?.arrayValue.isEmpty == true)
        }
    }

    @Test func bad_advances_get_field_errors_and_write_nothing() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            _ = try await g.f.post("items", ["name": "IT Consulting", "hsn": "998313", "unit": "NA", "gstRate": "18", "kind": "service"])
            func L(_ item: String, _ quantity: String, _ rate: String) -> JSONValue { GSTFixture.line(item, quantity, rate) }
            let advance = try await g.invoice("advance-receipt", "Sharma Traders", "2026-07-10", [L("IT Consulting", "1", "1000.00")],
                                              extra: ["account": "Cash"])
            let number = JSONValue.string(advance.json["number"]?.stringValue ?? "")
            let sale = try await g.invoice("sales", "Sharma Traders", "2026-07-11", [L("USB Keyboard", "1", "1000.00")])
            struct Count: Decodable { var n: Int }
            func counts() async throws -> [Int] {
                var out: [Int] = []
                for table in ["invoices", "invoice_lines", "vouchers", "voucher_entries", "ledgers", "bill_allocations"] {
                    out.append(try await app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(decoding: Count.self)?.n ?? -1)
                }
                return out
            }
            let before = try await counts()
            let cases: [(String, String, [String: JSONValue], String)] = [
                ("goods", "advance-receipt", ["account": "Cash", "lines": [L("USB Keyboard", "1", "100.00")]], "lines[0].item"),
                ("no account", "advance-receipt", [:], "account"),
                ("account not cash or bank", "advance-receipt", ["account": "Sales"], "account"),
                ("unknown account", "advance-receipt", ["account": "Nowhere Bank"], "account"),
                ("rounded", "advance-receipt", ["account": "Cash", "roundOff": true], "roundOff"),
                ("account on a sale", "sales", ["account": "Cash"], "account"),
                ("adjustment without its advance", "advance-adjustment", [:], "originalInvoice"),
                ("adjustment against a sale", "advance-adjustment", ["originalInvoice": .string(sale.json["number"]?.stringValue ?? "")], "originalInvoice"),
                ("adjustment above the advance", "advance-adjustment", ["originalInvoice": number, "lines": [L("IT Consulting", "1", "1000.01")]], "lines"),
                ("adjustment before the advance", "advance-adjustment", ["originalInvoice": number, "date": "2026-07-09"], "date"),
            ]
            for (name, kind, extra, field) in cases {
                var body: [String: JSONValue] = ["kind": .string(kind), "party": "Sharma Traders", "date": "2026-07-20", "lines": [L("IT Consulting", "1", "100.00")]]
                for (k, v) in extra { body[k] = v }
                let r = try await g.f.post("invoices", .object(body))
                #expect(r.status == .unprocessableEntity, "\(name): \(r.text)")
                #expect(r.errorFields.contains(field), "\(name): \(r.text)")
            }
            #expect(try await counts() == before)
            // What is left of the advance can still be adjusted, in two parts.
            let first = try await g.invoice("advance-adjustment", "Sharma Traders", "2026-07-20", [L("IT Consulting", "1", "600.00")], extra: ["originalInvoice": number])
            #expect(first.status == .created, "\(first.text)")
            let over = try await g.invoice("advance-adjustment", "Sharma Traders", "2026-07-21", [L("IT Consulting", "1", "400.01")], extra: ["originalInvoice": number])
            #expect(over.errorFields == ["lines"])
        }
    }

    /// An advance paid back with no supply made: a refund voucher (Rule 51) in its own series, the bank paying the
    /// value and the tax, the tax taken back in Table 11B, Table 13 nature 8; never more than the advance left.
    @Test func an_advance_refunded_gets_a_refund_voucher_and_takes_its_tax_back() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            #expect(try await g.f.post("items", ["name": "IT Consulting", "hsn": "998313", "unit": "NA", "gstRate": "18", "kind": "service"]).status == .created)
            func L(_ quantity: String, _ rate: String) -> JSONValue { GSTFixture.line("IT Consulting", quantity, rate) }
            let advance = try await g.invoice("advance-receipt", "Sharma Traders", "2026-08-03", [L("1", "10000.00")], extra: ["account": "HDFC Bank"])
            let number = advance.json["number"] ?? .null
            #expect(try await g.invoice("advance-adjustment", "Sharma Traders", "2026-08-05", [L("1", "6000.00")],
                                        extra: ["originalInvoice": number]).status == .created)
            // 4,000 is left of the advance: 4,000.01 is refused, and a refund needs the account it is paid from.
            #expect(try await g.invoice("advance-refund", "Sharma Traders", "2026-08-10", [L("1", "4000.01")],
                                        extra: ["originalInvoice": number, "account": "HDFC Bank"]).errorFields == ["lines"])
            #expect(try await g.invoice("advance-refund", "Sharma Traders", "2026-08-10", [L("1", "4000.00")],
                                        extra: ["originalInvoice": number]).errorFields == ["account"])
            let refund = try await g.invoice("advance-refund", "Sharma Traders", "2026-08-10", [L("1", "4000.00")],
                                             extra: ["originalInvoice": number, "account": "HDFC Bank"])
            #expect(refund.status == .created, "\(refund.text)")
            #expect(refund.json["number"]?.stringValue == "RV/26-27/0001" && refund.json["totals"]?["total"]?.stringValue == "4720.00")
            let v = try await g.f.get("vouchers/\(refund.json["voucherId"]?.stringValue ?? "")").json
            func side(_ ledger: String, _ key: String) -> String? { v["entries"]?.arrayValue.first { $0["ledger"]?.stringValue == ledger }?[key]?.stringValue }
            #expect(side("HDFC Bank", "credit") == "4720.00" && side("Sharma Traders", "debit") == "4000.00" && side("Output IGST", "debit") == "720.00")

            let r1 = try await g.f.get("gst/gstr1?period=2026-08").json
            #expect(r1["at"]?[0]?["itms"]?[0]?["ad_amt"] == .int(10000))
            #expect(r1["txpd"]?[0]?["itms"]?[0]?["ad_amt"] == .int(10000) && r1["txpd"]?[0]?["itms"]?[0]?["iamt"] == .int(1800), "\(r1)")
            let natures = r1["doc_issue"]?["doc_det"]?.arrayValue ?? []
            #expect(natures.first { $0["doc_num"] == .int(8) }?["docs"]?[0]?["from"]?.stringValue == "RV/26-27/0001")
            #expect(try await g.f.get("gst/gstr3b?period=2026-08").json["sup_details"]?["osup_det"]?["iamt"] == .int(0))
            #expect(try await g.f.get("gst/tie-out?period=2026-08").json["agrees"]?.boolValue == true)
            // Nothing is left to refund or adjust.
            #expect(try await g.invoice("advance-refund", "Sharma Traders", "2026-08-11", [L("1", "0.01")],
                                        extra: ["originalInvoice": number, "account": "HDFC Bank"]).errorFields == ["lines"])
            // A refund names an advance, not an invoice.
            let sale = try await g.invoice("sales", "Sharma Traders", "2026-08-12", [L("1", "100.00")])
            #expect(try await g.invoice("advance-refund", "Sharma Traders", "2026-08-12", [L("1", "10.00")],
                                        extra: ["originalInvoice": sale.json["id"] ?? .null, "account": "HDFC Bank"]).errorFields == ["originalInvoice"])
        }
    }
}

@testable import App
import Foundation
import SQLKit
import Testing
import Vapor

/// Specific (per-unit) compensation cess beside the ad-valorem rate (Compensation Cess Act schedule; gst.md §A2.8):
/// charged per unit of the item, booked to the cess ledger, and reported in every return's `csamt`, the e-invoice's
/// `CesNonAdvlAmt` and the e-way bill's `cessNonAdvol`.
@Suite struct GSTCessTests {
    @Test func specific_cess_is_charged_per_unit_and_reported_everywhere() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            try await g.registerWithAddress()
            // Tobacco keeps 28% and cess after the 2025 rationalisation: 5% plus ₹4,170 per thousand sticks.
            let item = try await g.f.post("items", ["name": "Filter Cigarettes 76mm", "hsn": "240220", "unit": "THD", "gstRate": "28", "cessRate": "5",
                                                    "cessPerUnit": "4170.00", "openingStock": [["quantity": "10", "rate": "30000.00"]]])
            #expect(item.status == .created, "\(item.text)")
            #expect(item.json["cessPerUnit"]?.stringValue == "4170.00")

            try await g.address("Sharma Traders", "5 Market Street", "Bengaluru", "560001")
            let sale = try await g.invoice("sales", "Sharma Traders", "2026-08-05", [GSTFixture.line("Filter Cigarettes 76mm", "2", "50000.00")])
            #expect(sale.status == .created, "\(sale.text)")
            // 1,00,000 taxable to Karnataka: IGST 28,000; cess 5,000 ad valorem + 2 × 4,170 = 13,340, never split.
            #expect(sale.json["lines"]?[0]?["cess"]?.stringValue == "13340.00" && sale.json["lines"]?[0]?["specificCess"]?.stringValue == "8340.00")
            #expect(sale.json["totals"]?["cess"]?.stringValue == "13340.00" && sale.json["totals"]?["total"]?.stringValue == "141340.00")
            let id = sale.json["id"]?.stringValue ?? ""

            let r1 = try await g.f.get("gst/gstr1?period=2026-08").json
            #expect(r1["b2b"]?[0]?["inv"]?[0]?["itms"]?[0]?["itm_det"]?["csamt"] == .int(13340))
            #expect(r1["hsn"]?["hsn_b2b"]?[0]?["csamt"] == .int(13340))
            #expect(try await g.f.get("gst/gstr3b?period=2026-08").json["sup_details"]?["osup_det"]?["csamt"] == .int(13340))
            #expect(try await g.f.get("gst/tie-out?period=2026-08").json["agrees"]?.boolValue == true)

            let e = try await g.f.get("invoices/\(id)/einvoice")
            #expect(e.status == .ok, "\(e.text)")
            #expect(e.json["ItemList"]?[0]?["CesAmt"] == .int(5000) && e.json["ItemList"]?[0]?["CesNonAdvlAmt"] == .int(8340))
            #expect(e.json["ItemList"]?[0]?["TotItemVal"] == .int(141340) && e.json["ValDtls"]?["CesVal"] == .int(13340))
            let ewb = try await g.f.get("invoices/\(id)/ewaybill").json
            #expect(ewb["cessValue"] == .int(5000) && ewb["cessNonAdvolValue"] == .int(8340) && ewb["itemList"]?[0]?["cessNonAdvol"] == .int(4170))
            #expect(ewb["totInvValue"] == .int(141340) && ewb["otherValue"] == .int(0), "\(ewb)")
        }
    }

    @Test func a_specific_cess_rate_must_be_money_on_taxable_goods() async throws {
        try await withApp { app in
            let g = try await GSTFixture.make(app)
            let cases: [(JSONValue, String)] = [
                (["name": "A", "hsn": "240220", "unit": "THD", "gstRate": "28", "cessPerUnit": "-1.00"], "cessPerUnit"),
                (["name": "B", "hsn": "240220", "unit": "THD", "gstRate": "28", "cessPerUnit": "4,170"], "cessPerUnit"),
                (["name": "C", "hsn": "240220", "unit": "THD", "gstRate": "28", "cessPerUnit": "99999999999999999"], "cessPerUnit"),
                (["name": "D", "hsn": "996311", "unit": "NA", "gstRate": "18", "cessPerUnit": "10.00"], "cessPerUnit"),
                (["name": "E", "hsn": "0401", "unit": "LTR", "gstRate": "0", "taxability": "nil-rated", "cessPerUnit": "1.00"], "cessPerUnit"),
            ]
            for (body, field) in cases {
                let r = try await g.f.post("items", body)
                #expect(r.errorFields == [field], "\(body): \(r.text)")
            }
            // A huge quantity at a high per-unit cess is refused by field, not trapped.
            #expect(try await g.f.post("items", ["name": "Pan Masala", "hsn": "210690", "unit": "KGS", "gstRate": "28",
                                                 "cessPerUnit": "9999999999.00"]).status == .created)
            let r = try await g.invoice("sales", "Pune Retail", "2026-08-05", [GSTFixture.line("Pan Masala", "999999999", "1.00")])
            #expect(r.status == .unprocessableEntity && r.errorFields.contains("lines[0]"), "\(r.text)")
        }
    }
}
